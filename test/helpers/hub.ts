/**
 * The local hub for integration tests: started in this process on free ports, in memory unless a
 * data folder is given, with helpers to take tokens and call the API.
 *
 * Every integration test goes through startTestHub, and startTestHub refuses to hand over a hub whose
 * DynamoDB, SQS or S3 endpoints are not on this machine: a test can never touch a real account.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { localCredentials } from '../../local/aws-clients.ts';
import { type Hub, type HubOptions, startHub } from '../../local/hub.ts';
import type { Agency, Role } from '../../src/domain/codes.ts';
import { hubClock } from '../../src/platform/clock.ts';
import { validReferral } from './referrals.ts';

export type TestHubOptions = Omit<HubOptions, 'port'>;

interface ApiOptions {
  /** Sent as JSON (Content-Type application/json unless a header says otherwise). */
  body?: unknown;
  /** Sent exactly as given, for malformed or non-JSON bodies. */
  rawBody?: string | Uint8Array;
  /** Sent as `Authorization: Bearer TOKEN`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed body, or undefined when it is not JSON. Loosely typed so tests can reach into it. */
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary response shapes.
  json: any;
  text: string;
}

export interface TestHub extends Hub {
  /** A local token for a role (and agency, for agency users), as POST /_local/token issues it. */
  token(role: Role, agency?: Agency, sub?: string): Promise<string>;
  api(method: string, path: string, options?: ApiOptions): Promise<ApiResponse>;
  /** Clients on the hub's emulators, for checking what handlers stored. */
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
}

/**
 * Holds the hub's clock still at `instant` until the returned function is called. `PUT /_local/clock`
 * sets a clock that runs on, so a test that must know "now" to the millisecond (a deadline computed
 * from receipt, overdue at exactly the due instant) freezes it instead. The test hub runs its handlers
 * in this process, on this one clock.
 */
export function freezeHubClock(instant: string): () => void {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) throw new Error(`not an instant: ${instant}`);
  const frozen = vi.spyOn(hubClock, 'now').mockImplementation(() => new Date(at));
  return () => frozen.mockRestore();
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const GUARDED_ENDPOINTS = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_S3',
] as const;

/**
 * Throws unless the DynamoDB, SQS and S3 endpoints the handlers will use are set and on this machine
 * (and no catch-all AWS_ENDPOINT_URL points elsewhere).
 */
function assertLoopbackEndpoints(env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  for (const name of GUARDED_ENDPOINTS) {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    else if (!isLoopbackUrl(value)) problems.push(`${name}=${value} is not a loopback address`);
  }
  if (env.AWS_ENDPOINT_URL && !isLoopbackUrl(env.AWS_ENDPOINT_URL)) {
    problems.push(`AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL} is not a loopback address`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Refusing to run integration tests against non-local AWS endpoints: ${problems.join('; ')}`,
    );
  }
}

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(value).hostname);
  } catch {
    return false;
  }
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const hub = await startHub({ quiet: true, ...options, port: 0 });
  try {
    assertLoopbackEndpoints();
    for (const endpoint of [hub.dynamodbEndpoint, hub.sqsEndpoint, hub.s3Endpoint]) {
      if (!isLoopbackUrl(endpoint)) throw new Error(`The hub reported a non-local endpoint: ${endpoint}`);
    }
  } catch (error) {
    await hub.stop();
    throw error;
  }

  const common = { region: process.env.AWS_REGION!, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: hub.dynamodbEndpoint });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = new SQSClient({ ...common, endpoint: hub.sqsEndpoint });
  const s3 = new S3Client({ ...common, endpoint: hub.s3Endpoint, forcePathStyle: true });

  const api = async (method: string, path: string, apiOptions: ApiOptions = {}): Promise<ApiResponse> => {
    const headers = new Headers(apiOptions.headers);
    if (apiOptions.token) headers.set('authorization', `Bearer ${apiOptions.token}`);
    let body: string | Uint8Array | undefined = apiOptions.rawBody;
    if (body === undefined && apiOptions.body !== undefined) {
      body = JSON.stringify(apiOptions.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };

  return {
    ...hub,
    dynamodb,
    documents,
    sqs,
    s3,
    api,
    async token(role, agency, sub) {
      const response = await api('POST', '/_local/token', {
        body: { role, ...(agency ? { agency } : {}), ...(sub ? { sub } : {}) },
      });
      if (response.status !== 200)
        throw new Error(`POST /_local/token answered ${response.status}: ${response.text}`);
      return response.json.token as string;
    },
    async stop() {
      documents.destroy();
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
      await hub.stop();
    },
  };
}

/**
 * Submits a valid referral (consent given or not, in immediate danger or not) and finds its case id in
 * the queue as `staffToken` sees it: what a test of the workflow starts from.
 */
export async function submitCase(
  hub: TestHub,
  staffToken: string,
  options: { consentGiven?: boolean; immediateDanger?: boolean } = {},
): Promise<{ id: string; reference: string; receiptToken: string }> {
  const body = validReferral({ immediateDanger: options.immediateDanger ?? false });
  if (options.consentGiven) body.consent = { parentsAware: true, consentGiven: true };
  const created = await hub.api('POST', '/api/referrals', { body });
  if (created.status !== 201) throw new Error(`the referral answered ${created.status}`);
  const list = await hub.api('GET', '/api/cases?limit=500', { token: staffToken });
  const item = list.json.items.find(
    (candidate: { reference: string }) => candidate.reference === created.json.reference,
  );
  if (!item) throw new Error(`case ${created.json.reference} is not in the first 500 of the queue`);
  return {
    id: item.id as string,
    reference: created.json.reference as string,
    receiptToken: created.json.receiptToken as string,
  };
}
