/**
 * Intake: a referral becomes a case. The case gets its reference, a receipt token (only its hash is
 * kept), the decision deadline (unrated: one working day; immediate danger: red, four hours), the
 * re-referral flag from its subjects' identities, and an audit record written in the same transaction.
 */

import type { Clock } from '../platform/clock.ts';
import { limits } from '../resources.ts';
import { type CaseStore, ReferenceTakenError, type SubjectSighting } from '../store/case-store.ts';
import type { AuditRecord, CaseRecord } from './case.ts';
import { reReferralWindowStartDate, subjectIdentityKeys } from './identity.ts';
import type { ReferralInput } from './referral.ts';
import { decisionDueAt, londonIsoDate } from './timescales.ts';
import { hashToken, newCaseId, newReceiptToken, newReference, tokenMatches } from './tokens.ts';

export interface IntakeDeps {
  store: CaseStore;
  clock: Clock;
}

export interface ReferralReceipt {
  reference: string;
  receiptToken: string;
  status: 'received';
  receivedAt: string;
  decisionDueAt: string;
}

const MAX_REFERENCE_ATTEMPTS = 5;

export async function submitReferral(referral: ReferralInput, deps: IntakeDeps): Promise<ReferralReceipt> {
  const received = deps.clock.now();
  const receivedAt = received.toISOString();
  const receivedDate = londonIsoDate(received);
  const rag = referral.immediateDanger ? 'red' : null;
  const due = decisionDueAt(received, rag ?? 'unrated').toISOString();

  const identityKeys = [...new Set(referral.subjects.flatMap(subjectIdentityKeys))];
  const windowStart = reReferralWindowStartDate(receivedDate, limits.reReferralWindowMonths);
  const earlier = (
    await Promise.all(identityKeys.map((key) => deps.store.findSightings(key, windowStart)))
  ).flat();
  const reReferralOf = [
    ...new Set(earlier.filter((s) => s.receivedAt <= receivedAt).map((s) => s.reference)),
  ];

  const receiptToken = newReceiptToken();
  for (let attempt = 1; ; attempt++) {
    const record: CaseRecord = {
      id: newCaseId(),
      reference: newReference(),
      status: 'received',
      rag,
      receivedAt,
      decisionDueAt: due,
      immediateDanger: referral.immediateDanger,
      referral,
      receiptTokenHash: hashToken(receiptToken),
      subjectIdentityKeys: identityKeys,
      reReferral: reReferralOf.length > 0,
      reReferralOf,
      ratingHistory: [],
      version: 1,
    };
    const sightings: SubjectSighting[] = identityKeys.map((identityKey) => ({
      identityKey,
      caseId: record.id,
      reference: record.reference,
      receivedAt,
      receivedDate,
    }));
    const audit: AuditRecord = {
      caseId: record.id,
      at: receivedAt,
      actor: 'referrer',
      role: 'referrer',
      action: 'referral.received',
      detail: `source ${referral.referrer.source}${rag ? ', immediate danger: rated red' : ''}${record.reReferral ? ', re-referral' : ''}`,
    };
    try {
      await deps.store.createCase(record, sightings, audit);
      return {
        reference: record.reference,
        receiptToken,
        status: 'received',
        receivedAt,
        decisionDueAt: due,
      };
    } catch (error) {
      if (error instanceof ReferenceTakenError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
      throw error;
    }
  }
}

export interface ReferralStatusView {
  reference: string;
  status: CaseRecord['status'];
  outcome?: string;
}

/** What a referrer may see with their receipt token: the status, and the outcome once decided. Nothing else. */
export async function referralStatus(
  reference: string,
  receiptToken: string,
  deps: IntakeDeps,
): Promise<ReferralStatusView | undefined> {
  const record = await deps.store.getCaseByReference(reference);
  if (!record || !tokenMatches(receiptToken, record.receiptTokenHash)) return undefined;
  await deps.store.appendAudit([
    {
      caseId: record.id,
      at: deps.clock.now().toISOString(),
      actor: 'referrer',
      role: 'referrer',
      action: 'status.viewed',
    },
  ]);
  const outcome = record.decision?.outcome;
  return { reference: record.reference, status: record.status, ...(outcome ? { outcome } : {}) };
}

export interface FeedbackInput {
  reference: string;
  receiptToken: string;
  helpful: boolean;
  rating?: number;
  comment?: string;
}

export async function submitFeedback(
  input: FeedbackInput,
  deps: IntakeDeps,
): Promise<'recorded' | 'not-found'> {
  const record = await deps.store.getCaseByReference(input.reference);
  if (!record || !tokenMatches(input.receiptToken, record.receiptTokenHash)) return 'not-found';
  const at = deps.clock.now().toISOString();
  await deps.store.addFeedback(
    record.id,
    {
      at,
      helpful: input.helpful,
      ...(input.rating !== undefined ? { rating: input.rating } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      caseReceivedAt: record.receivedAt,
    },
    { caseId: record.id, at, actor: 'referrer', role: 'referrer', action: 'feedback.received' },
  );
  return 'recorded';
}
