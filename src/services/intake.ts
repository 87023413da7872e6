/**
 * The intake service as handlers and pages use it: the domain's intake bound to the DynamoDB case
 * store and the hub clock, with Powertools idempotency around submission.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import {
  referralStatus as domainReferralStatus,
  submitFeedback as domainSubmitFeedback,
  submitReferral as domainSubmitReferral,
  type FeedbackInput,
  type IntakeDeps,
  type ReferralReceipt,
  type ReferralStatusView,
} from '../domain/intake.ts';
import type { ReferralInput } from '../domain/referral.ts';
import { dynamoDb, resourceName } from '../platform/clients.ts';
import { hubClock } from '../platform/clock.ts';
import { idempotencyTable, limits } from '../resources.ts';
import { caseStore } from './cases.ts';

export type { FeedbackInput, ReferralReceipt, ReferralStatusView };

let deps: IntakeDeps | undefined;
function intakeDeps(): IntakeDeps {
  deps ??= { store: caseStore(), clock: hubClock };
  return deps;
}

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'idempotencyKey',
  // The same key with another body is a client mistake (409), not a replay.
  payloadValidationJmesPath: 'referral',
  expiresAfterSeconds: limits.idempotencyTtlSeconds,
  throwOnNoIdempotencyKey: true,
});

let idempotentSubmit:
  | ((request: { idempotencyKey: string; referral: ReferralInput }) => Promise<ReferralReceipt>)
  | undefined;
function submitOnce() {
  idempotentSubmit ??= makeIdempotent(
    async (request: { idempotencyKey: string; referral: ReferralInput }) =>
      domainSubmitReferral(request.referral, intakeDeps()),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: resourceName(idempotencyTable.envVar),
        awsSdkV3Client: dynamoDb(),
      }),
      config: idempotencyConfig,
    },
  );
  return idempotentSubmit;
}

/** Lets Powertools size in-progress records to the invocation's remaining time. */
export function registerLambdaContext(context: Context): void {
  idempotencyConfig.registerLambdaContext(context);
}

export async function submitReferral(
  referral: ReferralInput,
  options: { idempotencyKey?: string } = {},
): Promise<ReferralReceipt> {
  if (!options.idempotencyKey) return domainSubmitReferral(referral, intakeDeps());
  return submitOnce()({ idempotencyKey: options.idempotencyKey, referral });
}

export async function referralStatus(
  reference: string,
  receiptToken: string,
): Promise<ReferralStatusView | undefined> {
  return domainReferralStatus(reference, receiptToken, intakeDeps());
}

export async function submitFeedback(input: FeedbackInput): Promise<'recorded' | 'not-found'> {
  return domainSubmitFeedback(input, intakeDeps());
}
