/**
 * The DynamoDB clients, created once per cold start and reused by every invocation. Endpoints come from
 * the standard AWS_ENDPOINT_URL_* variables, which the local hub points at DynamoDB Local and fauxqs.
 * SQS and S3 have modules of their own (sqs.ts, s3.ts), so a function that never sends a message or
 * reads an export never loads their SDKs (issue #6: cold starts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

/** The value of a resource's environment variable; a missing one is a deployment fault, so fail loudly. */
export function resourceName(envVar: string): string {
  const value = process.env[envVar];
  if (!value) throw new Error(`${envVar} is not set`);
  return value;
}
