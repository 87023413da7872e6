/**
 * What every access pattern of the DynamoDB case store shares: the table handle, all-or-nothing
 * transactions, optimistic locking, paging with cursors, batch retries and stripping the storage
 * attributes off what is read. Keys come from ../keys.ts.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { caseTable, type IndexDefinition } from '../../resources.ts';
import { InvalidCursorError } from '../case-store.ts';
import { STORAGE_ATTRIBUTES } from '../keys.ts';

export type Item = Record<string, NativeAttributeValue>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The case table as the store reaches it. */
export interface CaseTableHandle {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The condition of a put that creates an item and must not overwrite one. */
export const itemIsNew = {
  ConditionExpression: `attribute_not_exists(${caseTable.partitionKey.name})`,
} as const;
/** The condition of a write to an item that must exist. */
export const itemExists = `attribute_exists(${caseTable.partitionKey.name})`;

/**
 * Optimistic locking: a case is written only if its `version` is still the one read. A concurrent
 * change makes the transaction fail, and the caller retries from a fresh read (ConcurrentChangeError).
 */
export function onVersion(expectedVersion: number) {
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': expectedVersion },
  };
}

/**
 * One `TransactWriteItems`, all or nothing. When a condition fails, `onConditionFailed` is given the
 * cancellation reason codes (in the order of `items`) and may name the error to throw instead.
 */
export async function transactWrite(
  table: CaseTableHandle,
  items: TransactItem[],
  onConditionFailed?: (codes: Array<string | undefined>) => Error | undefined,
): Promise<void> {
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (onConditionFailed && error instanceof TransactionCanceledException) {
      const mapped = onConditionFailed((error.CancellationReasons ?? []).map((reason) => reason.Code));
      if (mapped) throw mapped;
    }
    throw error;
  }
}

/**
 * Sends `requests` in batches of `size`, retrying what DynamoDB leaves unprocessed with backoff;
 * throws `failure` when some are still left after nine attempts.
 */
export async function inBatches<T>(
  requests: readonly T[],
  size: number,
  failure: string,
  send: (batch: T[]) => Promise<T[] | undefined>,
): Promise<void> {
  for (let start = 0; start < requests.length; start += size) {
    let pending: T[] | undefined = requests.slice(start, start + size);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(failure);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      pending = await send(pending);
    }
  }
}

export function stripStorage<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/** Every item of a Query, page after page (for partitions that stay small: one case, one subject). */
export async function queryAll(
  table: CaseTableHandle,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({ ...input, TableName: table.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * One page of an index Query: `limit` items (a filter can leave a DynamoDB page short, so it reads on
 * until the page is full) and a cursor to the next. A cursor must continue the same listing: exactly
 * the table's and this index's keys, in the same partition; anything else is InvalidCursorError.
 */
export async function readPage(
  table: CaseTableHandle,
  input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>,
  page: { index: IndexDefinition; partition: string; limit: number; cursor?: string | undefined },
): Promise<{ items: Item[]; nextCursor?: string }> {
  let startKey = page.cursor ? decodeCursor(page.cursor) : undefined;
  if (startKey) {
    const expected = new Set<string>([
      caseTable.partitionKey.name,
      caseTable.sortKey.name,
      page.index.partitionKey.name,
      ...(page.index.sortKey ? [page.index.sortKey.name] : []),
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
    const result = await queryWithCursor(
      table,
      new QueryCommand({
        ...input,
        TableName: table.tableName,
        IndexName: page.index.indexName,
        Limit: page.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length < page.limit);
  return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
}

/** A start key DynamoDB refuses can only have come from a tampered cursor: the client's mistake. */
async function queryWithCursor(table: CaseTableHandle, command: QueryCommand) {
  try {
    return await table.client.send(command);
  } catch (error) {
    if (command.input.ExclusiveStartKey && (error as { name?: string })?.name === 'ValidationException') {
      throw new InvalidCursorError('cursor is not one this API issued');
    }
    throw error;
  }
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
