/**
 * Fuzzing every `/api/` endpoint of one local hub with fast-check (issue #5): hostile bodies (any JSON,
 * near-valid bodies with fields dropped, wrong types, huge or odd strings, deep nesting, `__proto__` and
 * `constructor` keys), path parameters (percent-encoded anything, traversal, very long), query strings,
 * and headers (Content-Type variants, Idempotency-Key and Authorization junk, prototype-named headers).
 *
 * Properties (test/helpers/fuzz.ts, responseProblems): no 5xx; every 4xx from the API has
 * `{error:{code,message}}`, with `details` for a 400 to a body; 413 exactly for bodies over 256 KiB;
 * Object.prototype never polluted. For POST /api/referrals, no case is stored for a refused request
 * (cases counted on the table before and after), and exactly one for each new 201.
 *
 * MASH_FUZZ_RUNS (default 2000) is the total across endpoints; MASH_FUZZ_SEED fixes the seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, CASE_STATUSES, OUTCOMES, RAG_RATINGS } from '../../src/domain/codes.ts';
import { routes } from '../../src/routes.ts';
import {
  authorization,
  type BodySpec,
  bodyFor,
  contentType,
  countCases,
  cursorFor,
  describeRequest,
  encodeBody,
  extraHeaders,
  fuzzParameters,
  fuzzSeed,
  getBody,
  idempotencyKey,
  inboxCursor,
  listings,
  pathParam,
  queryPairs,
  queryString,
  type RawClient,
  type RawRequest,
  type RawResponse,
  rawClient,
  responseProblems,
  splitRuns,
  totalFuzzRuns,
} from '../helpers/fuzz.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

/** Page sizes the listings are asked for: valid, out of range and not whole numbers. */
const LIMITS = ['1', '2', '100', '500', '501', '0', '-1', '1.5', '9999', '1e2'];

// ---- The hub and its data -----------------------------------------------------------------------

interface Fixtures {
  tokens: Record<'mash' | 'manager' | 'board' | 'police' | 'health', string>;
  caseIds: string[];
  reference: string;
  receiptToken: string;
  policeRequestId: string;
  reportFile: string;
}

let hub: TestHub;
let client: RawClient;
let fx: Fixtures;
let runs = 0;
const started = performance.now();

async function ok(method: string, path: string, options: Parameters<TestHub['api']>[2], status: number) {
  const response = await hub.api(method, path, options);
  if (response.status !== status)
    throw new Error(`setup: ${method} ${path} answered ${response.status}: ${response.text}`);
  return response;
}

beforeAll(async () => {
  hub = await startTestHub();
  client = rawClient(hub.url);
  const tokens = {
    mash: await hub.token('mash'),
    manager: await hub.token('manager'),
    board: await hub.token('board'),
    police: await hub.token('agency', 'police'),
    health: await hub.token('agency', 'health'),
  };
  await ok('PUT', '/_local/clock', { body: { now: '2026-10-13T09:00:00.000Z' } }, 200);

  const caseIds: string[] = [];
  let first: { reference: string; receiptToken: string } | undefined;
  for (const consentGiven of [true, true, false]) {
    const body = validReferral();
    if (consentGiven) body.consent = { parentsAware: true, consentGiven: true };
    const created = await ok('POST', '/api/referrals', { body }, 201);
    first ??= created.json;
    const list = await ok('GET', '/api/cases?limit=500', { token: tokens.mash }, 200);
    const id = list.json.items.find((c: { reference: string }) => c.reference === created.json.reference).id;
    await ok('POST', `/api/cases/${id}/triage`, { token: tokens.mash, body: { rag: 'amber' } }, 200);
    caseIds.push(id);
  }
  const issued = await ok(
    'POST',
    `/api/cases/${caseIds[0]}/information-requests`,
    { token: tokens.mash, body: { agencies: ['police', 'health'] } },
    202,
  );
  await ok('POST', '/_local/settle', {}, 200);
  await ok('PUT', '/_local/clock', { body: { now: '2026-11-03T10:00:00.000Z' } }, 200);
  await ok('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-10', {}, 200);

  fx = {
    tokens,
    caseIds,
    reference: first!.reference,
    receiptToken: first!.receiptToken,
    policeRequestId: issued.json.requests.find((r: { agency: string }) => r.agency === 'police').id,
    reportFile: '2026-10.json',
  };
});

afterAll(async () => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const seed = fuzzSeed();
  const lines = [...statuses].map(
    ([name, counts]) =>
      `  ${name}: ${[...counts]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
  );
  console.log(
    `api fuzz: ${runs} requests in ${seconds} s${seed !== undefined ? ` (seed ${seed})` : ''}\n${lines.join('\n')}`,
  );
  client?.close();
  await hub?.stop();
});

// ---- Building requests --------------------------------------------------------------------------

interface RequestParts {
  path: string;
  body: BodySpec;
  contentType: string | undefined;
  authorization: string | undefined;
  idempotencyKey?: string | undefined;
  extra: [string, string][];
}

/** A request from its parts; it prints as one readable line in fast-check's counterexample. */
function toRequest(method: string, parts: RequestParts): RawRequest {
  const headers: [string, string][] = [];
  if (parts.contentType !== undefined) headers.push(['Content-Type', parts.contentType]);
  if (parts.authorization !== undefined) headers.push(['Authorization', parts.authorization]);
  if (parts.idempotencyKey !== undefined) headers.push(['Idempotency-Key', parts.idempotencyKey]);
  headers.push(...parts.extra);
  const body = encodeBody(parts.body);
  const request: RawRequest = { method, path: parts.path, headers, ...(body !== undefined ? { body } : {}) };
  Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request) });
  return request;
}

interface EndpointOptions {
  /** Paths with fuzzed parameters (and query strings). */
  path: fc.Arbitrary<string>;
  /** Paths the route answers with success; `path` when absent. */
  validPath?: fc.Arbitrary<string>;
  /** Valid bodies to start mutating from (POST); GETs get an occasional junk body. */
  bodies?: readonly unknown[];
  /** Tokens the route lets in, and tokens it refuses (for public routes: none allowed, all as junk). */
  good: readonly string[];
  bad: readonly string[];
  idempotency?: boolean;
}

/**
 * What a run fuzzes: the body, the path, the headers, everything at once, or nothing (a valid request).
 * The rest of the request stays valid, so a fuzzed body reaches validation and the workflow behind it
 * instead of stopping at a 401 or a 415 most of the time.
 */
type Focus = 'body' | 'path' | 'headers' | 'all' | 'none';
const focus: fc.Arbitrary<Focus> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Focus>('body') },
  { weight: 2, arbitrary: fc.constant<Focus>('path') },
  { weight: 2, arbitrary: fc.constant<Focus>('headers') },
  { weight: 3, arbitrary: fc.constant<Focus>('all') },
  { weight: 1, arbitrary: fc.constant<Focus>('none') },
);

function requests(method: 'GET' | 'POST', options: EndpointOptions): fc.Arbitrary<RawRequest> {
  const validBody: fc.Arbitrary<BodySpec> = options.bodies
    ? fc.constantFrom(...options.bodies).map((value) => ({ kind: 'json' as const, value }))
    : fc.constant({ kind: 'none' as const });
  const validAuthorization =
    options.good.length > 0
      ? fc.constantFrom(...options.good).map((token) => `Bearer ${token}`)
      : fc.constant(undefined);
  return focus.chain((f) => {
    const fuzz = (part: Focus) => f === part || f === 'all';
    return fc
      .record({
        path: fuzz('path') ? options.path : (options.validPath ?? options.path),
        body: fuzz('body') ? (options.bodies ? bodyFor(options.bodies) : getBody) : validBody,
        contentType: fuzz('headers')
          ? contentType
          : fc.constant(options.bodies ? 'application/json' : undefined),
        authorization: fuzz('headers') ? authorization(options.good, options.bad) : validAuthorization,
        idempotencyKey: options.idempotency && fuzz('headers') ? idempotencyKey : fc.constant(undefined),
        extra: fuzz('headers') ? extraHeaders : fc.constant<[string, string][]>([]),
      })
      .map((parts) => toRequest(method, parts));
  });
}

/** Answers per status, per property: shows how deep the fuzz gets (a property that only ever sees 401 proves little). */
const statuses = new Map<string, Map<number, number>>();
let current = 'setup';

async function send(request: RawRequest): Promise<RawResponse> {
  runs++;
  const response = await client.send(request);
  const counts = statuses.get(current) ?? new Map<number, number>();
  counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
  statuses.set(current, counts);
  return response;
}

function assertNoProblems(request: RawRequest, response: RawResponse, extra: string[] = []): void {
  const problems = [...responseProblems(request, response), ...extra];
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('; ')}\n  request: ${describeRequest(request)}\n  answer: ${response.status} ${response.text.slice(0, 300)}`,
    );
  }
}

// ---- The endpoints ------------------------------------------------------------------------------

type Check = 'plain' | 'caseCount';
interface Endpoint {
  weight: number;
  check: Check;
  requests: (fx: Fixtures) => fc.Arbitrary<RawRequest>;
}

const all = (f: Fixtures) => Object.values(f.tokens);
const only = (f: Fixtures, ...names: (keyof Fixtures['tokens'])[]) => names.map((n) => f.tokens[n]);
const except = (f: Fixtures, ...names: (keyof Fixtures['tokens'])[]) =>
  (Object.keys(f.tokens) as (keyof Fixtures['tokens'])[])
    .filter((n) => !names.includes(n))
    .map((n) => f.tokens[n]);

const caseId = (f: Fixtures) => pathParam(f.caseIds);
const validCaseId = (f: Fixtures) => fc.constantFrom(...f.caseIds);
const requestId = (f: Fixtures) => pathParam([f.policeRequestId]);

function referralBases(): unknown[] {
  const consented = validReferral();
  consented.consent = { parentsAware: true, consentGiven: true };
  const adult = validReferral({
    subjects: [
      {
        type: 'adult',
        firstName: 'Ada',
        lastName: 'Example',
        dateOfBirth: '1950-01-01',
        s42: { careAndSupportNeeds: true, atRiskOfAbuse: true, unableToProtectSelf: false },
      },
    ],
  });
  const anonymous = validReferral();
  anonymous.referrer = { source: '9' };
  const full = validReferral({
    immediateDanger: true,
    existingSocialWorker: 'unknown',
    household: [{ name: 'Pat Example', relationship: 'Mother', parentalResponsibility: true }],
  });
  full.subjects.push({ type: 'child', firstName: 'Sam', lastName: 'Example', expectedDueDate: '2027-01-15' });
  return [validReferral(), consented, adult, anonymous, full];
}

const endpoints: Record<string, Endpoint> = {
  'POST /api/referrals': {
    weight: 4,
    check: 'caseCount',
    requests: (f) =>
      requests('POST', {
        path: fc.oneof(
          { weight: 9, arbitrary: fc.constant('/api/referrals') },
          { weight: 1, arbitrary: queryPairs({ token: [] }).map((q) => `/api/referrals${queryString(q)}`) },
        ),
        bodies: referralBases(),
        good: [],
        bad: all(f),
        idempotency: true,
      }),
  },
  'GET /api/referrals/{reference}/status': {
    weight: 1,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: fc
          .tuple(
            pathParam([f.reference, f.reference.toLowerCase()]),
            queryPairs({ token: [f.receiptToken, f.receiptToken.slice(1)] }),
          )
          .map(([reference, query]) => `/api/referrals/${reference}/status${queryString(query)}`),
        validPath: fc.constant(
          `/api/referrals/${f.reference}/status?token=${encodeURIComponent(f.receiptToken)}`,
        ),
        good: [],
        bad: all(f),
      }),
  },
  'POST /api/feedback': {
    weight: 2,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: fc.constant('/api/feedback'),
        bodies: [
          {
            reference: f.reference,
            receiptToken: f.receiptToken,
            helpful: true,
            rating: 5,
            comment: 'Thank you',
          },
          { reference: f.reference.toLowerCase(), receiptToken: f.receiptToken, helpful: false },
        ],
        good: [],
        bad: all(f),
      }),
  },
  'GET /api/openapi.json': {
    weight: 0.5,
    check: 'plain',
    requests: (f) => requests('GET', { path: fc.constant('/api/openapi.json'), good: [], bad: all(f) }),
  },
  'GET /api/cases': {
    weight: 2,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: fc
          .oneof(
            queryPairs({
              status: CASE_STATUSES,
              rag: RAG_RATINGS,
              overdue: ['true', 'false'],
              limit: LIMITS,
              cursor: [],
            }),
            // A listing with a cursor forged for it, sometimes with a rating filter and a limit.
            listings.chain((listing) =>
              fc
                .record({
                  cursor: cursorFor(listing),
                  rag: fc.option(fc.constantFrom(...RAG_RATINGS), { nil: undefined }),
                  limit: fc.option(fc.constantFrom('1', '2', '100', '500'), { nil: undefined }),
                })
                .map(({ cursor, rag, limit }): (readonly [string, string])[] => [
                  ...listing.query,
                  ['cursor', cursor],
                  ...(rag ? ([['rag', rag]] as const) : []),
                  ...(limit ? ([['limit', limit]] as const) : []),
                ]),
            ),
          )
          .map((query) => `/api/cases${queryString(query)}`),
        good: only(f, 'mash', 'manager'),
        bad: except(f, 'mash', 'manager'),
      }),
  },
  'GET /api/cases/{id}': {
    weight: 1,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: caseId(f).map((id) => `/api/cases/${id}`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}`),
        good: only(f, 'mash', 'manager'),
        bad: except(f, 'mash', 'manager'),
      }),
  },
  'POST /api/cases/{id}/triage': {
    weight: 1.5,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: caseId(f).map((id) => `/api/cases/${id}/triage`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}/triage`),
        bodies: [{ rag: 'red', rationale: 'New information from school' }, { rag: 'green' }],
        good: only(f, 'mash'),
        bad: except(f, 'mash'),
      }),
  },
  'POST /api/cases/{id}/consent-override': {
    weight: 1.5,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: caseId(f).map((id) => `/api/cases/${id}/consent-override`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}/consent-override`),
        bodies: [{ rationale: 'Telling the parents would put the child at risk of significant harm' }],
        good: only(f, 'manager'),
        bad: except(f, 'manager'),
      }),
  },
  'POST /api/cases/{id}/information-requests': {
    weight: 1.5,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: caseId(f).map((id) => `/api/cases/${id}/information-requests`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}/information-requests`),
        bodies: [
          { agencies: ['police', 'health'], questions: 'Any contact with the family?' },
          { agencies: [...AGENCIES] },
        ],
        good: only(f, 'mash'),
        bad: except(f, 'mash'),
      }),
  },
  'POST /api/cases/{id}/decision': {
    weight: 1.5,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: caseId(f).map((id) => `/api/cases/${id}/decision`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}/decision`),
        bodies: [
          {
            outcome: 'EARLY_HELP',
            rationale: 'Family agrees to early help support',
            recipientAgency: 'police',
          },
          { outcome: OUTCOMES[OUTCOMES.length - 1], rationale: 'Adult outcome' },
          { outcome: 'NFA', rationale: 'n/a' },
        ],
        good: only(f, 'mash'),
        bad: except(f, 'mash'),
      }),
  },
  'GET /api/cases/{id}/audit': {
    weight: 1,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: caseId(f).map((id) => `/api/cases/${id}/audit`),
        validPath: validCaseId(f).map((id) => `/api/cases/${id}/audit`),
        good: only(f, 'manager'),
        bad: except(f, 'manager'),
      }),
  },
  'GET /api/agency/requests': {
    weight: 0.5,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: fc
          .oneof(
            queryPairs({ status: ['open', 'answered'], limit: LIMITS, cursor: [] }),
            fc
              .record({
                cursor: inboxCursor('requests', 'police'),
                status: fc.option(fc.constantFrom('open', 'answered'), { nil: undefined }),
                limit: fc.option(fc.constantFrom('1', '2', '500'), { nil: undefined }),
              })
              .map(({ cursor, status, limit }): (readonly [string, string])[] => [
                ['cursor', cursor],
                ...(status ? ([['status', status]] as const) : []),
                ...(limit ? ([['limit', limit]] as const) : []),
              ]),
          )
          .map((query) => `/api/agency/requests${queryString(query)}`),
        good: only(f, 'police', 'health'),
        bad: except(f, 'police', 'health'),
      }),
  },
  'GET /api/agency/requests/{id}': {
    weight: 1,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: requestId(f).map((id) => `/api/agency/requests/${id}`),
        validPath: fc.constant(`/api/agency/requests/${f.policeRequestId}`),
        good: only(f, 'police', 'health'),
        bad: except(f, 'police', 'health'),
      }),
  },
  'POST /api/agency/requests/{id}/response': {
    weight: 1.5,
    check: 'plain',
    requests: (f) =>
      requests('POST', {
        path: requestId(f).map((id) => `/api/agency/requests/${id}/response`),
        validPath: fc.constant(`/api/agency/requests/${f.policeRequestId}/response`),
        bodies: [
          { information: 'No record at the address.', releasable: true },
          { information: 'GP notes, not for release.', releasable: false },
        ],
        good: only(f, 'police', 'health'),
        bad: except(f, 'police', 'health'),
      }),
  },
  'GET /api/agency/products': {
    weight: 0.5,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: fc
          .oneof(
            queryPairs({ limit: LIMITS, cursor: [] }),
            inboxCursor('products', 'police').map((cursor): (readonly [string, string])[] => [
              ['cursor', cursor],
            ]),
          )
          .map((query) => `/api/agency/products${queryString(query)}`),
        good: only(f, 'police', 'health'),
        bad: except(f, 'police', 'health'),
      }),
  },
  'GET /api/reports': {
    weight: 0.5,
    check: 'plain',
    requests: (f) =>
      requests('GET', { path: fc.constant('/api/reports'), good: only(f, 'board'), bad: except(f, 'board') }),
  },
  'GET /api/reports/{period}/{file}': {
    weight: 1,
    check: 'plain',
    requests: (f) =>
      requests('GET', {
        path: fc
          .tuple(pathParam(['monthly', 'weekly', 'daily']), pathParam([f.reportFile, '2026-10.csv']))
          .map(([period, file]) => `/api/reports/${period}/${file}`),
        validPath: fc.constantFrom(
          `/api/reports/monthly/${f.reportFile}`,
          '/api/reports/monthly/2026-10.csv',
        ),
        good: only(f, 'board'),
        bad: except(f, 'board'),
      }),
  },
};

/** Requests to no route, or the wrong method: the hub's 404 and 405 keep the same shape. */
const STRAY_WEIGHT = 1;
function strayRequests(f: Fixtures): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'),
      segments: fc.array(pathParam(['cases', 'agency', 'reports', 'referrals', f.caseIds[0]!, 'requests']), {
        maxLength: 5,
      }),
      parts: fc.record({
        body: bodyFor([{}]),
        contentType,
        authorization: authorization(all(f), []),
        extra: extraHeaders,
      }),
    })
    .map(({ method, segments, parts }) => toRequest(method, { ...parts, path: `/api/${segments.join('/')}` }))
    .filter((request) => request.path.length <= 6_000); // with the headers, under Node's 16 KiB limit
}

// ---- The properties -----------------------------------------------------------------------------

const apiRoutes = routes.filter((route) => route.resource.startsWith('/api/'));
const budget: Record<string, number> = splitRuns(totalFuzzRuns(), {
  ...Object.fromEntries(Object.entries(endpoints).map(([key, endpoint]) => [key, endpoint.weight])),
  stray: STRAY_WEIGHT,
});
/** Shrinking re-sends requests; allow for it on top of the runs (counting cases costs more per run). */
const timeoutFor = (numRuns: number, check: Check = 'plain') =>
  60_000 + numRuns * (check === 'caseCount' ? 500 : 150);

describe('api fuzz', () => {
  it('has a fuzz entry for every /api/ route', () => {
    const keys = apiRoutes.map((route) => `${route.method} ${route.resource}`);
    expect(
      keys.filter((key) => !endpoints[key]),
      'routes without a fuzz entry',
    ).toEqual([]);
    expect(
      Object.keys(endpoints).filter((key) => !keys.includes(key)),
      'entries without a route',
    ).toEqual([]);
  });

  const seenReferences = new Set<string>();
  let knownCaseCount: number | undefined;

  for (const [key, endpoint] of Object.entries(endpoints)) {
    const numRuns = budget[key]!;
    it(
      `${key} (${numRuns} runs)`,
      async () => {
        current = key;
        await fc.assert(
          fc.asyncProperty(endpoint.requests(fx), async (request) => {
            if (endpoint.check === 'plain') {
              assertNoProblems(request, await send(request));
              return;
            }
            // POST /api/referrals: no case for a refused request, exactly one for each new reference.
            // Requests run one at a time and nothing else stores cases meanwhile, so the count after one
            // run is the count before the next: one COUNT query per run instead of two.
            knownCaseCount ??= await countCases(hub.documents);
            const before = knownCaseCount;
            const response = await send(request);
            const after = await countCases(hub.documents);
            knownCaseCount = after;
            const reference = response.status === 201 ? String(response.json?.reference) : undefined;
            const expected = reference && !seenReferences.has(reference) ? 1 : 0;
            if (reference) seenReferences.add(reference);
            assertNoProblems(
              request,
              response,
              after - before === expected
                ? []
                : [`${after - before} case(s) stored for a ${response.status} (expected ${expected})`],
            );
          }),
          fuzzParameters(numRuns),
        );
      },
      timeoutFor(numRuns, endpoint.check),
    );
  }

  // Found by this fuzzer (fixed): the local hub's adapter read `map[name] ?? []` on plain objects, which for
  // `constructor` is a function, not an array: a TypeError, answered 502.
  it('answers no 5xx to headers and query parameters named like Object.prototype members', async () => {
    current = 'prototype-named headers and query parameters';
    const problems: string[] = [];
    for (const name of ['constructor', '__proto__']) {
      for (const request of [
        toRequest('GET', {
          path: '/api/openapi.json',
          body: { kind: 'none' },
          contentType: undefined,
          authorization: undefined,
          extra: [[name, 'x']],
        }),
        toRequest('GET', {
          path: `/api/openapi.json?${name}=x`,
          body: { kind: 'none' },
          contentType: undefined,
          authorization: undefined,
          extra: [],
        }),
      ]) {
        const response = await send(request);
        problems.push(...responseProblems(request, response).map((p) => `${describeRequest(request)}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
  });

  const cursor = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
  async function cursorProblems(queries: string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const query of queries) {
      const request = toRequest('GET', {
        path: `/api/cases?${query}`,
        body: { kind: 'none' },
        contentType: undefined,
        authorization: `Bearer ${fx.tokens.mash}`,
        extra: [],
      });
      const response = await send(request);
      if (response.status !== 400) problems.push(`GET /api/cases?${query} answered ${response.status}`);
      problems.push(...responseProblems(request, response).map((p) => `GET /api/cases?${query}: ${p}`));
    }
    return problems;
  }

  it("answers 400 to a cursor without exactly the listing's key attributes", async () => {
    current = 'forged cursors';
    const problems = await cursorProblems([
      `cursor=${cursor({ dueListPk: 'CASES' })}`,
      `cursor=${cursor({ dueListPk: 'CASES', x: 'y' })}`,
      `status=received&cursor=${cursor({ statusPk: 'STATUS#received' })}`,
      `overdue=true&cursor=${cursor({ openPk: 'OPEN' })}`,
      `cursor=${cursor({ pk: 'CASE#x', sk: 'CASE', statusPk: 'STATUS#received', dueListSk: 'x' })}`,
    ]);
    expect(problems).toEqual([]);
  });

  // Found by this fuzzer (fixed): a cursor with the listing's four key attributes that DynamoDB still
  // refuses as ExclusiveStartKey (an empty key value, or an overdue sort key past the key condition) had its
  // ValidationException answered as a 500.
  it('answers 400, not 500, to a cursor DynamoDB refuses', async () => {
    current = 'forged cursors';
    const problems = await cursorProblems([
      `cursor=${cursor({ dueListPk: 'CASES', dueListSk: '', pk: 'CASE#x', sk: 'CASE' })}`,
      `overdue=true&cursor=${cursor({ pk: 'CASE#x', sk: 'CASE', openPk: 'OPEN', dueListSk: 'undefined' })}`,
    ]);
    expect(problems).toEqual([]);
  });

  it(
    `stray routes and methods under /api/ (${budget.stray} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(strayRequests(fx), async (request) => {
          current = 'stray routes and methods';
          assertNoProblems(request, await send(request));
        }),
        fuzzParameters(budget.stray!),
      );
    },
    timeoutFor(budget.stray!),
  );
});
