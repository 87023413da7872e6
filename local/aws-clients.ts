/**
 * The hub's own AWS clients (provisioning, the queue poller, settle). They always name their local
 * endpoint explicitly, so they can never fall back to a real account whatever the environment says.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Any value works locally; real-looking keys would only invite a mix-up with an actual account. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalEndpoints {
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
}

export interface LocalClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
  destroy(): void;
}

export function createLocalClients(endpoints: LocalEndpoints): LocalClients {
  const common = { region: endpoints.region, credentials: localCredentials, maxAttempts: 2 };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodbEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqsEndpoint });
  const s3 = new S3Client({ ...common, endpoint: endpoints.s3Endpoint, forcePathStyle: true });
  return {
    dynamodb,
    sqs,
    s3,
    destroy() {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
    },
  };
}
