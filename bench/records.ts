/**
 * Case records as intake makes them (src/domain/intake.ts), and the exact DynamoDB requests one
 * referral costs (src/store/dynamo-case-store.ts): one Query per subject identity key, then one
 * TransactWriteItems of the case, its reference, its sightings and an audit record.
 */
import type { AuditRecord, CaseRecord } from '../src/domain/case.ts';
import { reReferralWindowStartDate, subjectIdentityKeys } from '../src/domain/identity.ts';
import type { ReferralInput } from '../src/domain/referral.ts';
import { decisionDueAt, londonIsoDate } from '../src/domain/timescales.ts';
import { hashToken, newCaseId, newReceiptToken, newReference } from '../src/domain/tokens.ts';
import { caseTable, limits } from '../src/resources.ts';
import type { SubjectSighting } from '../src/store/case-store.ts';
import { caseIndexAttributes, keys } from '../src/store/dynamo-case-store.ts';

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
export function caseItem(record: CaseRecord): Record<string, unknown> {
  return { ...keys.case(record.id), type: 'case', ...record, ...caseIndexAttributes(record) };
}

/** The Query inputs findSightings sends, one per identity key. */
export function sightingQueries(plan: PlannedReferral, tableName = caseTable.localName) {
  const from = new Date(Date.parse(`${plan.windowStart}T00:00:00Z`) - 24 * 3600 * 1000).toISOString();
  return plan.record.subjectIdentityKeys.map((identityKey) => ({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk >= :from',
    ExpressionAttributeValues: { ':pk': `SUBJECT#${identityKey}`, ':from': `RECEIVED#${from}` },
  }));
}

/** The TransactWriteItems input createCase sends. */
export function createCaseTransaction(plan: PlannedReferral, tableName = caseTable.localName) {
  const { record, sightings, audit } = plan;
  return {
    TransactItems: [
      {
        Put: {
          TableName: tableName,
          Item: caseItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.reference(record.reference), type: 'reference', caseId: record.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...sightings.map((sighting) => ({
        Put: { TableName: tableName, Item: { ...keys.sighting(sighting), type: 'sighting', ...sighting } },
      })),
      { Put: { TableName: tableName, Item: { ...keys.audit(audit), type: 'audit', ...audit } } },
    ],
  };
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
