/**
 * Intake as pure rules: a referral becomes a case. The case gets its reference, a receipt token (only
 * its hash is kept), the decision deadline (unrated: one working day; immediate danger: red, four
 * hours), the re-referral flag from its subjects' earlier sightings, and an audit record written in the
 * same transaction. Nothing here reads or writes storage or the clock: src/services/intake.ts reads
 * the sightings, picks the identifiers, writes what `openCase` returns and retries a taken reference.
 */

import { type AuditRecord, auditRecord, type CaseRecord, REFERRER } from './case.ts';
import { reReferralWindowStartDate, subjectIdentityKeys } from './identity.ts';
import type { ReferralInput } from './referral.ts';
import { decisionDueAt, londonIsoDate } from './timescales.ts';
import { hashToken, tokenMatches } from './tokens.ts';

/** One subject of one referral, kept under its identity key so a later referral of them is recognised. */
export interface SubjectSighting {
  identityKey: string;
  caseId: string;
  reference: string;
  receivedAt: string;
  /** London calendar date of receipt: the re-referral window is counted in dates. */
  receivedDate: string;
}

/** A referrer's feedback on their referral, as stored. */
export interface FeedbackRecord {
  at: string;
  helpful: boolean;
  rating?: number;
  comment?: string;
  /** Receipt date of the case, so the board's confidence measure counts it in the referral's period. */
  caseReceivedAt: string;
}

export interface ReferralReceipt {
  reference: string;
  receiptToken: string;
  status: 'received';
  receivedAt: string;
  decisionDueAt: string;
}

/** The sightings intake must read before it opens a case: its subjects' identity keys, from the window's first date. */
export interface SightingLookup {
  identityKeys: string[];
  /** London date: sightings received on or after it are inside the re-referral window. */
  fromDate: string;
}

export function sightingLookup(
  referral: ReferralInput,
  received: Date,
  reReferralWindowMonths: number,
): SightingLookup {
  return {
    identityKeys: [...new Set(referral.subjects.flatMap(subjectIdentityKeys))],
    fromDate: reReferralWindowStartDate(londonIsoDate(received), reReferralWindowMonths),
  };
}

/** The new case's identifiers, chosen by the caller (random in the service, fixed in tests). */
export interface NewCaseIdentifiers {
  caseId: string;
  reference: string;
  /** Given to the referrer once; only its hash is kept. */
  receiptToken: string;
}

export interface OpenCaseInput {
  referral: ReferralInput;
  received: Date;
  /** Sightings already stored for the referral's identity keys (see `sightingLookup`). */
  earlierSightings: readonly SubjectSighting[];
  reReferralWindowMonths: number;
  identifiers: NewCaseIdentifiers;
}

/** What intake writes in one transaction, and the receipt the referrer gets. */
export interface OpenedCase {
  record: CaseRecord;
  sightings: SubjectSighting[];
  audit: AuditRecord;
  receipt: ReferralReceipt;
}

export function openCase(input: OpenCaseInput): OpenedCase {
  const { referral, received, identifiers } = input;
  const receivedAt = received.toISOString();
  const receivedDate = londonIsoDate(received);
  const rag = referral.immediateDanger ? 'red' : null;
  const due = decisionDueAt(received, rag ?? 'unrated').toISOString();
  const { identityKeys, fromDate } = sightingLookup(referral, received, input.reReferralWindowMonths);

  // An earlier referral of the same person, inside the window and received before this one.
  const reReferralOf = [
    ...new Set(
      input.earlierSightings
        .filter(
          (sighting) =>
            identityKeys.includes(sighting.identityKey) &&
            sighting.receivedDate >= fromDate &&
            sighting.receivedAt <= receivedAt,
        )
        .map((sighting) => sighting.reference),
    ),
  ];

  const record: CaseRecord = {
    id: identifiers.caseId,
    reference: identifiers.reference,
    status: 'received',
    rag,
    receivedAt,
    decisionDueAt: due,
    immediateDanger: referral.immediateDanger,
    referral,
    receiptTokenHash: hashToken(identifiers.receiptToken),
    subjectIdentityKeys: identityKeys,
    reReferral: reReferralOf.length > 0,
    reReferralOf,
    ratingHistory: [],
    version: 1,
  };
  const sightings = identityKeys.map((identityKey) => ({
    identityKey,
    caseId: record.id,
    reference: record.reference,
    receivedAt,
    receivedDate,
  }));
  const detail = `source ${referral.referrer.source}${rag ? ', immediate danger: rated red' : ''}${record.reReferral ? ', re-referral' : ''}`;
  return {
    record,
    sightings,
    audit: auditRecord(REFERRER, record.id, receivedAt, 'referral.received', detail),
    receipt: {
      reference: record.reference,
      receiptToken: identifiers.receiptToken,
      status: 'received',
      receivedAt,
      decisionDueAt: due,
    },
  };
}

export interface ReferralStatusView {
  reference: string;
  status: CaseRecord['status'];
  outcome?: string;
}

/**
 * What a referrer may see with their receipt token: the status, and the outcome once decided. Nothing
 * else, and nothing at all (undefined) without the case's own token. The view is audited.
 */
export function referrerStatusView(
  record: CaseRecord | undefined,
  receiptToken: string,
  now: Date,
): { view: ReferralStatusView; audit: AuditRecord } | undefined {
  // Compared even without a record: an unknown reference costs what a wrong token does.
  const matches = tokenMatches(receiptToken, record?.receiptTokenHash);
  if (!record || !matches) return undefined;
  const outcome = record.decision?.outcome;
  return {
    view: { reference: record.reference, status: record.status, ...(outcome ? { outcome } : {}) },
    audit: auditRecord(REFERRER, record.id, now.toISOString(), 'status.viewed'),
  };
}

export interface FeedbackInput {
  reference: string;
  receiptToken: string;
  helpful: boolean;
  rating?: number;
  comment?: string;
}

/** The feedback record and its audit entry, or undefined when the token is not the case's own. */
export function referrerFeedback(
  record: CaseRecord | undefined,
  input: FeedbackInput,
  now: Date,
): { caseId: string; feedback: FeedbackRecord; audit: AuditRecord } | undefined {
  const matches = tokenMatches(input.receiptToken, record?.receiptTokenHash);
  if (!record || !matches) return undefined;
  const at = now.toISOString();
  return {
    caseId: record.id,
    feedback: {
      at,
      helpful: input.helpful,
      ...(input.rating !== undefined ? { rating: input.rating } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      caseReceivedAt: record.receivedAt,
    },
    audit: auditRecord(REFERRER, record.id, at, 'feedback.received'),
  };
}
