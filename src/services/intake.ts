/**
 * The intake service as handlers, pages and scripts use it: the domain's pure intake (src/domain/
 * intake.ts) with its I/O. It reads the subjects' earlier sightings, writes the case, picks a new
 * reference when one is taken, and runs submissions with an Idempotency-Key through Powertools
 * idempotency, waiting for a concurrent duplicate to finish: the only such wait in the hub.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { CaseRecord } from '../domain/case.ts';
import {
  type FeedbackInput,
  type OpenedCase,
  openCase,
  type ReferralReceipt,
  type ReferralStatusView,
  referrerFeedback,
  referrerStatusView,
  sightingLookup,
} from '../domain/intake.ts';
import type { ReferralInput } from '../domain/referral.ts';
import { newCaseId, newReceiptToken, newReference, tokenMatches } from '../domain/tokens.ts';
import { dynamoDb, resourceName } from '../platform/clients.ts';
import { type Clock, hubClock } from '../platform/clock.ts';
import { idempotencyTable, limits } from '../resources.ts';
import { type CaseStore, ReferenceTakenError } from '../store/case-store.ts';
import { caseStore } from './store.ts';

export type { FeedbackInput, ReferralReceipt, ReferralStatusView };

/** The store and clock intake works with: the hub's own unless a caller (the seed script) brings its own. */
export interface IntakeDeps {
  store: CaseStore;
  clock: Clock;
}

function hubDeps(): IntakeDeps {
  return { store: caseStore(), clock: hubClock };
}

/** References are random (40 bits); a collision is rare, and five in a row means something else is wrong. */
const MAX_REFERENCE_ATTEMPTS = 5;

/** Opens a case for the referral and stores it with its sightings and audit record, all or nothing. */
export async function receiveReferral(
  referral: ReferralInput,
  deps: IntakeDeps = hubDeps(),
): Promise<OpenedCase> {
  const received = deps.clock.now();
  const lookup = sightingLookup(referral, received, limits.reReferralWindowMonths);
  const earlierSightings = (
    await Promise.all(lookup.identityKeys.map((key) => deps.store.findSightings(key, lookup.fromDate)))
  ).flat();
  const receiptToken = newReceiptToken();
  for (let attempt = 1; ; attempt++) {
    const opened = openCase({
      referral,
      received,
      earlierSightings,
      reReferralWindowMonths: limits.reReferralWindowMonths,
      identifiers: { caseId: newCaseId(), reference: newReference(), receiptToken },
    });
    try {
      await deps.store.createCase(opened.record, opened.sightings, opened.audit);
      return opened;
    } catch (error) {
      if (error instanceof ReferenceTakenError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
      throw error;
    }
  }
}

/**
 * A request with the same Idempotency-Key was still being processed when the wait for it ran out.
 * The API answers 409 IDEMPOTENCY_IN_PROGRESS (retry shortly); nothing was stored for this request.
 */
export class ReferralInProgressError extends Error {
  override readonly name = 'ReferralInProgressError';
  constructor() {
    super('a request with this idempotency key is still being processed');
  }
}

/** How long a duplicate waits for the first request with its key to finish before giving up. */
const IN_PROGRESS_WAIT_MS = 5_000;

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
      (await receiveReferral(request.referral)).receipt,
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

/**
 * Submits a referral and returns its receipt. With an idempotency key, a repeat gets the first
 * receipt, and a concurrent duplicate (a double-click, a client retrying) waits for the first request
 * to finish and gets its receipt too; if that takes too long, ReferralInProgressError.
 */
export async function submitReferral(
  referral: ReferralInput,
  options: { idempotencyKey?: string } = {},
): Promise<ReferralReceipt> {
  const { idempotencyKey } = options;
  if (!idempotencyKey) return (await receiveReferral(referral)).receipt;
  const giveUpAt = Date.now() + IN_PROGRESS_WAIT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 800)) {
    try {
      return await submitOnce()({ idempotencyKey, referral });
    } catch (error) {
      if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
      if (Date.now() + delay > giveUpAt) throw new ReferralInProgressError();
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * The case a referrer's reference and receipt token open, or undefined. A real reference with a wrong
 * token and an unknown reference cost the same: the same two small reads and one hash comparison; only
 * the right token reads the case itself.
 */
async function caseForReceipt(
  reference: string,
  receiptToken: string,
  deps: IntakeDeps,
): Promise<CaseRecord | undefined> {
  const receipt = await deps.store.getReceiptByReference(reference);
  if (!receipt || !tokenMatches(receiptToken, receipt.receiptTokenHash)) return undefined;
  return deps.store.getCase(receipt.caseId);
}

export async function referralStatus(
  reference: string,
  receiptToken: string,
  deps: IntakeDeps = hubDeps(),
): Promise<ReferralStatusView | undefined> {
  const record = await caseForReceipt(reference, receiptToken, deps);
  const seen = referrerStatusView(record, receiptToken, deps.clock.now());
  if (!seen) return undefined;
  await deps.store.appendAudit([seen.audit]);
  return seen.view;
}

export async function submitFeedback(
  input: FeedbackInput,
  deps: IntakeDeps = hubDeps(),
): Promise<'recorded' | 'not-found'> {
  const record = await caseForReceipt(input.reference, input.receiptToken, deps);
  const given = referrerFeedback(record, input, deps.clock.now());
  if (!given) return 'not-found';
  await deps.store.addFeedback(given.caseId, given.feedback, given.audit);
  return 'recorded';
}
