/**
 * The OpenAPI document against the wire: one walk through every API operation of the local hub, each
 * success parsed with the response schema the document publishes for it (and some errors with the error
 * schema). Parsing drops members a schema does not name, so `parse(body)` equal to `body` means the
 * document names everything the handler sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { openApiDocument, operations } from '../../src/http/openapi.ts';
import { errorSchema } from '../../src/http/response-schemas.ts';
import { type ApiResponse, startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

const seen = new Set<string>();

/** The response is the operation's documented success, and its body is exactly what the schema describes. */
function expectDocumented(key: string, response: ApiResponse) {
  const spec = operations[key];
  if (!spec) throw new Error(`no operation ${key}`);
  expect(response.status, `${key}: ${response.text.slice(0, 300)}`).toBe(Number(spec.success.status));
  expectShape(spec.success.schema, response.json, key);
  seen.add(key);
  return response.json;
}

function expectShape(schema: z.ZodType, body: unknown, what: string) {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues, what).toBeUndefined();
  expect(parsed.data, `${what}: members the document does not name`).toEqual(body);
}

function expectError(response: ApiResponse, status: number) {
  expect(response.status).toBe(status);
  expectShape(errorSchema, response.json, `error ${status}`);
}

async function settle() {
  expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
}

describe('every API operation answers what the OpenAPI document says', () => {
  it('walks a referral from intake to decision, the agency side and the board', async () => {
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-05-18T09:00:00.000Z' } });
    const [mash, manager, police, board] = await Promise.all([
      hub.token('mash'),
      hub.token('manager'),
      hub.token('agency', 'police'),
      hub.token('board'),
    ]);

    const document = await hub.api('GET', '/api/openapi.json');
    expectDocumented('GET /api/openapi.json', document);
    expect(document.json).toEqual(openApiDocument());

    const submitted = await hub.api('POST', '/api/referrals', {
      body: validReferral(),
      headers: { 'Idempotency-Key': 'openapi-walk-1' },
    });
    const receipt = expectDocumented('POST /api/referrals', submitted);
    expect(submitted.headers.get('location')).toBe(`/api/referrals/${receipt.reference}/status`);
    const statusPath = `/api/referrals/${receipt.reference}/status?token=${receipt.receiptToken}`;
    expectDocumented('GET /api/referrals/{reference}/status', await hub.api('GET', statusPath));
    expectDocumented(
      'POST /api/feedback',
      await hub.api('POST', '/api/feedback', {
        body: { reference: receipt.reference, receiptToken: receipt.receiptToken, helpful: true, rating: 4 },
      }),
    );

    const list = expectDocumented(
      'GET /api/cases',
      await hub.api('GET', '/api/cases?limit=500', { token: mash }),
    );
    const id: string = list.items.find(
      (item: { reference: string }) => item.reference === receipt.reference,
    ).id;
    const casePath = `/api/cases/${id}`;
    expectDocumented('GET /api/cases/{id}', await hub.api('GET', casePath, { token: mash }));
    expectDocumented(
      'POST /api/cases/{id}/triage',
      await hub.api('POST', `${casePath}/triage`, { token: mash, body: { rag: 'amber' } }),
    );
    expectDocumented(
      'POST /api/cases/{id}/consent-override',
      await hub.api('POST', `${casePath}/consent-override`, {
        token: manager,
        body: { rationale: 'Police checks are needed to judge the risk' },
      }),
    );
    expectDocumented(
      'POST /api/cases/{id}/information-requests',
      await hub.api('POST', `${casePath}/information-requests`, {
        token: mash,
        body: { agencies: ['police'], questions: 'Any call-outs to the address?' },
      }),
    );
    await settle();

    const inbox = expectDocumented(
      'GET /api/agency/requests',
      await hub.api('GET', '/api/agency/requests?status=open', { token: police }),
    );
    const requestId: string = inbox.items.find(
      (item: { caseReference: string }) => item.caseReference === receipt.reference,
    ).id;
    expectDocumented(
      'GET /api/agency/requests/{id}',
      await hub.api('GET', `/api/agency/requests/${requestId}`, { token: police }),
    );
    expectDocumented(
      'POST /api/agency/requests/{id}/response',
      await hub.api('POST', `/api/agency/requests/${requestId}/response`, {
        token: police,
        body: { information: 'Two call-outs in March', releasable: true },
      }),
    );
    await settle();

    // The case again, now with its request, answer and rating history.
    const full = expectDocumented('GET /api/cases/{id}', await hub.api('GET', casePath, { token: mash }));
    expect(full.requests[0].answer).toBeDefined();
    expectDocumented(
      'POST /api/cases/{id}/decision',
      await hub.api('POST', `${casePath}/decision`, {
        token: mash,
        body: {
          outcome: 'EARLY_HELP',
          rationale: 'Family support will meet the needs found',
          recipientAgency: 'police',
        },
      }),
    );
    await settle();
    const decided = expectDocumented(
      'GET /api/referrals/{reference}/status',
      await hub.api('GET', statusPath),
    );
    expect(decided.outcome).toBe('EARLY_HELP');
    const products = expectDocumented(
      'GET /api/agency/products',
      await hub.api('GET', '/api/agency/products', { token: police }),
    );
    expect(products.items.length).toBe(1);
    expectDocumented(
      'GET /api/cases/{id}/audit',
      await hub.api('GET', `${casePath}/audit`, { token: manager }),
    );

    expect((await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-05')).status).toBe(
      200,
    );
    expectDocumented('GET /api/reports', await hub.api('GET', '/api/reports', { token: board }));
    expectDocumented(
      'GET /api/reports/{period}/{file}',
      await hub.api('GET', '/api/reports/monthly/2026-05.json', { token: board }),
    );
    const csv = await hub.api('GET', '/api/reports/monthly/2026-05.csv', { token: board });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);

    expect([...seen].sort()).toEqual(Object.keys(operations).sort());

    // Errors, in the one error shape the document gives every error response.
    expectError(await hub.api('GET', '/api/cases'), 401);
    expectError(await hub.api('GET', '/api/cases', { token: police }), 403);
    expectError(await hub.api('GET', '/api/cases?limit=501', { token: mash }), 400);
    expectError(
      await hub.api('GET', '/api/cases/00000000-0000-4000-8000-000000000000', { token: mash }),
      404,
    );
    expectError(
      await hub.api('POST', `${casePath}/decision`, {
        token: mash,
        body: { outcome: 'EARLY_HELP', rationale: 'Twice is once too many' },
      }),
      409,
    );
  });
});
