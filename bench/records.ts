/**
 * Case records as intake makes them (src/domain/intake.ts), and the exact DynamoDB requests one
 * referral costs (src/store/dynamo/cases.ts): one Query per subject identity key, then one
 * TransactWriteItems of the case, its reference, its sightings and an audit record.
 */
import type { AuditRecord, CaseRecord } from '../src/domain/case.ts';
import { openCase, type SubjectSighting, sightingLookup } from '../src/domain/intake.ts';
import type { ReferralInput } from '../src/domain/referral.ts';
import { newCaseId, newReceiptToken, newReference } from '../src/domain/tokens.ts';
import { caseTable, limits } from '../src/resources.ts';
import { createCaseInput, sightingsQuery } from '../src/store/dynamo/cases.ts';

export interface PlannedReferral {
  record: CaseRecord;
  sightings: SubjectSighting[];
  audit: AuditRecord;
  windowStart: string;
}

/** A first referral (no earlier sightings) opened by intake's own pure openCase. */
export function planReferral(referral: ReferralInput, received: Date): PlannedReferral {
  const opened = openCase({
    referral,
    received,
    earlierSightings: [],
    reReferralWindowMonths: limits.reReferralWindowMonths,
    identifiers: { caseId: newCaseId(), reference: newReference(), receiptToken: newReceiptToken() },
  });
  const lookup = sightingLookup(referral, received, limits.reReferralWindowMonths);
  return {
    record: opened.record,
    sightings: opened.sightings,
    audit: opened.audit,
    windowStart: lookup.fromDate,
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
