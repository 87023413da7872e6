/**
 * The hub's workflow services: read the case, apply a pure transition (src/domain/workflow.ts), commit
 * it with its audit records in one transaction, then hand requests and products to the delivery
 * queues. A concurrent change to the same case is retried from a fresh read.
 */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type AuditRecord,
  auditRecord,
  type CaseRecord,
  type InformationProduct,
  type InformationRequest,
} from '../domain/case.ts';
import type { Agency, Outcome, Rag } from '../domain/codes.ts';
import {
  answerRequest,
  decide,
  issueRequests,
  overrideConsent,
  rate,
  WorkflowError,
} from '../domain/workflow.ts';
import { hubClock } from '../platform/clock.ts';
import { ConcurrentChangeError, type StoredTransition } from '../store/case-store.ts';
import { sendDeliveries } from './delivery.ts';
import { caseStore } from './store.ts';

const MAX_ATTEMPTS = 4;

async function mutate<T>(
  caseId: string,
  apply: (record: CaseRecord, now: Date) => Promise<{ transition: StoredTransition; result: T }>,
): Promise<T> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const record = await caseStore().getCase(caseId);
    if (!record) throw new WorkflowError(404, 'NOT_FOUND', 'There is no case with that id.');
    const { transition, result } = await apply(record, hubClock.now());
    try {
      await caseStore().commit(transition);
      return result;
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
    }
  }
  throw new WorkflowError(
    409,
    'CONCURRENT_CHANGE',
    'Someone else changed this case at the same time; try again.',
  );
}

/**
 * What a pure step writes: the new case, under the version it was read at (optimistic locking), its audit
 * records, and whatever else the step made (requests, an answer, a product).
 */
function stored(
  read: CaseRecord,
  step: { record: CaseRecord; audit: AuditRecord[] },
  writes: Omit<StoredTransition, 'case' | 'audit'> = {},
): StoredTransition {
  return { case: { record: step.record, expectedVersion: read.version }, ...writes, audit: step.audit };
}

const simple =
  (step: (record: CaseRecord, now: Date) => { record: CaseRecord; audit: AuditRecord[] }) =>
  async (record: CaseRecord, now: Date) => {
    const next = step(record, now);
    return { transition: stored(record, next), result: next.record };
  };

export function triageCase(
  actor: Actor,
  caseId: string,
  input: { rag: Rag; rationale?: string | undefined },
) {
  return mutate(
    caseId,
    simple((record, now) => rate(record, input, actor, now)),
  );
}

export function overrideCaseConsent(actor: Actor, caseId: string, input: { rationale: string }) {
  return mutate(
    caseId,
    simple((record, now) => overrideConsent(record, input, actor, now)),
  );
}

export async function requestInformation(
  actor: Actor,
  caseId: string,
  input: { agencies: Agency[]; questions?: string | undefined },
): Promise<InformationRequest[]> {
  const requests = await mutate(caseId, async (record, now) => {
    const step = issueRequests(record, input, actor, now, randomUUID);
    return { transition: stored(record, step, { newRequests: step.requests }), result: step.requests };
  });
  await sendDeliveries(
    'request',
    requests.map((request) => request.id),
  );
  return requests;
}

export async function decideCase(
  actor: Actor,
  caseId: string,
  input: { outcome: Outcome; rationale: string; recipientAgency?: Agency | undefined },
): Promise<{ record: CaseRecord; product?: InformationProduct }> {
  const decided = await mutate(caseId, async (record, now) => {
    const requests = await caseStore().getRequests(record.requestIds ?? []);
    const step = decide(record, requests, input, actor, now, randomUUID);
    const product = step.product ? { newProduct: step.product } : {};
    return {
      transition: stored(record, step, product),
      result: { record: step.record, ...(step.product ? { product: step.product } : {}) },
    };
  });
  if (decided.product) await sendDeliveries('product', [decided.product.id]);
  return decided;
}

/** An agency's answer to one of its own requests; another agency's request is not found. */
export async function answerAgencyRequest(
  actor: Actor & { agency: Agency },
  requestId: string,
  input: { information: string; releasable: boolean },
): Promise<InformationRequest> {
  const request = await caseStore().getRequest(requestId);
  if (!request || request.agency !== actor.agency || !request.deliveredAt) {
    throw new WorkflowError(404, 'NOT_FOUND', 'There is no such request for your agency.');
  }
  return mutate(request.caseId, async (record, now) => {
    const fresh = (await caseStore().getRequest(requestId))!;
    const step = answerRequest(fresh, record, input, actor, now);
    return { transition: stored(record, step, { answeredRequest: step.request }), result: step.request };
  });
}

/** The audit trail of a case, oldest first. Reading it is itself recorded. */
export async function caseAudit(actor: Actor, caseId: string): Promise<AuditRecord[] | undefined> {
  const record = await caseStore().getCase(caseId);
  if (!record) return undefined;
  await caseStore().appendAudit([auditRecord(actor, caseId, hubClock.now().toISOString(), 'audit.viewed')]);
  const records = await caseStore().listAudit(caseId);
  return records.sort((a, b) => a.at.localeCompare(b.at));
}
