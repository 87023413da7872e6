/**
 * Plays one planned case through the product's own code: `receiveReferral` for intake, the pure
 * workflow transitions (`rate`, `overrideConsent`, `issueRequests`, `answerRequest`, `decide`) for
 * each step, `submitFeedback` for the referrer's feedback, each with a clock fixed at the step's
 * simulated time, and every write through the DynamoDB case store (`createCase`, `commit`,
 * `markDelivered`, `addFeedback`), so what lands in the table is exactly what the hub would have stored,
 * audit records included.
 */
import { randomUUID } from 'node:crypto';
import type { CaseRecord, InformationProduct, InformationRequest } from '../../src/domain/case.ts';
import type { Agency, CaseStatus, Rag } from '../../src/domain/codes.ts';
import {
  answerRequest,
  decide,
  issueRequests,
  overrideConsent,
  rate,
  type Transition,
} from '../../src/domain/workflow.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { receiveReferral, submitFeedback } from '../../src/services/intake.ts';
import type { StoredTransition } from '../../src/store/case-store.ts';
import type { DynamoCaseStore } from '../../src/store/dynamo-case-store.ts';
import type { PlannedCase } from './synthetic.ts';

export interface Tally {
  referrals: number;
  reReferrals: number;
  immediateDanger: number;
  rated: number;
  reRated: number;
  consentOverrides: number;
  requests: number;
  answered: number;
  answeredLate: number;
  decisions: number;
  nfa: number;
  products: number;
  feedback: number;
  byStatus: Partial<Record<CaseStatus, number>>;
  byRag: Partial<Record<Rag | 'unrated', number>>;
  byAgency: Partial<Record<Agency, number>>;
}

export function emptyTally(): Tally {
  return {
    referrals: 0,
    reReferrals: 0,
    immediateDanger: 0,
    rated: 0,
    reRated: 0,
    consentOverrides: 0,
    requests: 0,
    answered: 0,
    answeredLate: 0,
    decisions: 0,
    nfa: 0,
    products: 0,
    feedback: 0,
    byStatus: {},
    byRag: {},
    byAgency: {},
  };
}

function fixedClock(at: number | Date): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}

/**
 * Writes one case. `intakeDone` is called once the case (and its subject sightings) are stored, so a
 * later re-referral of the same people, waiting on it, is recognised as one.
 */
export async function writeCase(
  store: DynamoCaseStore,
  plan: PlannedCase,
  tally: Tally,
  intakeDone: () => void,
): Promise<void> {
  let opened: Awaited<ReturnType<typeof receiveReferral>>;
  try {
    opened = await receiveReferral(plan.referral, { store, clock: fixedClock(plan.receivedAt) });
  } finally {
    intakeDone();
  }
  const { receipt } = opened;
  let record: CaseRecord = opened.record;
  tally.referrals += 1;
  if (record.reReferral) tally.reReferrals += 1;
  if (record.immediateDanger) tally.immediateDanger += 1;

  const requests: InformationRequest[] = [];
  let product: InformationProduct | undefined;
  // Consecutive transitions of the case are written in one transaction (DynamoDB Local on disk is
  // bound by one sync per write); the items stored are the same as step by step. A step that writes
  // elsewhere (a delivery, feedback) or a second answer starts a new transaction.
  let pending: StoredTransition | undefined;
  let expectedVersion = record.version;
  const flush = async () => {
    if (!pending) return;
    await store.commit(pending);
    pending = undefined;
    expectedVersion = record!.version;
  };
  const step = async (transition: Transition, extra: Omit<StoredTransition, 'case' | 'audit'> = {}) => {
    if (pending?.answeredRequest && extra.answeredRequest) await flush();
    pending = {
      ...pending,
      ...extra,
      case: { record: transition.record, expectedVersion },
      audit: [...(pending?.audit ?? []), ...transition.audit],
    };
    record = transition.record;
  };

  for (const event of plan.events) {
    const now = new Date(event.at);
    const at = now.toISOString();
    switch (event.kind) {
      case 'rate': {
        const reRating = record.ratingHistory.length > 0;
        await step(rate(record, { rag: event.rag, rationale: event.rationale }, event.actor, now));
        if (reRating) tally.reRated += 1;
        else tally.rated += 1;
        break;
      }
      case 'override':
        await step(overrideConsent(record, { rationale: event.rationale }, event.actor, now));
        tally.consentOverrides += 1;
        break;
      case 'request': {
        const issued = issueRequests(record, { agencies: event.agencies }, event.actor, now, randomUUID);
        await step(issued, { newRequests: issued.requests });
        requests.push(...issued.requests);
        tally.requests += issued.requests.length;
        for (const request of issued.requests)
          tally.byAgency[request.agency] = (tally.byAgency[request.agency] ?? 0) + 1;
        break;
      }
      case 'deliver-request': {
        await flush();
        const request = requests[event.slot]!;
        const delivered = await store.markDelivered('request', request.id, at);
        // Not delivered by us: the hub's delivery sweeper got there first; take its version.
        requests[event.slot] = delivered
          ? { ...request, deliveredAt: at }
          : (await store.getRequest(request.id))!;
        break;
      }
      case 'answer': {
        const answered = answerRequest(
          requests[event.slot]!,
          record,
          { information: event.information, releasable: event.releasable },
          event.actor,
          now,
        );
        await step(answered, { answeredRequest: answered.request });
        requests[event.slot] = answered.request;
        tally.answered += 1;
        if (answered.request.answer?.late) tally.answeredLate += 1;
        break;
      }
      case 'decide': {
        const decided = decide(
          record,
          requests,
          { outcome: event.outcome, rationale: event.rationale, recipientAgency: event.recipientAgency },
          event.actor,
          now,
          randomUUID,
        );
        await step(decided, decided.product ? { newProduct: decided.product } : {});
        product = decided.product;
        tally.decisions += 1;
        if (event.outcome === 'NFA' || event.outcome === 'ADULT_NFA') tally.nfa += 1;
        if (product) tally.products += 1;
        break;
      }
      case 'deliver-product':
        await flush();
        if (product) await store.markDelivered('product', product.id, at);
        break;
      case 'feedback': {
        await flush();
        const result = await submitFeedback(
          {
            reference: receipt.reference,
            receiptToken: receipt.receiptToken,
            helpful: event.helpful,
            ...(event.rating !== undefined ? { rating: event.rating } : {}),
            ...(event.comment ? { comment: event.comment } : {}),
          },
          { store, clock: fixedClock(now) },
        );
        if (result !== 'recorded') throw new Error(`case ${record.reference}: feedback was not recorded`);
        tally.feedback += 1;
        break;
      }
    }
  }
  await flush();
  tally.byStatus[record.status] = (tally.byStatus[record.status] ?? 0) + 1;
  const rag = record.rag ?? 'unrated';
  tally.byRag[rag] = (tally.byRag[rag] ?? 0) + 1;
}
