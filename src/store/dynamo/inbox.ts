/**
 * Information requests and products on DynamoDB, and their delivery: each sits under
 * `UNDELIVERED#<kind>` in the inbox index until the queue consumer delivers it, then on its agency's
 * shelf (src/store/keys.ts, requestInboxKeys and productInboxKeys). The sweeper finds the undelivered
 * ones; an agency reads its shelves a page at a time.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InformationProduct, InformationRequest } from '../../domain/case.ts';
import type { Agency } from '../../domain/codes.ts';
import {
  type DeliveryItem,
  type DeliveryKind,
  DeliveryTargetMissingError,
  type InboxPage,
  type InboxShelf,
  type ShelfItem,
} from '../case-store.ts';
import {
  caseIndexes,
  inboxShelfPk,
  keys,
  productInboxKeys,
  requestInboxKeys,
  undeliveredPk,
} from '../keys.ts';
import {
  type CaseTableHandle,
  type Item,
  inBatches,
  itemExists,
  queryAll,
  readPage,
  stripStorage,
} from './table.ts';

const byInbox = caseIndexes.byInbox;

/** Query direction per shelf: soonest due first for open requests, newest first for the rest. */
const SHELF_FORWARD: Record<InboxShelf, boolean> = { open: true, answered: false, products: false };

export function requestItem(request: InformationRequest): Item {
  return { ...keys.request(request.id), type: 'request', ...request, ...requestInboxKeys(request) };
}

export function productItem(product: InformationProduct): Item {
  return { ...keys.product(product.id), type: 'product', ...product, ...productInboxKeys(product) };
}

export async function getRequest(
  table: CaseTableHandle,
  id: string,
): Promise<InformationRequest | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.request(id) }),
  );
  return Item ? stripStorage<InformationRequest>(Item) : undefined;
}

/** Requests by id, in the order asked, read 100 at a time. */
export async function getRequests(table: CaseTableHandle, ids: string[]): Promise<InformationRequest[]> {
  const found: InformationRequest[] = [];
  await inBatches(
    ids.map((id) => keys.request(id) as Item),
    100,
    'requests could not be read',
    async (wanted) => {
      const result = await table.client.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: wanted } } }),
      );
      for (const item of result.Responses?.[table.tableName] ?? [])
        found.push(stripStorage<InformationRequest>(item));
      return result.UnprocessedKeys?.[table.tableName]?.Keys as Item[] | undefined;
    },
  );
  const order = new Map(ids.map((id, index) => [id, index]));
  return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export async function getProduct(
  table: CaseTableHandle,
  id: string,
): Promise<InformationProduct | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.product(id) }),
  );
  return Item ? stripStorage<InformationProduct>(Item) : undefined;
}

export async function listInbox<S extends InboxShelf>(
  table: CaseTableHandle,
  shelf: S,
  agency: Agency,
  page: { limit: number; cursor?: string },
): Promise<InboxPage<ShelfItem<S>>> {
  const partition = inboxShelfPk(shelf, agency);
  const result = await readPage(
    table,
    {
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

/** Moves a request or product onto its agency's shelf; false when a copy of the same message already did. */
export async function markDelivered(
  table: CaseTableHandle,
  kind: DeliveryKind,
  id: string,
  at: string,
): Promise<boolean> {
  const stored = kind === 'request' ? await getRequest(table, id) : await getProduct(table, id);
  if (!stored) throw new DeliveryTargetMissingError(kind, id);
  if (stored.deliveredAt) return false;
  const delivered =
    kind === 'request'
      ? requestInboxKeys({ ...(stored as InformationRequest), deliveredAt: at })
      : productInboxKeys({ ...(stored as InformationProduct), deliveredAt: at });
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: kind === 'request' ? keys.request(id) : keys.product(id),
        UpdateExpression: 'SET deliveredAt = :at, #inboxPk = :pk, #inboxSk = :sk',
        ConditionExpression: `${itemExists} AND attribute_not_exists(deliveredAt)`,
        ExpressionAttributeNames: { '#inboxPk': byInbox.partitionKey.name, '#inboxSk': byInbox.sortKey.name },
        ExpressionAttributeValues: {
          ':at': at,
          ':pk': delivered[byInbox.partitionKey.name],
          ':sk': delivered[byInbox.sortKey.name],
        },
      }),
    );
    return true;
  } catch (error) {
    // Delivered by a concurrent copy of the same message: one effect, as intended.
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function listUndelivered<K extends DeliveryKind>(
  table: CaseTableHandle,
  kind: K,
  before: string,
): Promise<Array<DeliveryItem<K>>> {
  const items = await queryAll(table, {
    IndexName: byInbox.indexName,
    KeyConditionExpression: '#pk = :pk AND #sk < :before',
    ExpressionAttributeNames: { '#pk': byInbox.partitionKey.name, '#sk': byInbox.sortKey.name },
    ExpressionAttributeValues: { ':pk': undeliveredPk(kind), ':before': before },
  });
  return items.map((item) => stripStorage<DeliveryItem<K>>(item));
}
