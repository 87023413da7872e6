/**
 * Case records as intake makes them (src/domain/intake.ts), and the exact DynamoDB requests one
 * referral costs (src/store/dynamo/cases.ts): one Query per subject identity key, then one
 * TransactWriteItems of the case, its reference, its sightings and an audit record.
 */
import type { AuditRecord, CaseRecord } from '../src/domain/case.ts';
import { reReferralWindowStartDate, subjectIdentityKeys } from '../src/domain/identity.ts';
import type { ReferralInput } from '../src/domain/referral.ts';
import { decisionDueAt, londonIsoDate } from '../src/domain/timescales.ts';
import { hashToken, newCaseId, newReceiptToken, newReference } from '../src/domain/tokens.ts';
import { caseTable, limits } from '../src/resources.ts';
import type { SubjectSighting } from '../src/store/case-store.ts';
import { createCaseInput, sightingsQuery } from '../src/store/dynamo/cases.ts';

export interface PlannedReferral {
  record: CaseRecord;
  sightings: SubjectSighting[];
  audit: AuditRecord;
  windowStart: string;
}

export function planReferral(referral: ReferralInput, received: Date): PlannedReferral {
  const receivedAt = received.toISOString();
  const receivedDate = londonIsoDate(received);
  const rag = referral.immediateDanger ? 'red' : null;
  const identityKeys = [...new Set(referral.subjects.flatMap(subjectIdentityKeys))];
  const record: CaseRecord = {
    id: newCaseId(),
    reference: newReference(),
    status: 'received',
    rag,
    receivedAt,
    decisionDueAt: decisionDueAt(received, rag ?? 'unrated').toISOString(),
    immediateDanger: referral.immediateDanger,
    referral,
    receiptTokenHash: hashToken(newReceiptToken()),
    subjectIdentityKeys: identityKeys,
    reReferral: false,
    reReferralOf: [],
    ratingHistory: [],
    version: 1,
  };
  return {
    record,
    sightings: identityKeys.map((identityKey) => ({
      identityKey,
      caseId: record.id,
      reference: record.reference,
      receivedAt,
      receivedDate,
    })),
    audit: {
      caseId: record.id,
      at: receivedAt,
      actor: 'referrer',
      role: 'referrer',
      action: 'referral.received',
      detail: `source ${referral.referrer.source}`,
    },
    windowStart: reReferralWindowStartDate(receivedDate, limits.reReferralWindowMonths),
  };
}

/** The stored case item, with its index attributes and facts, as createCase writes it. */
export { caseItem } from '../src/store/dynamo/cases.ts';

/** The Query inputs findSightings sends, one per identity key. */
export function sightingQueries(plan: PlannedReferral, tableName = caseTable.localName) {
  return plan.record.subjectIdentityKeys.map((identityKey) =>
    sightingsQuery(tableName, identityKey, plan.windowStart),
  );
}

/** The TransactWriteItems input createCase sends. */
export function createCaseTransaction(plan: PlannedReferral, tableName = caseTable.localName) {
  return createCaseInput(tableName, plan.record, plan.sightings, plan.audit);
}

/** DynamoDB's item size: attribute names plus values (UTF-8), numbers ~ digits/2+1, small overheads for maps/lists. */
export function itemSizeBytes(item: unknown): number {
  const size = (value: unknown): number => {
    if (value === null || value === undefined) return 1;
    if (typeof value === 'string') return Buffer.byteLength(value);
    if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
    if (typeof value === 'boolean') return 1;
    if (Array.isArray(value)) return 3 + value.reduce((total: number, v) => total + 1 + size(v), 0);
    if (typeof value === 'object')
      return (
        3 +
        Object.entries(value as Record<string, unknown>).reduce(
          (total, [k, v]) => total + 1 + Buffer.byteLength(k) + size(v),
          0,
        )
      );
    return 0;
  };
  return Object.entries(item as Record<string, unknown>).reduce(
    (total, [k, v]) => total + Buffer.byteLength(k) + size(v),
    0,
  );
}
