/**
 * The environment the handlers see. On AWS the CDK stack sets it per function; locally every handler
 * runs in the hub's process, so the hub sets the union once, before the first handler is imported
 * (handlers read it at cold start).
 */
import { queues, reportsBucket, tables } from '../src/resources.ts';
import { localCredentials } from './aws-clients.ts';
import { LOCAL_AUDIENCE } from './local-auth.ts';
import type { ProvisionedQueue } from './provision.ts';

export interface HandlerEnvironmentInput {
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  queues: ProvisionedQueue[];
  issuer: string;
  jwks: { keys: object[] };
}

export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    // Service-specific endpoints, read by every AWS SDK v3 client. 127.0.0.1 (an IP, not a host name)
    // also makes the S3 client use path-style addressing without a forcePathStyle setting.
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: input.sqsEndpoint,
    AWS_ENDPOINT_URL_S3: input.s3Endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'mash',
    POWERTOOLS_METRICS_NAMESPACE: 'Mash',
    // As Lambda sets it for a sandbox started by a request: Powertools counts a cold start only then.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    MASH_RUNTIME: 'local',
    AUTH_ISSUER: input.issuer,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
    AUTH_JWKS: JSON.stringify(input.jwks),
    [reportsBucket.envVar]: reportsBucket.localName,
  };
  for (const table of tables) env[table.envVar] = table.localName;
  for (const queue of queues) {
    const provisioned = input.queues.find((q) => q.definition.localName === queue.localName);
    if (!provisioned) throw new Error(`Queue ${queue.localName} was not provisioned`);
    env[queue.envVar] = provisioned.url;
  }
  return env;
}

/**
 * Variables that would point a handler somewhere else than the local emulators, or change how it
 * behaves, if they leaked in from the developer's shell.
 */
const REMOVED = [
  'POWERTOOLS_DEV',
  'AUTH_JWKS_URL',
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

export function applyHandlerEnvironment(env: Record<string, string>): void {
  for (const name of REMOVED) delete process.env[name];
  Object.assign(process.env, env);
}
