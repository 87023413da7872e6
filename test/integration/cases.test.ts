/** The hub's read side through the local hub: the queue, its filters and paging, the case page, and their audit. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeHubClock, startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
let mash: string;

beforeAll(async () => {
  hub = await startTestHub();
  mash = await hub.token('mash');
});
afterAll(async () => {
  await hub?.stop();
});

async function submitAt(iso: string, immediateDanger = false) {
  await hub.api('PUT', '/_local/clock', { body: { now: iso } });
  return submit(immediateDanger);
}

async function submit(immediateDanger = false) {
  const response = await hub.api('POST', '/api/referrals', { body: validReferral({ immediateDanger }) });
  expect(response.status).toBe(201);
  return response.json as { reference: string; receivedAt: string; decisionDueAt: string };
}

describe('GET /api/cases', () => {
  it('needs a token (401) of a hub role (403)', async () => {
    expect((await hub.api('GET', '/api/cases')).status).toBe(401);
    expect((await hub.api('GET', '/api/cases', { token: 'not.a.jwt' })).status).toBe(401);
    expect((await hub.api('GET', '/api/cases', { token: await hub.token('board') })).status).toBe(403);
    expect((await hub.api('GET', '/api/cases', { token: await hub.token('agency', 'police') })).status).toBe(
      403,
    );
    expect((await hub.api('GET', '/api/cases', { token: await hub.token('manager') })).status).toBe(200);
  });

  it('sorts by decision deadline, and overdue is exact to the second', async () => {
    // Red at Monday 16:55 London → due 20:55. The clock is held still, so the receipt is exactly 16:55.
    let thaw = freezeHubClock('2026-06-08T15:55:00.000Z');
    const red = await submit(true).finally(thaw);
    expect(red.receivedAt).toBe('2026-06-08T15:55:00.000Z');
    expect(red.decisionDueAt).toBe('2026-06-08T19:55:00.000Z');
    const amber = await submitAt('2026-06-08T09:00:00.000Z');

    const list = (await hub.api('GET', '/api/cases?limit=500', { token: mash })).json.items as Array<{
      decisionDueAt: string;
      reference: string;
    }>;
    const dues = list.map((item) => item.decisionDueAt);
    expect(dues).toEqual([...dues].sort());

    // DOMAIN.md: a red case due at 20:55 is not overdue at 20:54:59 and is overdue at 20:55:00.
    const overdueAt = async (instant: string) => {
      thaw = freezeHubClock(instant);
      try {
        const response = await hub.api('GET', '/api/cases?overdue=true&limit=500', { token: mash });
        expect(response.status).toBe(200);
        return response.json.items as Array<{ reference: string; overdue: boolean }>;
      } finally {
        thaw();
      }
    };
    let overdue = await overdueAt('2026-06-08T19:54:59.000Z');
    expect(overdue.map((item) => item.reference)).not.toContain(red.reference);

    overdue = await overdueAt('2026-06-08T19:55:00.000Z');
    expect(overdue.map((item) => item.reference)).toContain(red.reference);
    expect(overdue.every((item) => item.overdue)).toBe(true);
    expect(overdue.map((item) => item.reference)).not.toContain(amber.reference);
  });

  it('filters by status and rag, and pages with a cursor', async () => {
    const plain: string[] = [];
    for (let i = 0; i < 5; i++) plain.push((await submitAt(`2026-07-0${i + 1}T10:00:00.000Z`)).reference);
    const urgent = (await submitAt('2026-07-06T10:00:00.000Z', true)).reference;
    const triaged = await submitAt('2026-07-07T10:00:00.000Z');
    const triagedId = (await hub.api('GET', '/api/cases?limit=500', { token: mash })).json.items.find(
      (item: { reference: string }) => item.reference === triaged.reference,
    ).id;
    expect(
      (await hub.api('POST', `/api/cases/${triagedId}/triage`, { token: mash, body: { rag: 'amber' } }))
        .status,
    ).toBe(200);

    const red = (await hub.api('GET', '/api/cases?rag=red&limit=500', { token: mash })).json.items;
    expect(red.every((item: { rag: string }) => item.rag === 'red')).toBe(true);
    const redReferences = red.map((item: { reference: string }) => item.reference);
    expect(redReferences).toContain(urgent);
    for (const reference of [...plain, triaged.reference]) expect(redReferences).not.toContain(reference);

    const received = (await hub.api('GET', '/api/cases?status=received&limit=500', { token: mash })).json
      .items;
    expect(received.every((item: { status: string }) => item.status === 'received')).toBe(true);
    const receivedReferences = received.map((item: { reference: string }) => item.reference);
    for (const reference of [...plain, urgent]) expect(receivedReferences).toContain(reference);
    expect(receivedReferences).not.toContain(triaged.reference);

    const all = (await hub.api('GET', '/api/cases?limit=500', { token: mash })).json.items;
    const paged: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await hub.api('GET', `/api/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: mash,
      });
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(paged.map((item) => (item as { id: string }).id)).toEqual(
      all.map((item: { id: string }) => item.id),
    );
  });

  it('refuses bad query parameters with the parameter named', async () => {
    const response = await hub.api('GET', '/api/cases?status=open&rag=purple&limit=0&cursor=abc', {
      token: mash,
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'limit',
      'rag',
      'status',
    ]);
    const badCursor = await hub.api('GET', '/api/cases?cursor=bm90LWEtY3Vyc29y', { token: mash });
    expect(badCursor.status).toBe(400);
    // Well-formed JSON with the right partition but other key names: refused before DynamoDB sees it.
    const crafted = Buffer.from(JSON.stringify({ dueListPk: 'CASES', firstName: 'x' })).toString('base64url');
    expect((await hub.api('GET', `/api/cases?cursor=${crafted}`, { token: mash })).status).toBe(400);
  });
});

describe('GET /api/cases/ID', () => {
  it('shows the whole case and records the view in the audit trail', async () => {
    const created = await submitAt('2026-07-10T10:00:00.000Z');
    const list = (await hub.api('GET', '/api/cases?limit=500', { token: mash })).json.items;
    const id = list.find((item: { reference: string }) => item.reference === created.reference).id;
    const response = await hub.api('GET', `/api/cases/${id}`, { token: mash });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id, reference: created.reference, status: 'received' });
    expect(response.json.referral.subjects[0].firstName).toBe('Alex');
    expect(response.json.receiptTokenHash).toBeUndefined();

    const audit = await hub.documents.send(
      new QueryCommand({
        TableName: 'mash-cases',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `CASE#${id}`, ':audit': 'AUDIT#' },
      }),
    );
    const actions = (audit.Items ?? []).map((item) => item.action);
    expect(actions).toContain('referral.received');
    expect(actions).toContain('case.listed');
    expect(actions).toContain('case.viewed');
    const viewed = audit.Items!.find((item) => item.action === 'case.viewed')!;
    expect(viewed).toMatchObject({ actor: 'local-mash', role: 'mash' });
  });

  it('is 404 for an unknown or malformed id', async () => {
    expect(
      (await hub.api('GET', '/api/cases/00000000-0000-4000-8000-000000000000', { token: mash })).status,
    ).toBe(404);
    expect((await hub.api('GET', '/api/cases/..%2F..%2Fetc', { token: mash })).status).toBe(404);
  });
});
