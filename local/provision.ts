/**
 * Creates what src/resources.ts defines, on the local emulators: tables (keys, indexes, TTL), queues
 * with their dead-letter queues, and the reports bucket. Idempotent and convergent: against data kept
 * from an earlier run it does nothing, except add what resources.ts has gained since (an index, a
 * queue setting). Every change it makes is listed in `actions`, so "nothing to do" is checkable.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type IndexDefinition,
  type KeyAttribute,
  type QueueDefinition,
  queues,
  reportsBucket,
  type TableDefinition,
  tables,
} from '../src/resources.ts';
import type { LocalClients } from './aws-clients.ts';

export interface ProvisionedQueue {
  definition: QueueDefinition;
  url: string;
  arn: string;
  deadLetterUrl: string;
  deadLetterArn: string;
}

export interface Provisioned {
  /** What this run changed; empty when everything already matched resources.ts. */
  actions: string[];
  queues: ProvisionedQueue[];
}

export interface ProvisionOptions {
  sqsEndpoint: string;
  /** Test-only: a shorter visibility timeout for every queue; by default each queue's own. */
  visibilityTimeoutSeconds?: number;
}

export async function provision(clients: LocalClients, options: ProvisionOptions): Promise<Provisioned> {
  const actions: string[] = [];
  for (const table of tables) await ensureTable(clients.dynamodb, table, actions);
  const provisionedQueues: ProvisionedQueue[] = [];
  for (const queue of queues) provisionedQueues.push(await ensureQueue(clients.sqs, queue, options, actions));
  await ensureBucket(clients.s3, reportsBucket.localName, actions);
  return { actions, queues: provisionedQueues };
}

// ---- Tables -------------------------------------------------------------------------------------

async function ensureTable(db: DynamoDBClient, table: TableDefinition, actions: string[]): Promise<void> {
  const existing = await describeTable(db, table.localName);
  if (!existing) {
    await db.send(
      new CreateTableCommand({
        TableName: table.localName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions([
          table.partitionKey,
          table.sortKey,
          ...indexKeys(table.indexes),
        ]),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(table.indexes.length > 0
          ? { GlobalSecondaryIndexes: table.indexes.map(globalSecondaryIndex) }
          : {}),
      }),
    );
    actions.push(`created table ${table.localName}`);
    await waitUntilActive(db, table.localName);
  } else {
    assertSameKeys(table, existing);
    const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    // DynamoDB adds one index per UpdateTable call.
    for (const index of table.indexes.filter((i) => !present.has(i.indexName))) {
      await db.send(
        new UpdateTableCommand({
          TableName: table.localName,
          AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]),
          GlobalSecondaryIndexUpdates: [{ Create: globalSecondaryIndex(index) }],
        }),
      );
      actions.push(`created index ${table.localName}.${index.indexName}`);
      await waitUntilActive(db, table.localName);
    }
  }
  if (table.timeToLiveAttribute)
    await ensureTimeToLive(db, table.localName, table.timeToLiveAttribute, actions);
}

async function describeTable(db: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await db.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitUntilActive(db: DynamoDBClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const table = await describeTable(db, name);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await sleep(100);
  }
  throw new Error(`Table ${name} did not become ACTIVE`);
}

/** DynamoDB Local keeps the TTL setting (and reports it) but never deletes expired items. */
async function ensureTimeToLive(db: DynamoDBClient, name: string, attribute: string, actions: string[]) {
  const { TimeToLiveDescription: ttl } = await db.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (ttl?.TimeToLiveStatus === 'ENABLED' && ttl.AttributeName === attribute) return;
  await db.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
    }),
  );
  actions.push(`enabled TTL on ${name}.${attribute}`);
}

function assertSameKeys(table: TableDefinition, existing: TableDescription): void {
  const want = JSON.stringify(keySchema(table.partitionKey, table.sortKey));
  const have = JSON.stringify(
    existing.KeySchema?.map(({ AttributeName, KeyType }) => ({ AttributeName, KeyType })),
  );
  if (want !== have) {
    throw new Error(
      `Table ${table.localName} in the data folder has keys ${have}, but src/resources.ts says ${want}. ` +
        'Keys cannot change in place: delete the data folder (MASH_DATA_DIR) to start afresh.',
    );
  }
}

function indexKeys(indexes: readonly IndexDefinition[]): Array<KeyAttribute | undefined> {
  return indexes.flatMap((index) => [index.partitionKey, index.sortKey]);
}

function attributeDefinitions(keys: Array<KeyAttribute | undefined>): AttributeDefinition[] {
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    if (!key) continue;
    const seen = byName.get(key.name);
    if (seen && seen.AttributeType !== key.type) {
      throw new Error(`Key attribute ${key.name} is declared as both ${seen.AttributeType} and ${key.type}`);
    }
    byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...byName.values()];
}

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function globalSecondaryIndex(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: {
      ProjectionType: index.projection,
      ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}),
    },
  };
}

// ---- Queues -------------------------------------------------------------------------------------

async function ensureQueue(
  sqs: SQSClient,
  queue: QueueDefinition,
  options: ProvisionOptions,
  actions: string[],
): Promise<ProvisionedQueue> {
  const deadLetter = await ensureQueueWith(
    sqs,
    queue.deadLetter.localName,
    { MessageRetentionPeriod: String(queue.deadLetter.retentionDays * 24 * 60 * 60) },
    options,
    actions,
  );
  const main = await ensureQueueWith(
    sqs,
    queue.localName,
    {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: queue.maxReceiveCount,
      }),
    },
    options,
    actions,
  );
  return { definition: queue, ...main, deadLetterUrl: deadLetter.url, deadLetterArn: deadLetter.arn };
}

async function ensureQueueWith(
  sqs: SQSClient,
  name: string,
  wanted: Record<string, string>,
  options: ProvisionOptions,
  actions: string[],
): Promise<{ url: string; arn: string }> {
  let storedUrl = await queueUrl(sqs, name);
  if (!storedUrl) {
    storedUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: wanted }))).QueueUrl!;
    actions.push(`created queue ${name}`);
  }
  const url = onEndpoint(storedUrl, options.sqsEndpoint);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  const current: Record<string, string | undefined> = Attributes ?? {};
  const differing = Object.entries(wanted).filter(([key, value]) => !sameAttribute(key, current[key], value));
  if (differing.length > 0) {
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: Object.fromEntries(differing) }),
    );
    actions.push(`updated queue ${name}: ${differing.map(([key]) => key).join(', ')}`);
  }
  return { url, arn: current.QueueArn! };
}

async function queueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist) return undefined;
    throw error;
  }
}

/**
 * fauxqs stores the URL a queue was created with, port included; kept data from an earlier run names
 * an old port. Queues are found by the path alone, so the URL is rebased onto today's endpoint.
 */
function onEndpoint(storedUrl: string, endpoint: string): string {
  return new URL(new URL(storedUrl).pathname, endpoint).toString();
}

function sameAttribute(key: string, current: string | undefined, wanted: string): boolean {
  if (current === undefined) return false;
  if (key !== 'RedrivePolicy') return current === wanted;
  // Stored policies may spell maxReceiveCount as a string.
  const [a, b] = [JSON.parse(current), JSON.parse(wanted)];
  return (
    a.deadLetterTargetArn === b.deadLetterTargetArn && Number(a.maxReceiveCount) === Number(b.maxReceiveCount)
  );
}

// ---- Bucket -------------------------------------------------------------------------------------

async function ensureBucket(s3: S3Client, name: string, actions: string[]): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    return;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
  }
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  actions.push(`created bucket ${name}`);
}
