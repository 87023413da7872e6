/** The S3 client, created once per cold start, only in functions that read or write the exports. */
import { S3Client } from '@aws-sdk/client-s3';
import { defaultRegion } from '../resources.ts';

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  s3Client ??= new S3Client({ region: process.env.AWS_REGION ?? defaultRegion, maxAttempts: 3 });
  return s3Client;
}
