/** The SQS client, created once per cold start, only in functions that send or read messages. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultRegion } from '../resources.ts';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ region: process.env.AWS_REGION ?? defaultRegion, maxAttempts: 3 });
  return sqsClient;
}
