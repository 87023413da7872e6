/**
 * Intake end to end through the local hub: HTTP → API Gateway event → the intake handler → the real
 * DynamoDB Local. Every CONTRACT row for intake, status and feedback, and the bad-input rules.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../../src/platform/clients.ts';
import { idempotencyTable } from '../../src/resources.ts';
import { referralStatus, submitFeedback } from '../../src/services/intake.ts';
import { freezeHubClock, startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
/** How far apart the two medians may be, relative to the larger. */
const TOLERANCE = Number(process.env.TIMING_TOLERANCE ?? 0.15);
let staff: string;

beforeAll(async () => {
  hub = await startTestHub();
  staff = await hub.token('mash');
});
afterAll(async () => {
  await hub?.stop();
});

async function allCases(): Promise<
  Array<{ id: string; reference: string; rag: string | null; status: string }>
> {
  const response = await hub.api('GET', '/api/cases?limit=500', { token: staff });
  expect(response.status).toBe(200);
  return response.json.items;
}

async function setClock(iso: string) {
  const response = await hub.api('PUT', '/_local/clock', { body: { now: iso } });
  expect(response.status).toBe(200);
}

describe('POST /api/referrals', () => {
  it('creates a case and answers 201 with the reference, a receipt token and the decision deadline', async () => {
    const thaw = freezeHubClock('2026-05-18T09:00:00.000Z'); // Monday 10:00 London (BST)
    const response = await hub.api('POST', '/api/referrals', { body: validReferral() }).finally(thaw);
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      reference: expect.stringMatching(/^MASH-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      receiptToken: expect.any(String),
      status: 'received',
      receivedAt: '2026-05-18T09:00:00.000Z',
      // Unrated: one working day after receipt, the same time on Tuesday.
      decisionDueAt: '2026-05-19T09:00:00.000Z',
    });
    const cases = await allCases();
    const stored = cases.find((item) => item.reference === response.json.reference);
    expect(stored).toMatchObject({ status: 'received', rag: null });
  });

  it('rates immediate danger red at once, due four hours after receipt, round the clock', async () => {
    await setClock('2026-05-23T21:30:00.000Z'); // Saturday night
    const response = await hub.api('POST', '/api/referrals', {
      body: validReferral({ immediateDanger: true }),
    });
    expect(response.status).toBe(201);
    expect(Date.parse(response.json.decisionDueAt) - Date.parse(response.json.receivedAt)).toBe(
      4 * 3600 * 1000,
    );
    const stored = (await allCases()).find((item) => item.reference === response.json.reference);
    expect(stored?.rag).toBe('red');
  });

  it('names every invalid field and stores nothing', async () => {
    const before = (await allCases()).length;
    const body = validReferral();
    body.subjects[0]!.dateOfBirth = '2015-13-40';
    body.concern.categories = [];
    (body.referrer as Record<string, unknown>).source = 'ZZ';
    const response = await hub.api('POST', '/api/referrals', { body });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('VALIDATION_FAILED');
    expect(response.json.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['referrer.source', 'subjects.0.dateOfBirth', 'concern.categories']),
    );
    expect((await allCases()).length).toBe(before);
  });

  it('refuses bodies that are not JSON objects with a clear 4xx', async () => {
    const notJson = await hub.api('POST', '/api/referrals', {
      rawBody: '{"immediateDanger":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe('INVALID_JSON');
    const wrongType = await hub.api('POST', '/api/referrals', {
      rawBody: 'immediateDanger=false',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
    const array = await hub.api('POST', '/api/referrals', { body: [1, 2] });
    expect(array.status).toBe(400);
  });

  it('answers 413 for a body over 256 KiB', async () => {
    const body = validReferral();
    body.concern.details = 'x'.repeat(257 * 1024);
    const response = await hub.api('POST', '/api/referrals', { body });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps hostile text as data', async () => {
    const body = validReferral();
    body.subjects[0]!.firstName = '<script>alert("x")</script>';
    const response = await hub.api('POST', '/api/referrals', { body });
    expect(response.status).toBe(201);
    const stored = (await allCases()).find((item) => item.reference === response.json.reference)!;
    const detail = await hub.api('GET', `/api/cases/${stored.id}`, { token: staff });
    expect(detail.json.referral.subjects[0].firstName).toBe('<script>alert("x")</script>');
  });
});

describe('Idempotency-Key', () => {
  it('same key and same body: the same reference and no second case', async () => {
    const body = validReferral();
    const key = `test-${Date.now()}`;
    const first = await hub.api('POST', '/api/referrals', { body, headers: { 'Idempotency-Key': key } });
    const second = await hub.api('POST', '/api/referrals', { body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect((await allCases()).filter((item) => item.reference === first.json.reference)).toHaveLength(1);
  });

  it('same key and another body: 409', async () => {
    const key = `test-other-${Date.now()}`;
    const first = await hub.api('POST', '/api/referrals', {
      body: validReferral(),
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(201);
    const other = validReferral();
    other.concern.summary = 'A different concern';
    const second = await hub.api('POST', '/api/referrals', {
      body: other,
      headers: { 'Idempotency-Key': key },
    });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('concurrent duplicates make one case and never a 500', async () => {
    const before = (await allCases()).length;
    const body = validReferral();
    const key = `test-concurrent-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        hub.api('POST', '/api/referrals', { body, headers: { 'Idempotency-Key': key } }),
      ),
    );
    for (const response of responses) expect([201, 409]).toContain(response.status);
    const references = new Set(responses.filter((r) => r.status === 201).map((r) => r.json.reference));
    expect(references.size).toBe(1);
    expect((await allCases()).length).toBe(before + 1);
  });

  it('a duplicate of a request still in progress waits for it, then answers 409 IDEMPOTENCY_IN_PROGRESS', async () => {
    const body = validReferral();
    const key = `test-in-progress-${Date.now()}`;
    const first = await hub.api('POST', '/api/referrals', { body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    // Powertools' own record of the first request, put back to in progress for the next minute: as if
    // the first request were still running when its duplicate arrives.
    const tableName = idempotencyTable.localName;
    const { Items = [] } = await hub.documents.send(new ScanCommand({ TableName: tableName }));
    const record = Items.find((item) => item.data?.reference === first.json.reference);
    expect(record).toBeDefined();
    await hub.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id: record!.id },
        UpdateExpression: 'SET #status = :inProgress, in_progress_expiration = :until REMOVE #data',
        ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
        ExpressionAttributeValues: { ':inProgress': 'INPROGRESS', ':until': Date.now() + 60_000 },
      }),
    );

    const sent = Date.now();
    const second = await hub.api('POST', '/api/referrals', { body, headers: { 'Idempotency-Key': key } });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second.headers.get('retry-after')).toBe('1');
    // It waited (the service gives a duplicate up to 5 s) rather than answering at once.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(4_000);
    expect((await allCases()).filter((item) => item.reference === first.json.reference)).toHaveLength(1);
  });

  it('refuses a malformed key', async () => {
    const response = await hub.api('POST', '/api/referrals', {
      body: validReferral(),
      headers: { 'Idempotency-Key': 'has spaces / slashes' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details[0].path).toBe('headers.Idempotency-Key');
  });
});

describe('status and feedback', () => {
  it('shows the referrer the status with the right token only, and no personal data', async () => {
    const created = await hub.api('POST', '/api/referrals', { body: validReferral() });
    const { reference, receiptToken } = created.json;
    const ok = await hub.api(
      'GET',
      `/api/referrals/${reference}/status?token=${encodeURIComponent(receiptToken)}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ reference, status: 'received' });
    const wrong = await hub.api('GET', `/api/referrals/${reference}/status?token=not-the-token`);
    expect(wrong.status).toBe(404);
    const missing = await hub.api('GET', `/api/referrals/${reference}/status`);
    expect(missing.status).toBe(400);
    const unknown = await hub.api('GET', `/api/referrals/MASH-0000-0000/status?token=${receiptToken}`);
    expect(unknown.status).toBe(404);
  });

  it('records feedback with the right token; a wrong token is 404; a bad rating is 400', async () => {
    const created = await hub.api('POST', '/api/referrals', { body: validReferral() });
    const { reference, receiptToken } = created.json;
    const ok = await hub.api('POST', '/api/feedback', {
      body: { reference, receiptToken, helpful: true, rating: 5, comment: 'Clear and quick' },
    });
    expect(ok.status).toBe(201);
    const wrong = await hub.api('POST', '/api/feedback', {
      body: { reference, receiptToken: 'nope', helpful: false },
    });
    expect(wrong.status).toBe(404);
    const bad = await hub.api('POST', '/api/feedback', {
      body: { reference, receiptToken, helpful: 'yes', rating: 9 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['helpful', 'rating']);
  });
});

describe('status and feedback: a real reference with a wrong token looks like an unknown one', () => {
  const UNKNOWN = 'MASH-ZZZZ-ZZZ0';
  const WRONG_TOKEN = 'a-wrong-receipt-token-of-plausible-length';
  let reference: string;

  beforeAll(async () => {
    const created = await hub.api('POST', '/api/referrals', { body: validReferral() });
    expect(created.status).toBe(201);
    reference = created.json.reference;
    expect((await hub.api('GET', `/api/referrals/${UNKNOWN}/status?token=x`)).status).toBe(404);
  });

  /** The DynamoDB commands (name, table, key shape) the service sends while `run` runs. */
  async function commandsOf(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const name = `record-${Math.random()}`;
    documents().middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string; Key?: Record<string, unknown> };
        seen.push(
          `${context.commandName} ${input.TableName} ${Object.keys(input.Key ?? {})
            .sort()
            .join(',')}`,
        );
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await run();
    } finally {
      documents().middlewareStack.remove(name);
    }
    return seen;
  }

  it('makes the same store reads for both, and writes nothing', async () => {
    const wrong = await commandsOf(() => referralStatus(reference, WRONG_TOKEN));
    const unknown = await commandsOf(() => referralStatus(UNKNOWN, WRONG_TOKEN));
    expect(wrong).toEqual(unknown);
    expect(wrong.map((line) => line.split(' ')[0])).toEqual(['GetItemCommand']);
    const feedback = { receiptToken: WRONG_TOKEN, helpful: true };
    const wrongFeedback = await commandsOf(() => submitFeedback({ ...feedback, reference }));
    const unknownFeedback = await commandsOf(() => submitFeedback({ ...feedback, reference: UNKNOWN }));
    expect(wrongFeedback).toEqual(unknownFeedback);
    expect(wrongFeedback).toEqual(wrong);
  });

  it('answers both in the same time, by the medians of 200 interleaved requests each', async () => {
    const timed = async (path: string, init?: { body: unknown }) => {
      const started = performance.now();
      const response = init ? await hub.api('POST', path, { body: init.body }) : await hub.api('GET', path);
      const ms = performance.now() - started;
      expect(response.status).toBe(404);
      return ms;
    };
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return (sorted[Math.floor(sorted.length / 2 - 0.5)]! + sorted[Math.ceil(sorted.length / 2 - 0.5)]!) / 2;
    };
    const status = (ref: string) => `/api/referrals/${ref}/status?token=${WRONG_TOKEN}`;
    const feedback = (ref: string) => ({
      body: { reference: ref, receiptToken: WRONG_TOKEN, helpful: true },
    });
    for (const [label, real, unknown] of [
      ['status', () => timed(status(reference)), () => timed(status(UNKNOWN))],
      [
        'feedback',
        () => timed('/api/feedback', feedback(reference)),
        () => timed('/api/feedback', feedback(UNKNOWN)),
      ],
    ] as const) {
      // Warm up both paths, then interleave (alternating which goes first) so drift hits both alike.
      for (let i = 0; i < 20; i++) await Promise.all([real(), unknown()].map((p) => p.catch(() => 0)));
      const realTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 200; i++) {
        if (i % 2 === 0) {
          realTimes.push(await real());
          unknownTimes.push(await unknown());
        } else {
          unknownTimes.push(await unknown());
          realTimes.push(await real());
        }
      }
      const [a, b] = [median(realTimes), median(unknownTimes)];
      // Before, one DynamoDB read fewer for an unknown reference made it about 40% faster; now they are within a few per cent.
      expect(
        Math.abs(a - b),
        `${label}: median ${a.toFixed(2)} ms (real, wrong token) vs ${b.toFixed(2)} ms (unknown)`,
      ).toBeLessThan(TOLERANCE * Math.max(a, b));
    }
  }, 120_000);
});

describe('re-referrals (DOMAIN.md)', () => {
  it('flags a subject referred within the 12 months before, by London date', async () => {
    const subject = validReferral();
    subject.subjects[0] = {
      type: 'child',
      firstName: 'Robin',
      lastName: 'Rereferred',
      dateOfBirth: '2014-01-09',
    };
    await setClock('2025-06-01T11:00:00.000Z');
    const first = await hub.api('POST', '/api/referrals', { body: subject });
    await setClock('2026-06-01T08:00:00.000Z');
    const within = await hub.api('POST', '/api/referrals', { body: subject });

    const other = validReferral();
    other.subjects[0] = { type: 'child', firstName: 'Sky', lastName: 'Once', dateOfBirth: '2013-02-10' };
    await setClock('2025-06-01T11:00:00.000Z');
    await hub.api('POST', '/api/referrals', { body: other });
    await setClock('2026-06-02T08:00:00.000Z');
    const outside = await hub.api('POST', '/api/referrals', { body: other });

    const byReference = new Map(
      (await hub.api('GET', '/api/cases?limit=500', { token: staff })).json.items.map(
        (item: { reference: string }) => [item.reference, item],
      ),
    );
    expect(byReference.get(first.json.reference)).toMatchObject({ reReferral: false });
    expect(byReference.get(within.json.reference)).toMatchObject({ reReferral: true });
    expect(byReference.get(outside.json.reference)).toMatchObject({ reReferral: false });
  });

  it('counts London dates, not UTC ones, across London midnight', async () => {
    const referral = (firstName: string) => {
      const body = validReferral();
      body.subjects[0] = { type: 'child', firstName, lastName: 'Midnight', dateOfBirth: '2014-03-03' };
      return body;
    };
    // 23:30 UTC on 31 May 2025 is 00:30 BST on 1 June: inside the window of 1 June 2026 (23:30 BST, still
    // 1 June in London). By UTC dates the first would be 31 May, outside the window.
    await setClock('2025-05-31T23:30:00.000Z');
    const early = await hub.api('POST', '/api/referrals', { body: referral('Early') });
    await setClock('2026-06-01T22:30:00.000Z');
    const inside = await hub.api('POST', '/api/referrals', { body: referral('Early') });

    // 12:00 UTC on 1 June 2025, then 23:30 UTC on 1 June 2026, which is 00:30 BST on 2 June in London: the
    // window starts 2 June 2025, so it is not a re-referral. By UTC dates it would be.
    await setClock('2025-06-01T12:00:00.000Z');
    await hub.api('POST', '/api/referrals', { body: referral('Late') });
    await setClock('2026-06-01T23:30:00.000Z');
    const outside = await hub.api('POST', '/api/referrals', { body: referral('Late') });

    for (const response of [early, inside, outside]) expect(response.status).toBe(201);
    const byReference = new Map(
      (await allCases()).map((item) => [item.reference, item as unknown as { reReferral: boolean }]),
    );
    expect(byReference.get(inside.json.reference)?.reReferral).toBe(true);
    expect(byReference.get(outside.json.reference)?.reReferral).toBe(false);
  });
});

describe('GET /api/openapi.json', () => {
  it('publishes an OpenAPI 3.1 document generated from the schemas', async () => {
    const response = await hub.api('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    expect(response.json.paths['/api/referrals'].post.requestBody).toBeDefined();
    expect(response.json.components.schemas.Referral).toBeDefined();
  });
});
