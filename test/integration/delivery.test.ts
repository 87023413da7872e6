/**
 * Delivery over the hub's real queues (fauxqs) under faults: duplicate deliveries make one effect,
 * a poison message reaches the DLQ after maxReceiveCount receives while the rest of its batch is
 * processed, and a request whose queue message was never sent is re-sent by the sweeper.
 * The same for information products: one left unsent by its decision is re-sent by the sweeper and
 * delivered once. Visibility is shortened to one second so redrive happens within the test.
 */
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseTable, informationProductQueue, informationRequestQueue } from '../../src/resources.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
let mash: string;
let police: string;
let queueUrl: string;
let dlqUrl: string;

beforeAll(async () => {
  hub = await startTestHub({ queueVisibilityTimeoutSeconds: 1 });
  mash = await hub.token('mash');
  police = await hub.token('agency', 'police');
  queueUrl = (await hub.sqs.send(new GetQueueUrlCommand({ QueueName: informationRequestQueue.localName })))
    .QueueUrl!;
  dlqUrl = (
    await hub.sqs.send(new GetQueueUrlCommand({ QueueName: informationRequestQueue.deadLetter.localName }))
  ).QueueUrl!;
});
afterAll(async () => {
  await hub?.stop();
});

async function ratedCase(): Promise<string> {
  const body = validReferral();
  body.consent = { parentsAware: true, consentGiven: true };
  const created = await hub.api('POST', '/api/referrals', { body });
  const list = await hub.api('GET', '/api/cases?limit=500', { token: mash });
  const id = list.json.items.find(
    (item: { reference: string }) => item.reference === created.json.reference,
  ).id;
  await hub.api('POST', `/api/cases/${id}/triage`, { token: mash, body: { rag: 'green' } });
  return id;
}

async function settle() {
  expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
}

/** The hub's clock, which runs on from wherever an earlier test set it. */
async function hubNow(): Promise<number> {
  const response = await hub.api('GET', '/_local/clock');
  expect(response.status).toBe(200);
  return Date.parse(response.json.now);
}

/** Runs the delivery sweeper with the hub's clock `minutes` on from now, and waits for the queues to settle. */
async function sweepAfter(minutes: number) {
  const later = new Date((await hubNow()) + minutes * 60_000).toISOString();
  expect((await hub.api('PUT', '/_local/clock', { body: { now: later } })).status).toBe(200);
  expect((await hub.api('POST', '/_local/schedules/delivery-sweeper/run')).status).toBe(200);
  await settle();
}

async function productIds(token: string): Promise<string[]> {
  const response = await hub.api('GET', '/api/agency/products', { token });
  expect(response.status).toBe(200);
  return response.json.items.map((item: { id: string }) => item.id);
}

async function inboxIds(): Promise<string[]> {
  return (await hub.api('GET', '/api/agency/requests', { token: police })).json.items.map(
    (item: { id: string }) => item.id,
  );
}

describe('delivery of information requests', () => {
  it('makes one inbox item however often a message is delivered', async () => {
    const id = await ratedCase();
    const issued = await hub.api('POST', `/api/cases/${id}/information-requests`, {
      token: mash,
      body: { agencies: ['police'] },
    });
    const requestId = issued.json.requests[0].id;
    await settle();
    const stored = await hub.documents.send(
      new GetCommand({ TableName: caseTable.localName, Key: { pk: `REQUEST#${requestId}`, sk: 'REQUEST' } }),
    );
    const firstDelivery = stored.Item?.deliveredAt;
    expect(firstDelivery).toBeDefined();

    // The same message again, three times in one batch and once more on its own (as after a crash
    // between processing and delete).
    const body = JSON.stringify({ kind: 'request', id: requestId });
    await hub.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [0, 1, 2].map((n) => ({ Id: String(n), MessageBody: body })),
      }),
    );
    await hub.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'again', MessageBody: body }] }),
    );
    await settle();
    expect((await inboxIds()).filter((candidate) => candidate === requestId)).toHaveLength(1);
    const after = await hub.documents.send(
      new GetCommand({ TableName: caseTable.localName, Key: { pk: `REQUEST#${requestId}`, sk: 'REQUEST' } }),
    );
    expect(after.Item?.deliveredAt).toBe(firstDelivery);
  });

  it('moves poison messages to the DLQ after maxReceiveCount receives and delivers the rest of the batch', async () => {
    const id = await ratedCase();
    // Keep the good request's own message off the queue so that it travels in the same batch as the poison.
    const realUrl = process.env[informationRequestQueue.envVar]!;
    process.env[informationRequestQueue.envVar] = `${realUrl}-unreachable`;
    let requestId: string;
    try {
      const issued = await hub.api('POST', `/api/cases/${id}/information-requests`, {
        token: mash,
        body: { agencies: ['police'] },
      });
      expect(issued.status).toBe(202);
      requestId = issued.json.requests[0].id;
    } finally {
      process.env[informationRequestQueue.envVar] = realUrl;
    }
    expect(await inboxIds()).not.toContain(requestId);

    await hub.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'good', MessageBody: JSON.stringify({ kind: 'request', id: requestId }) },
          { Id: 'not-json', MessageBody: '{ this is not json' },
          {
            Id: 'missing',
            MessageBody: JSON.stringify({ kind: 'request', id: '00000000-0000-4000-8000-000000000000' }),
          },
        ],
      }),
    );
    // The good record is delivered at once; the two poison records fail alone.
    await expect.poll(inboxIds, { timeout: 10_000, interval: 200 }).toContain(requestId);

    const dead: string[] = [];
    await expect
      .poll(
        async () => {
          const received = await hub.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
          );
          for (const message of received.Messages ?? []) dead.push(message.Body!);
          return dead.length;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(2);
    expect(dead.sort()).toEqual(
      [
        '{ this is not json',
        JSON.stringify({ kind: 'request', id: '00000000-0000-4000-8000-000000000000' }),
      ].sort(),
    );
  });

  it('re-sends a request whose message was never sent, through the sweeper schedule', async () => {
    const id = await ratedCase();
    const realUrl = process.env[informationRequestQueue.envVar]!;
    process.env[informationRequestQueue.envVar] = `${realUrl}-unreachable`;
    let requestId: string;
    try {
      const issued = await hub.api('POST', `/api/cases/${id}/information-requests`, {
        token: mash,
        body: { agencies: ['police'] },
      });
      requestId = issued.json.requests[0].id;
    } finally {
      process.env[informationRequestQueue.envVar] = realUrl;
    }
    await settle();
    expect(await inboxIds()).not.toContain(requestId);

    // Within its first minute the sweeper leaves it alone (its first send may still be on the way).
    expect((await hub.api('POST', '/_local/schedules/delivery-sweeper/run')).status).toBe(200);
    await settle();
    expect(await inboxIds()).not.toContain(requestId);

    await sweepAfter(2);
    expect((await inboxIds()).filter((candidate) => candidate === requestId)).toHaveLength(1);
  });
});

describe('delivery of information products', () => {
  it('re-sends a product whose message was never sent, and delivers it once', async () => {
    const id = await ratedCase();
    const reference = (await hub.api('GET', `/api/cases/${id}`, { token: mash })).json.reference as string;
    const realUrl = process.env[informationProductQueue.envVar]!;
    process.env[informationProductQueue.envVar] = `${realUrl}-unreachable`;
    let productId: string;
    try {
      const decided = await hub.api('POST', `/api/cases/${id}/decision`, {
        token: mash,
        body: {
          outcome: 'S17_ASSESSMENT',
          rationale: 'Needs a social work assessment',
          recipientAgency: 'police',
        },
      });
      expect(decided.status).toBe(200);
      productId = decided.json.productId;
      expect(productId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      process.env[informationProductQueue.envVar] = realUrl;
    }
    await settle();
    expect(await productIds(police)).not.toContain(productId);

    // Within its first minute the sweeper leaves it alone.
    expect((await hub.api('POST', '/_local/schedules/delivery-sweeper/run')).status).toBe(200);
    await settle();
    expect(await productIds(police)).not.toContain(productId);

    await sweepAfter(2);
    const products = (await hub.api('GET', '/api/agency/products', { token: police })).json.items;
    expect(products.filter((item: { id: string }) => item.id === productId)).toEqual([
      expect.objectContaining({
        caseReference: reference,
        outcome: 'S17_ASSESSMENT',
        recipientAgency: 'police',
      }),
    ]);

    // A second sweep finds nothing left to send: still one product.
    await sweepAfter(2);
    expect((await productIds(police)).filter((candidate) => candidate === productId)).toHaveLength(1);
  });
});
