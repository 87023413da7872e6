/**
 * AWS SDK clients, created once per cold start and reused by every invocation. Endpoints come from
 * the standard AWS_ENDPOINT_URL_* variables, which the local hub points at DynamoDB Local and fauxqs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultRegion } from '../resources.ts';

let documentClient: DynamoDBDocumentClient | undefined;
let dynamoClient: DynamoDBClient | undefined;

export function dynamoDb(): DynamoDBClient {
  dynamoClient ??= new DynamoDBClient({ region: process.env.AWS_REGION ?? defaultRegion, maxAttempts: 3 });
  return dynamoClient;
}

export function documents(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoDb(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ region: process.env.AWS_REGION ?? defaultRegion, maxAttempts: 3 });
  return sqsClient;
}

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  s3Client ??= new S3Client({ region: process.env.AWS_REGION ?? defaultRegion, maxAttempts: 3 });
  return s3Client;
}

/** The value of a resource's environment variable; a missing one is a deployment fault, so fail loudly. */
export function resourceName(envVar: string): string {
  const value = process.env[envVar];
  if (!value) throw new Error(`${envVar} is not set`);
  return value;
}
