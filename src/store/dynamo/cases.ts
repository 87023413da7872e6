/**
 * Cases and their queue on DynamoDB: creating a case with its reference lookup, subject sightings and
 * audit record; reading it by id or reference; the queue listings; the audit trail; feedback; and the
 * workflow's transitions (docs/data-model.md, access patterns).
 */
import { BatchWriteCommand, GetCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, CaseRecord } from '../../domain/case.ts';
import { factsOf } from '../../domain/case-facts.ts';
import { caseTable } from '../../resources.ts';
import {
  type CasePage,
  type CaseQuery,
  ConcurrentChangeError,
  type FeedbackRecord,
  type QueueRow,
  type ReceiptCheck,
  ReferenceTakenError,
  type StoredTransition,
  type SubjectSighting,
} from '../case-store.ts';
import {
  allCasesPk,
  auditOf,
  caseIndexes,
  caseIndexKeys,
  keys,
  openCasesPk,
  overdueBefore,
  sightingsFrom,
  statusPk,
} from '../keys.ts';
import { productItem, requestItem } from './inbox.ts';
import {
  type CaseTableHandle,
  type Item,
  inBatches,
  itemExists,
  itemIsNew,
  onVersion,
  queryAll,
  readPage,
  stripStorage,
  type TransactItem,
  transactWrite,
} from './table.ts';

const PK = caseTable.partitionKey.name;
const SK = caseTable.sortKey.name;

/** The stored case item: the record, its index keys and the facts the receipt index projects. */
export function caseItem(record: CaseRecord): Item {
  return {
    ...keys.case(record.id),
    type: 'case',
    ...record,
    ...caseIndexKeys(record),
    facts: factsOf(record),
  };
}

function auditItem(record: AuditRecord): Item {
  return { ...keys.audit(record), type: 'audit', ...record };
}

/** The TransactWriteItems input of a new case: the case, its reference (unique), its sightings, its audit record. */
export function createCaseInput(
  tableName: string,
  record: CaseRecord,
  sightings: SubjectSighting[],
  audit: AuditRecord,
) {
  return {
    TransactItems: [
      { Put: { TableName: tableName, Item: caseItem(record), ...itemIsNew } },
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.reference(record.reference),
            type: 'reference',
            caseId: record.id,
            // A status or feedback check reads only this small item, found or not (getReceiptByReference).
            receiptTokenHash: record.receiptTokenHash,
          },
          ...itemIsNew,
        },
      },
      ...sightings.map((sighting) => ({
        Put: { TableName: tableName, Item: { ...keys.sighting(sighting), type: 'sighting', ...sighting } },
      })),
      { Put: { TableName: tableName, Item: auditItem(audit) } },
    ],
  };
}

export async function createCase(
  table: CaseTableHandle,
  record: CaseRecord,
  sightings: SubjectSighting[],
  audit: AuditRecord,
): Promise<void> {
  const { TransactItems } = createCaseInput(table.tableName, record, sightings, audit);
  // The second item is the reference lookup: its condition failing means the reference is taken.
  await transactWrite(table, TransactItems, (codes) =>
    codes[1] === 'ConditionalCheckFailed' ? new ReferenceTakenError() : undefined,
  );
}

/**
 * The Query input of a subject's sightings since the London date `fromDate`. Sort keys hold UTC
 * instants; a London date can start up to an hour earlier in UTC, so the range starts a day early and
 * findSightings applies the exact London-date test to the results.
 */
export function sightingsQuery(tableName: string, identityKey: string, fromDate: string) {
  const from = new Date(Date.parse(`${fromDate}T00:00:00Z`) - 24 * 3600 * 1000).toISOString();
  const range = sightingsFrom(identityKey, from);
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk >= :from',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':pk': range.pk, ':from': range.skFrom },
  };
}

export async function findSightings(
  table: CaseTableHandle,
  identityKey: string,
  fromDate: string,
): Promise<SubjectSighting[]> {
  const items = await queryAll(table, sightingsQuery(table.tableName, identityKey, fromDate));
  return items.map((item) => stripStorage<SubjectSighting>(item)).filter((s) => s.receivedDate >= fromDate);
}

export async function getCase(table: CaseTableHandle, id: string): Promise<CaseRecord | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.case(id) }),
  );
  return Item ? stripStorage<CaseRecord>(Item) : undefined;
}

/**
 * The case id and receipt token hash of a reference: one read of the small reference lookup, which
 * carries the hash, whether or not the reference exists, so that the time taken does not tell a guesser
 * which references are real. Lookups written before the hash was kept there fall back to reading it
 * from the case.
 */
export async function getReceiptByReference(
  table: CaseTableHandle,
  reference: string,
): Promise<ReceiptCheck | undefined> {
  const { Item: lookup } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.reference(reference) }),
  );
  if (!lookup) return undefined;
  const caseId = String(lookup.caseId);
  if (typeof lookup.receiptTokenHash === 'string')
    return { caseId, receiptTokenHash: lookup.receiptTokenHash };
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: keys.case(caseId),
      ProjectionExpression: '#hash',
      ExpressionAttributeNames: { '#hash': 'receiptTokenHash' },
    }),
  );
  return typeof Item?.receiptTokenHash === 'string'
    ? { caseId, receiptTokenHash: Item.receiptTokenHash }
    : undefined;
}

/** The queue: overdue cases, one status, or all, by decision deadline; `rag` (and status with overdue) filter the page. */
export async function listCases(table: CaseTableHandle, query: CaseQuery): Promise<CasePage> {
  const names: Record<string, string> = {};
  const values: Record<string, NativeAttributeValue> = {};
  let index: (typeof caseIndexes)['byDue' | 'byStatus' | 'openByDue'];
  let keyCondition: string;
  if (query.overdueAt) {
    index = caseIndexes.openByDue;
    names['#sk'] = index.sortKey.name;
    values[':pk'] = openCasesPk();
    values[':upTo'] = overdueBefore(query.overdueAt);
    keyCondition = '#pk = :pk AND #sk < :upTo';
  } else if (query.status) {
    index = caseIndexes.byStatus;
    values[':pk'] = statusPk(query.status);
    keyCondition = '#pk = :pk';
  } else {
    index = caseIndexes.byDue;
    values[':pk'] = allCasesPk();
    keyCondition = '#pk = :pk';
  }
  names['#pk'] = index.partitionKey.name;
  const filters: string[] = [];
  if (query.rag) {
    names['#rag'] = 'rag';
    values[':rag'] = query.rag;
    filters.push('#rag = :rag');
  }
  if (query.overdueAt && query.status) {
    names['#status'] = 'status';
    values[':status'] = query.status;
    filters.push('#status = :status');
  }
  const page = await readPage(
    table,
    {
      KeyConditionExpression: keyCondition,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    { index, partition: String(values[':pk']), limit: query.limit, cursor: query.cursor },
  );
  return {
    items: page.items.map((item) => stripStorage<QueueRow>(item)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

export async function appendAudit(table: CaseTableHandle, records: AuditRecord[]): Promise<void> {
  await inBatches(
    records.map((record) => ({ PutRequest: { Item: auditItem(record) } })),
    25,
    'audit records could not be written',
    async (batch) => {
      const result = await table.client.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }),
      );
      return result.UnprocessedItems?.[table.tableName] as typeof batch | undefined;
    },
  );
}

export async function listAudit(table: CaseTableHandle, caseId: string): Promise<AuditRecord[]> {
  const audit = auditOf(caseId);
  const items = await queryAll(table, {
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':pk': audit.pk, ':prefix': audit.skPrefix },
  });
  return items.map((item) => stripStorage<AuditRecord>(item));
}

export async function addFeedback(
  table: CaseTableHandle,
  caseId: string,
  feedback: FeedbackRecord,
  audit: AuditRecord,
): Promise<void> {
  await transactWrite(table, [
    {
      Put: {
        TableName: table.tableName,
        Item: { ...keys.feedback(caseId, feedback.at), type: 'feedback', caseId, ...feedback },
      },
    },
    {
      // Counters for the board's confidence measure; `version` moves so a concurrent workflow
      // put (which carries the counters it read) is retried instead of overwriting them.
      Update: {
        TableName: table.tableName,
        Key: keys.case(caseId),
        UpdateExpression:
          'ADD feedbackResponses :one, feedbackHelpful :helpful, feedbackRatingSum :rating, feedbackRatingCount :rated, #version :one',
        ConditionExpression: itemExists,
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':helpful': feedback.helpful ? 1 : 0,
          ':rating': feedback.rating ?? 0,
          ':rated': feedback.rating === undefined ? 0 : 1,
        },
      },
    },
    { Put: { TableName: table.tableName, Item: auditItem(audit) } },
  ]);
}

/** A workflow step, all or nothing; any condition failing means the case or request changed meanwhile. */
export async function commit(table: CaseTableHandle, transition: StoredTransition): Promise<void> {
  const TableName = table.tableName;
  const items: TransactItem[] = [];
  if (transition.case) {
    const { record, expectedVersion } = transition.case;
    items.push({ Put: { TableName, Item: caseItem(record), ...onVersion(expectedVersion) } });
  }
  for (const request of transition.newRequests ?? []) {
    items.push({ Put: { TableName, Item: requestItem(request), ...itemIsNew } });
  }
  if (transition.answeredRequest) {
    items.push({
      Put: {
        TableName,
        Item: requestItem(transition.answeredRequest),
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open' },
      },
    });
  }
  if (transition.newProduct) {
    items.push({ Put: { TableName, Item: productItem(transition.newProduct), ...itemIsNew } });
  }
  for (const record of transition.audit) items.push({ Put: { TableName, Item: auditItem(record) } });
  await transactWrite(table, items, (codes) =>
    codes.includes('ConditionalCheckFailed') ? new ConcurrentChangeError() : undefined,
  );
}
