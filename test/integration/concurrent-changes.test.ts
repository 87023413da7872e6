/**
 * Optimistic locking on the real DynamoDB Local: every workflow change is written on the condition that
 * the case's version is still the one it read; a change that loses the race is retried from a fresh read
 * (src/services/workflow.ts), and after four lost races the caller gets 409 CONCURRENT_CHANGE.
 *
 * The races are made deterministic by holding a workflow between its read of the case and its write:
 * the case store's `getCase` is wrapped (the real DynamoDB read still happens) so that the test can run
 * the competing change, through the API or straight into DynamoDB, at exactly that moment.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaseRecord } from '../../src/domain/case.ts';
import { caseTable } from '../../src/resources.ts';
import { DynamoCaseStore } from '../../src/store/dynamo-case-store.ts';
import { startTestHub, submitCase, type TestHub } from '../helpers/hub.ts';

let hub: TestHub;
let mash: string;
let manager: string;
let police: string;

beforeAll(async () => {
  hub = await startTestHub();
  [mash, manager, police] = await Promise.all([
    hub.token('mash'),
    hub.token('manager'),
    hub.token('agency', 'police'),
  ]);
});
afterAll(async () => {
  await hub?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function newCase(consentGiven = false) {
  return submitCase(hub, mash, { consentGiven });
}

async function storedCase(id: string): Promise<CaseRecord> {
  const { Item } = await hub.documents.send(
    new GetCommand({ TableName: caseTable.localName, Key: { pk: `CASE#${id}`, sk: 'CASE' } }),
  );
  return Item as CaseRecord;
}

async function auditActions(id: string): Promise<string[]> {
  const { Items } = await hub.documents.send(
    new QueryCommand({
      TableName: caseTable.localName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `CASE#${id}`, ':audit': 'AUDIT#' },
    }),
  );
  return (Items ?? []).map((item) => String(item.action));
}

/**
 * Calls `between(n)` after the n-th read (counting from 1) of case `id`, or with `method: 'getRequest'`
 * of request `id`, and before that read is handed to its caller. Returns the reads seen so far.
 */
function interceptReads(
  id: string,
  between: (read: number) => Promise<void> | void,
  method: 'getCase' | 'getRequest' = 'getCase',
): { reads: () => number } {
  // One wrapper for two reads of different return types: seen as plain "id in, item out" methods.
  const prototype = DynamoCaseStore.prototype as unknown as Record<
    typeof method,
    (this: DynamoCaseStore, id: string) => Promise<unknown>
  >;
  const original = prototype[method];
  let reads = 0;
  vi.spyOn(prototype, method).mockImplementation(async function (this: DynamoCaseStore, itemId: string) {
    const item = await original.call(this, itemId);
    if (itemId === id) {
      reads += 1;
      await between(reads);
    }
    return item;
  });
  return { reads: () => reads };
}

describe('optimistic locking of workflow changes', () => {
  it('retries a change that lost the race to referrer feedback, and keeps both', async () => {
    const kase = await newCase();
    let feedbackStatus = 0;
    // Read 1 is the triage's; the feedback then reads the case (read 2, once its receipt token checks out
    // against the reference lookup) and bumps its version; read 3 is the triage's retry, after its first
    // write was refused.
    const spy = interceptReads(kase.id, async (read) => {
      if (read !== 1) return;
      const feedback = await hub.api('POST', '/api/feedback', {
        body: { reference: kase.reference, receiptToken: kase.receiptToken, helpful: true, rating: 4 },
      });
      feedbackStatus = feedback.status;
    });
    const triage = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'green' },
    });
    expect(feedbackStatus).toBe(201);
    expect(triage.status).toBe(200);
    expect(spy.reads()).toBe(3);

    const stored = await storedCase(kase.id);
    expect(stored).toMatchObject({
      version: 3, // intake 1, feedback 2, triage 3
      rag: 'green',
      status: 'triaged',
      feedbackResponses: 1,
      feedbackHelpful: 1,
      feedbackRatingSum: 4,
    });
    expect(stored.ratingHistory).toHaveLength(1);
    const actions = await auditActions(kase.id);
    expect(actions.filter((action) => action === 'case.rated')).toHaveLength(1);
    expect(actions.filter((action) => action === 'feedback.received')).toHaveLength(1);
  });

  it('applies two transitions made at once on one case: one wins, the other retries on top of it', async () => {
    const kase = await newCase();
    let overrideStatus = 0;
    interceptReads(kase.id, async (read) => {
      // The triage has read version 1; the manager's override reads it too (read 2) and commits first.
      if (read !== 1) return;
      const override = await hub.api('POST', `/api/cases/${kase.id}/consent-override`, {
        token: manager,
        body: { rationale: 'Telling the parents would put the child at risk of significant harm' },
      });
      overrideStatus = override.status;
    });
    const triage = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'amber' },
    });
    expect(overrideStatus).toBe(200);
    expect(triage.status).toBe(200);
    expect(triage.json).toMatchObject({ rag: 'amber', status: 'triaged' });

    const stored = await storedCase(kase.id);
    expect(stored).toMatchObject({ version: 3, rag: 'amber', status: 'triaged' });
    expect(stored.consentOverride?.rationale).toBe(
      'Telling the parents would put the child at risk of significant harm',
    );
    const actions = await auditActions(kase.id);
    expect(actions.filter((action) => action === 'case.rated')).toHaveLength(1);
    expect(actions.filter((action) => action === 'consent.overridden')).toHaveLength(1);
  });

  it('answers 409 CONCURRENT_CHANGE after four lost races, having written nothing of its own', async () => {
    const kase = await newCase();
    // Another writer bumps the version after every read the triage makes.
    const spy = interceptReads(kase.id, async () => {
      await hub.documents.send(
        new UpdateCommand({
          TableName: caseTable.localName,
          Key: { pk: `CASE#${kase.id}`, sk: 'CASE' },
          UpdateExpression: 'ADD #version :one',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    });
    const triage = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'red' },
    });
    expect(triage.status).toBe(409);
    expect(triage.json.error.code).toBe('CONCURRENT_CHANGE');
    expect(spy.reads()).toBe(4);
    vi.restoreAllMocks();

    const stored = await storedCase(kase.id);
    expect(stored).toMatchObject({ version: 5, rag: null, status: 'received', ratingHistory: [] });
    expect(await auditActions(kase.id)).not.toContain('case.rated');
  });

  it('lets only one of two simultaneous answers to a request stand; the other gets 409 ALREADY_ANSWERED', async () => {
    const kase = await newCase(true);
    expect(
      (await hub.api('POST', `/api/cases/${kase.id}/triage`, { token: mash, body: { rag: 'green' } })).status,
    ).toBe(200);
    const issued = await hub.api('POST', `/api/cases/${kase.id}/information-requests`, {
      token: mash,
      body: { agencies: ['police'] },
    });
    expect(issued.status).toBe(202);
    const requestId = issued.json.requests[0].id as string;
    expect((await hub.api('POST', '/_local/settle')).status).toBe(200);

    let second: { status: number; code?: string } | undefined;
    // The first answer reads the request (read 1), then the case and the request again (read 2) and
    // builds its write; before it writes, the second answer goes through in full (reads 3 and 4). The
    // first answer's write is refused; its retry reads the request answered (read 5).
    const spy = interceptReads(
      requestId,
      async (read) => {
        if (read !== 2) return;
        const response = await hub.api('POST', `/api/agency/requests/${requestId}/response`, {
          token: police,
          body: { information: 'SECOND-ANSWER', releasable: false },
        });
        second = { status: response.status, code: response.json?.error?.code };
      },
      'getRequest',
    );
    const first = await hub.api('POST', `/api/agency/requests/${requestId}/response`, {
      token: police,
      body: { information: 'FIRST-ANSWER', releasable: true },
    });
    expect(second).toEqual({ status: 200, code: undefined });
    expect(first.status).toBe(409);
    expect(first.json.error.code).toBe('ALREADY_ANSWERED');
    expect(spy.reads()).toBe(5);

    const { Item } = await hub.documents.send(
      new GetCommand({ TableName: caseTable.localName, Key: { pk: `REQUEST#${requestId}`, sk: 'REQUEST' } }),
    );
    expect(Item?.answer).toMatchObject({ information: 'SECOND-ANSWER', releasable: false });
    const stored = await storedCase(kase.id);
    expect(stored).toMatchObject({ status: 'ready', outstandingRequests: 0 });
    expect((await auditActions(kase.id)).filter((action) => action === 'request.answered')).toHaveLength(1);
  });
});
