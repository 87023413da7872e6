/**
 * The case store on DynamoDB, keyed as docs/data-model.md describes. Key and index names come from
 * src/resources.ts; this file is the only one that composes key values.
 */

import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, CaseRecord, InformationProduct, InformationRequest } from '../domain/case.ts';
import { factsOf, referralFacts } from '../domain/case-facts.ts';
import type { Agency } from '../domain/codes.ts';
import type { ReferralFacts } from '../domain/metrics/facts.ts';
import { caseTable } from '../resources.ts';
import {
  type CasePage,
  type CaseQuery,
  type CaseStore,
  ConcurrentChangeError,
  type DeliveryItem,
  type DeliveryKind,
  DeliveryTargetMissingError,
  type FeedbackRecord,
  type InboxPage,
  type InboxShelf,
  InvalidCursorError,
  type QueueRow,
  ReferenceTakenError,
  type ShelfItem,
  type StoredTransition,
  type SubjectSighting,
} from './case-store.ts';

type Item = Record<string, NativeAttributeValue>;

type Index = (typeof caseTable.indexes)[number];
function index(name: string): Index {
  const found = caseTable.indexes.find((candidate) => candidate.indexName === name);
  if (!found) throw new Error(`caseTable has no index ${name}`);
  return found;
}
const byDue = index('byDue');
const byStatus = index('byStatus');
const openByDue = index('openByDue');
const byInbox = index('byInbox');
const byReceiptMonth = index('byReceiptMonth');

export const keys = {
  case: (id: string) => ({ pk: `CASE#${id}`, sk: 'CASE' }),
  reference: (reference: string) => ({ pk: `REF#${reference}`, sk: 'REF' }),
  sighting: (s: SubjectSighting) => ({
    pk: `SUBJECT#${s.identityKey}`,
    sk: `RECEIVED#${s.receivedAt}#${s.caseId}`,
  }),
  audit: (record: AuditRecord) => ({ pk: `CASE#${record.caseId}`, sk: `AUDIT#${record.at}#${randomUUID()}` }),
  feedback: (caseId: string, at: string) => ({ pk: `CASE#${caseId}`, sk: `FEEDBACK#${at}#${randomUUID()}` }),
  request: (id: string) => ({ pk: `REQUEST#${id}`, sk: 'REQUEST' }),
  product: (id: string) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' }),
};

/**
 * Requests and products sit under `UNDELIVERED#<kind>` in the inbox index until the queue consumer
 * delivers them; then on their agency's shelf: open requests by due time, answered requests and
 * products by when they were answered or sent (read newest first). An answer moves its request from
 * the open shelf to the answered one, so reading what is waiting never pages through the agency's
 * history. The sweeper finds the undelivered ones.
 */
const inbox = {
  undelivered: (kind: DeliveryKind) => `UNDELIVERED#${kind.toUpperCase()}`,
  shelf: (shelf: InboxShelf, agency: Agency) => `${SHELF_PARTITIONS[shelf]}#${agency}`,
};
const SHELF_PARTITIONS: Record<InboxShelf, string> = {
  open: 'REQUESTS',
  answered: 'ANSWERED',
  products: 'PRODUCTS',
};
/** Query direction per shelf: soonest due first for open requests, newest first for the rest. */
const SHELF_FORWARD: Record<InboxShelf, boolean> = { open: true, answered: false, products: false };

function requestInboxKeys(request: InformationRequest): { inboxPk: string; inboxSk: string } {
  if (!request.deliveredAt)
    return { inboxPk: inbox.undelivered('request'), inboxSk: `${request.issuedAt}#${request.id}` };
  if (request.answer)
    return {
      inboxPk: inbox.shelf('answered', request.agency),
      inboxSk: `${request.answer.answeredAt}#${request.id}`,
    };
  return { inboxPk: inbox.shelf('open', request.agency), inboxSk: `${request.dueAt}#${request.id}` };
}

function requestItem(request: InformationRequest): Item {
  return { ...keys.request(request.id), type: 'request', ...request, ...requestInboxKeys(request) };
}

function productItem(product: InformationProduct): Item {
  return {
    ...keys.product(product.id),
    type: 'product',
    ...product,
    inboxPk: product.deliveredAt
      ? inbox.shelf('products', product.recipientAgency)
      : inbox.undelivered('product'),
    inboxSk: `${product.sentAt}#${product.id}`,
  };
}

/** The attributes that place a case in the queue indexes; `openPk` is absent once decided (sparse index). */
export function caseIndexAttributes(record: CaseRecord): Item {
  const dueListSk = `${record.decisionDueAt}#${record.id}`;
  return {
    dueListPk: 'CASES',
    dueListSk,
    statusPk: `STATUS#${record.status}`,
    ...(record.status === 'decided' ? {} : { openPk: 'OPEN' }),
    receiptMonthPk: receiptMonthKey(record.receivedAt),
    receiptSk: `${record.receivedAt}#${record.id}`,
    facts: factsOf(record),
  };
}

/** The receipt index partitions by UTC month of receipt. */
export function receiptMonthKey(instant: string): string {
  return `RECEIVED#${instant.slice(0, 7)}`;
}

const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'type',
  'dueListPk',
  'dueListSk',
  'statusPk',
  'openPk',
  'receiptMonthPk',
  'receiptSk',
  'inboxPk',
  'inboxSk',
  'expiresAt',
  'facts',
];

function stripStorage<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

export class DynamoCaseStore implements CaseStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async createCase(record: CaseRecord, sightings: SubjectSighting[], audit: AuditRecord): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.case(record.id), type: 'case', ...record, ...caseIndexAttributes(record) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.reference(record.reference), type: 'reference', caseId: record.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...sightings.map((sighting) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...keys.sighting(sighting), type: 'sighting', ...sighting },
              },
            })),
            { Put: { TableName: this.tableName, Item: { ...keys.audit(audit), type: 'audit', ...audit } } },
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new ReferenceTakenError();
      }
      throw error;
    }
  }

  async findSightings(identityKey: string, fromDate: string): Promise<SubjectSighting[]> {
    // Sort keys hold UTC instants; a London date can start up to an hour earlier in UTC, so the range
    // starts a day early and the exact London-date test is applied to the results.
    const from = new Date(Date.parse(`${fromDate}T00:00:00Z`) - 24 * 3600 * 1000).toISOString();
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':pk': `SUBJECT#${identityKey}`, ':from': `RECEIVED#${from}` },
    });
    return items.map((item) => stripStorage<SubjectSighting>(item)).filter((s) => s.receivedDate >= fromDate);
  }

  async getCase(id: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(id) }),
    );
    return Item ? stripStorage<CaseRecord>(Item) : undefined;
  }

  async getCaseByReference(reference: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reference(reference) }),
    );
    return Item ? this.getCase(String(Item.caseId)) : undefined;
  }

  async listCases(query: CaseQuery): Promise<CasePage> {
    const names: Record<string, string> = {};
    const values: Record<string, NativeAttributeValue> = {};
    let indexName: string;
    let keyCondition: string;
    if (query.overdueAt) {
      indexName = openByDue.indexName;
      names['#pk'] = openByDue.partitionKey.name;
      names['#sk'] = openByDue.sortKey.name;
      values[':pk'] = 'OPEN';
      // `<due>#<id>` < `<now>#~` exactly when due <= now: ISO instants sort as text and '~' follows every id character.
      values[':upTo'] = `${query.overdueAt}#~`;
      keyCondition = '#pk = :pk AND #sk < :upTo';
    } else if (query.status) {
      indexName = byStatus.indexName;
      names['#pk'] = byStatus.partitionKey.name;
      values[':pk'] = `STATUS#${query.status}`;
      keyCondition = '#pk = :pk';
    } else {
      indexName = byDue.indexName;
      names['#pk'] = byDue.partitionKey.name;
      values[':pk'] = 'CASES';
      keyCondition = '#pk = :pk';
    }
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

    const index =
      indexName === openByDue.indexName ? openByDue : indexName === byStatus.indexName ? byStatus : byDue;
    const page = await this.readPage(
      {
        TableName: this.tableName,
        IndexName: indexName,
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

  /**
   * One page of an index Query: `limit` items (a filter can leave a DynamoDB page short, so it reads on
   * until the page is full) and a cursor to the next. A cursor must continue the same listing: exactly
   * the table's and this index's keys, in the same partition; anything else is InvalidCursorError.
   */
  private async readPage(
    input: QueryCommandInput,
    page: { index: Index; partition: string; limit: number; cursor?: string | undefined },
  ): Promise<{ items: Item[]; nextCursor?: string }> {
    let startKey = page.cursor ? decodeCursor(page.cursor) : undefined;
    if (startKey) {
      const expected = new Set<string>([
        caseTable.partitionKey.name,
        caseTable.sortKey.name,
        page.index.partitionKey.name,
        page.index.sortKey.name,
      ]);
      const keysOfCursor = Object.keys(startKey);
      if (
        keysOfCursor.length !== expected.size ||
        !keysOfCursor.every((key) => expected.has(key)) ||
        startKey[page.index.partitionKey.name] !== page.partition
      ) {
        throw new InvalidCursorError('cursor belongs to another listing');
      }
    }
    const items: Item[] = [];
    do {
      const result = await this.queryWithCursor(
        new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < page.limit);
    return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
  }

  /** A start key DynamoDB refuses can only have come from a tampered cursor: the client's mistake. */
  private async queryWithCursor(command: QueryCommand) {
    try {
      return await this.client.send(command);
    } catch (error) {
      if (command.input.ExclusiveStartKey && (error as { name?: string })?.name === 'ValidationException') {
        throw new InvalidCursorError('cursor is not one this API issued');
      }
      throw error;
    }
  }

  async appendAudit(records: AuditRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += 25) {
      let requests: Item[] | undefined = records.slice(start, start + 25).map((record) => ({
        PutRequest: { Item: { ...keys.audit(record), type: 'audit', ...record } },
      }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error('audit records could not be written');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = result.UnprocessedItems?.[this.tableName] as Item[] | undefined;
      }
    }
  }

  async listAudit(caseId: string): Promise<AuditRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':prefix': 'AUDIT#' },
    });
    return items.map((item) => stripStorage<AuditRecord>(item));
  }

  async addFeedback(caseId: string, feedback: FeedbackRecord, audit: AuditRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.feedback(caseId, feedback.at), type: 'feedback', caseId, ...feedback },
            },
          },
          {
            // Counters for the board's confidence measure; `version` moves so a concurrent workflow
            // put (which carries the counters it read) is retried instead of overwriting them.
            Update: {
              TableName: this.tableName,
              Key: keys.case(caseId),
              UpdateExpression:
                'ADD feedbackResponses :one, feedbackHelpful :helpful, feedbackRatingSum :rating, feedbackRatingCount :rated, #version :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: {
                ':one': 1,
                ':helpful': feedback.helpful ? 1 : 0,
                ':rating': feedback.rating ?? 0,
                ':rated': feedback.rating === undefined ? 0 : 1,
              },
            },
          },
          { Put: { TableName: this.tableName, Item: { ...keys.audit(audit), type: 'audit', ...audit } } },
        ],
      }),
    );
  }

  /**
   * The facts of every referral received in [start, end), read from the receipt index month by month
   * and page by page: memory stays bounded however large the table, and nothing else is read.
   */
  async *streamReceived(start: string, end: string): AsyncGenerator<ReferralFacts> {
    for (const month of utcMonthsBetween(start, end)) {
      let startKey: Item | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: byReceiptMonth.indexName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :start AND :end',
            ExpressionAttributeNames: {
              '#pk': byReceiptMonth.partitionKey.name,
              '#sk': byReceiptMonth.sortKey.name,
            },
            ExpressionAttributeValues: { ':pk': receiptMonthKey(month), ':start': start, ':end': end },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.facts) yield referralFacts(item.facts as ReturnType<typeof factsOf>, item);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  async commit(transition: StoredTransition): Promise<void> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
    if (transition.case) {
      const { record, expectedVersion } = transition.case;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.case(record.id), type: 'case', ...record, ...caseIndexAttributes(record) },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      });
    }
    for (const request of transition.newRequests ?? []) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: requestItem(request),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (transition.answeredRequest) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: requestItem(transition.answeredRequest),
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      });
    }
    if (transition.newProduct) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: productItem(transition.newProduct),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const record of transition.audit) {
      items.push({
        Put: { TableName: this.tableName, Item: { ...keys.audit(record), type: 'audit', ...record } },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
      ) {
        throw new ConcurrentChangeError();
      }
      throw error;
    }
  }

  async getRequest(id: string): Promise<InformationRequest | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.request(id) }),
    );
    return Item ? stripStorage<InformationRequest>(Item) : undefined;
  }

  async getRequests(ids: string[]): Promise<InformationRequest[]> {
    const found: InformationRequest[] = [];
    for (let start = 0; start < ids.length; start += 100) {
      let wanted: Item[] | undefined = ids.slice(start, start + 100).map((id) => keys.request(id));
      for (let attempt = 0; wanted && wanted.length > 0; attempt++) {
        if (attempt > 8) throw new Error('requests could not be read');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? [])
          found.push(stripStorage<InformationRequest>(item));
        wanted = result.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    const order = new Map(ids.map((id, index) => [id, index]));
    return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  async getProduct(id: string): Promise<InformationProduct | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.product(id) }),
    );
    return Item ? stripStorage<InformationProduct>(Item) : undefined;
  }

  async listInbox<S extends InboxShelf>(
    shelf: S,
    agency: Agency,
    page: { limit: number; cursor?: string },
  ): Promise<InboxPage<ShelfItem<S>>> {
    const partition = inbox.shelf(shelf, agency);
    const result = await this.readPage(
      {
        TableName: this.tableName,
        IndexName: byInbox.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byInbox.partitionKey.name },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: SHELF_FORWARD[shelf],
      },
      { index: byInbox, partition, limit: page.limit, cursor: page.cursor },
    );
    return {
      items: result.items.map((item) => stripStorage<ShelfItem<S>>(item)),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    };
  }

  async markDelivered(kind: DeliveryKind, id: string, at: string): Promise<boolean> {
    const stored = kind === 'request' ? await this.getRequest(id) : await this.getProduct(id);
    if (!stored) throw new DeliveryTargetMissingError(kind, id);
    if (stored.deliveredAt) return false;
    const delivered =
      kind === 'request'
        ? requestItem({ ...(stored as InformationRequest), deliveredAt: at })
        : productItem({ ...(stored as InformationProduct), deliveredAt: at });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: kind === 'request' ? keys.request(id) : keys.product(id),
          UpdateExpression: 'SET deliveredAt = :at, inboxPk = :pk, inboxSk = :sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveredAt)',
          ExpressionAttributeValues: { ':at': at, ':pk': delivered.inboxPk, ':sk': delivered.inboxSk },
        }),
      );
      return true;
    } catch (error) {
      // Delivered by a concurrent copy of the same message: one effect, as intended.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listUndelivered<K extends DeliveryKind>(kind: K, before: string): Promise<Array<DeliveryItem<K>>> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: byInbox.indexName,
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': byInbox.partitionKey.name, '#sk': byInbox.sortKey.name },
      ExpressionAttributeValues: { ':pk': inbox.undelivered(kind), ':before': before },
    });
    return items.map((item) => stripStorage<DeliveryItem<K>>(item));
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

/** `2026-03-31T23:00:00.000Z`..`2026-04-30T23:00:00.000Z` → ['2026-03', '2026-04']. */
export function utcMonthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  const last = end.slice(0, 7);
  for (;;) {
    const id = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (id > last) break;
    months.push(id);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Item {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const values = Object.values(parsed);
      if (values.length > 0 && values.length <= 4 && values.every((v) => typeof v === 'string'))
        return parsed as Item;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('cursor is not one this API issued');
}
