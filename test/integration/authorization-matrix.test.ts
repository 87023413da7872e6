/**
 * The authorization matrix (issue #5): every `/api/` route in src/routes.ts, and the staff pages, called
 * by every kind of caller against real data on one local hub.
 *
 * Callers: no token, a malformed token, a token with the right claims signed by a key the hub does not
 * know, and a real local token for each role (`mash`, `manager`, `board`, and `agency` for the agency
 * that owns the data, police, and for another agency, health). An expired token cannot be minted
 * through the hub (local tokens live a year and outlive any clock shift), so it is not a caller here.
 *
 * The expected statuses are written out per route from CONTRACT.md ("who" column and the 401/403/404
 * rules), not computed from `access` in src/routes.ts: the test then cross-checks the two. The route
 * list itself comes from src/routes.ts at run time, so a new `/api/` route without a row here fails.
 */
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/routes.ts';
import { countCases } from '../helpers/fuzz.ts';
import { type ApiResponse, startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

// ---- Callers ------------------------------------------------------------------------------------

const CALLERS = ['none', 'malformed', 'foreign', 'mash', 'manager', 'board', 'police', 'health'] as const;
type Caller = (typeof CALLERS)[number];
/** The roles a caller's token carries (the credential-less callers carry none). */
const ROLE_OF: Record<Caller, string | undefined> = {
  none: undefined,
  malformed: undefined,
  foreign: undefined,
  mash: 'mash',
  manager: 'manager',
  board: 'board',
  police: 'agency',
  health: 'agency',
};
/** The agency that owns the agency items in the fixtures; `health` is "another agency". */
const OWNER_AGENCY = 'police';

// ---- Fixtures -----------------------------------------------------------------------------------

interface CaseRef {
  id: string;
  reference: string;
  receiptToken: string;
}

interface Fixtures {
  /** Consent given, rated amber, requests to police and health delivered and unanswered. */
  caseA: CaseRef;
  policeRequestId: string;
  /** Decided with an information product to police (after police answered). */
  decidedCase: CaseRef;
  productId: string;
  /** Fresh targets for the calls that change state, one per route. */
  triageCase: CaseRef;
  overrideCase: CaseRef; // consent not given
  requestsCase: CaseRef; // consent given, rated
  decisionCase: CaseRef; // consent given, rated
  reportPeriodId: string;
}

interface Call {
  path: string;
  body?: unknown;
}

// ---- The expected table -------------------------------------------------------------------------
//
// From CONTRACT.md: public routes never 401/403; a staff route answers 401 without a valid token
// (none, malformed, foreign key), 403 to a valid token whose role is not in "who", otherwise its success
// status; an agency item of another agency is a 404.

type Row = readonly [
  none: number,
  malformed: number,
  foreign: number,
  mash: number,
  manager: number,
  board: number,
  police: number,
  health: number,
];

interface MatrixEntry {
  expect: Row;
  calls: (fx: Fixtures) => Call[];
  /** Extra checks on a successful answer (e.g. an agency list holds only the caller's agency's items). */
  check?: (caller: Caller, response: ApiResponse, fx: Fixtures) => string | undefined;
  /** After every caller: the state shows exactly the one change the allowed caller made (refusals change nothing). */
  after?: (fx: Fixtures) => Promise<string | undefined>;
}

//                      none  bad  foreign mash  mgr  board police health
const PUBLIC_200: Row = [200, 200, 200, 200, 200, 200, 200, 200];
const PUBLIC_201: Row = [201, 201, 201, 201, 201, 201, 201, 201];

const matrix: Record<string, MatrixEntry> = {
  'POST /api/referrals': {
    expect: PUBLIC_201,
    calls: () => [{ path: '/api/referrals', body: validReferral() }],
    after: async () => {
      const added = (await countCases(hub.documents)) - casesBeforeReferrals;
      return added === CALLERS.length ? undefined : `${added} cases stored for ${CALLERS.length} referrals`;
    },
  },
  'GET /api/referrals/{reference}/status': {
    expect: PUBLIC_200,
    calls: (fx) => [
      {
        path: `/api/referrals/${fx.caseA.reference}/status?token=${encodeURIComponent(fx.caseA.receiptToken)}`,
      },
    ],
  },
  'POST /api/feedback': {
    expect: PUBLIC_201,
    calls: (fx) => [
      {
        path: '/api/feedback',
        body: {
          reference: fx.caseA.reference,
          receiptToken: fx.caseA.receiptToken,
          helpful: true,
          rating: 4,
        },
      },
    ],
  },
  'GET /api/openapi.json': { expect: PUBLIC_200, calls: () => [{ path: '/api/openapi.json' }] },

  //                                      none  bad  foreign mash  mgr  board police health
  'GET /api/cases': {
    expect: [401, 401, 401, 200, 200, 403, 403, 403],
    calls: () => [{ path: '/api/cases?limit=100' }],
  },
  'GET /api/cases/{id}': {
    expect: [401, 401, 401, 200, 200, 403, 403, 403],
    calls: (fx) => [{ path: `/api/cases/${fx.caseA.id}` }],
  },
  'POST /api/cases/{id}/triage': {
    expect: [401, 401, 401, 200, 403, 403, 403, 403],
    calls: (fx) => [
      { path: `/api/cases/${fx.triageCase.id}/triage`, body: { rag: 'green', rationale: 'Matrix check' } },
    ],
    after: async (fx) => {
      const detail = await caseDetail(fx.triageCase);
      return detail.ratingHistory?.length === 1
        ? undefined
        : `${detail.ratingHistory?.length} ratings, not 1`;
    },
  },
  'POST /api/cases/{id}/consent-override': {
    expect: [401, 401, 401, 403, 200, 403, 403, 403],
    calls: (fx) => [
      {
        path: `/api/cases/${fx.overrideCase.id}/consent-override`,
        body: { rationale: 'Telling the parents would put the child at risk of significant harm' },
      },
    ],
    after: async (fx) => {
      const n = await auditCount(fx.overrideCase, 'consent.overridden');
      return n === 1 ? undefined : `${n} consent overrides audited, not 1`;
    },
  },
  'POST /api/cases/{id}/information-requests': {
    expect: [401, 401, 401, 202, 403, 403, 403, 403],
    calls: (fx) => [
      { path: `/api/cases/${fx.requestsCase.id}/information-requests`, body: { agencies: ['police'] } },
    ],
    after: async (fx) => {
      const detail = await caseDetail(fx.requestsCase);
      return detail.requests?.length === 1 ? undefined : `${detail.requests?.length} requests, not 1`;
    },
  },
  'POST /api/cases/{id}/decision': {
    expect: [401, 401, 401, 200, 403, 403, 403, 403],
    calls: (fx) => [
      {
        path: `/api/cases/${fx.decisionCase.id}/decision`,
        body: {
          outcome: 'EARLY_HELP',
          rationale: 'Family agrees to early help support',
          recipientAgency: 'police',
        },
      },
    ],
    after: async (fx) => {
      const n = await auditCount(fx.decisionCase, 'case.decided');
      return n === 1 ? undefined : `${n} decisions audited, not 1`;
    },
  },
  'GET /api/cases/{id}/audit': {
    expect: [401, 401, 401, 403, 200, 403, 403, 403],
    calls: (fx) => [{ path: `/api/cases/${fx.caseA.id}/audit` }],
  },

  //                                      none  bad  foreign mash  mgr  board police health
  'GET /api/agency/requests': {
    expect: [401, 401, 401, 403, 403, 403, 200, 200],
    calls: () => [{ path: '/api/agency/requests' }],
    check: (caller, response, fx) => {
      const ids = (response.json?.items ?? []).map((item: { id: string }) => item.id);
      if (caller === 'police' && !ids.includes(fx.policeRequestId))
        return 'police do not see their own request';
      if (caller === 'health' && ids.includes(fx.policeRequestId)) return "health see police's request";
      return undefined;
    },
  },
  'GET /api/agency/requests/{id}': {
    expect: [401, 401, 401, 403, 403, 403, 200, 404],
    calls: (fx) => [{ path: `/api/agency/requests/${fx.policeRequestId}` }],
  },
  'POST /api/agency/requests/{id}/response': {
    expect: [401, 401, 401, 403, 403, 403, 200, 404],
    calls: (fx) => [
      {
        path: `/api/agency/requests/${fx.policeRequestId}/response`,
        body: { information: 'No police record at the address.', releasable: true },
      },
    ],
    after: async (fx) => {
      const n = await auditCount(fx.caseA, 'request.answered');
      const detail = await caseDetail(fx.caseA);
      const health = detail.requests?.find((r: { agency: string }) => r.agency === 'health');
      if (n !== 1) return `${n} answers audited, not 1`;
      return health?.status === 'open' ? undefined : `health's request is ${health?.status}`;
    },
  },
  'GET /api/agency/products': {
    expect: [401, 401, 401, 403, 403, 403, 200, 200],
    calls: () => [{ path: '/api/agency/products' }],
    check: (caller, response, fx) => {
      const ids = (response.json?.items ?? []).map((item: { id: string }) => item.id);
      if (caller === 'police' && !ids.includes(fx.productId))
        return 'police do not see the product sent to them';
      if (caller === 'health' && ids.includes(fx.productId)) return "health see police's product";
      return undefined;
    },
  },

  //                                      none  bad  foreign mash  mgr  board police health
  'GET /api/reports': {
    expect: [401, 401, 401, 403, 403, 200, 403, 403],
    calls: () => [{ path: '/api/reports' }],
  },
  'GET /api/reports/{period}/{file}': {
    expect: [401, 401, 401, 403, 403, 200, 403, 403],
    calls: (fx) => [
      { path: `/api/reports/monthly/${fx.reportPeriodId}.json` },
      { path: `/api/reports/monthly/${fx.reportPeriodId}.csv` },
    ],
  },
};

/** Staff pages take the token from the `mash_session` cookie: 303 to sign in without a valid one. */
const PAGES: Record<string, Row> = {
  //           none  bad  foreign mash  mgr  board police health
  '/workbench': [303, 303, 303, 200, 200, 403, 403, 403],
  '/agency': [303, 303, 303, 403, 403, 403, 200, 200],
  '/board': [303, 303, 303, 403, 403, 200, 403, 403],
};

// ---- The hub and its data -----------------------------------------------------------------------

let hub: TestHub;
let fx: Fixtures;
/** Real local tokens per role caller, and forged copies of them signed by a key the hub does not know. */
const tokens = new Map<Caller, string>();
const forged = new Map<Caller, string>();
let checks = 0;
let casesBeforeReferrals = 0;

async function ok(response: Promise<ApiResponse>, status: number, what: string): Promise<ApiResponse> {
  const answered = await response;
  if (answered.status !== status)
    throw new Error(`setup: ${what} answered ${answered.status}, not ${status}: ${answered.text}`);
  return answered;
}

async function newCase(mash: string, consentGiven: boolean): Promise<CaseRef> {
  const body = validReferral();
  if (consentGiven) body.consent = { parentsAware: true, consentGiven: true };
  const created = await ok(hub.api('POST', '/api/referrals', { body }), 201, 'POST /api/referrals');
  const list = await ok(hub.api('GET', '/api/cases?limit=500', { token: mash }), 200, 'GET /api/cases');
  const item = list.json.items.find((c: { reference: string }) => c.reference === created.json.reference);
  return { id: item.id, reference: created.json.reference, receiptToken: created.json.receiptToken };
}

async function rate(mash: string, kase: CaseRef): Promise<void> {
  await ok(
    hub.api('POST', `/api/cases/${kase.id}/triage`, { token: mash, body: { rag: 'amber' } }),
    200,
    'triage',
  );
}

async function requestFrom(mash: string, kase: CaseRef, agencies: string[]) {
  const issued = await ok(
    hub.api('POST', `/api/cases/${kase.id}/information-requests`, { token: mash, body: { agencies } }),
    202,
    'information-requests',
  );
  return issued.json.requests as { id: string; agency: string }[];
}

async function caseDetail(kase: CaseRef) {
  return (await ok(hub.api('GET', `/api/cases/${kase.id}`, { token: tokens.get('manager')! }), 200, 'case'))
    .json;
}

async function auditCount(kase: CaseRef, action: string): Promise<number> {
  const trail = await ok(
    hub.api('GET', `/api/cases/${kase.id}/audit`, { token: tokens.get('manager')! }),
    200,
    'audit',
  );
  return trail.json.items.filter((item: { action: string }) => item.action === action).length;
}

async function settle(): Promise<void> {
  await ok(hub.api('POST', '/_local/settle'), 200, 'settle');
}

/** The same claims as a real token (and the hub's key id), signed by another RS256 key. */
async function forge(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const { kid } = decodeProtectedHeader(token);
  return new SignJWT(decodeJwt(token))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })
    .sign(privateKey);
}

beforeAll(async () => {
  hub = await startTestHub();
  tokens.set('mash', await hub.token('mash'));
  tokens.set('manager', await hub.token('manager'));
  tokens.set('board', await hub.token('board'));
  tokens.set('police', await hub.token('agency', OWNER_AGENCY));
  tokens.set('health', await hub.token('agency', 'health'));
  for (const [caller, token] of tokens) forged.set(caller, await forge(token));
  const mash = tokens.get('mash')!;
  const police = tokens.get('police')!;

  // October 2026 (Tuesday 13th, 10:00 London): the cases the export will count.
  await ok(hub.api('PUT', '/_local/clock', { body: { now: '2026-10-13T09:00:00.000Z' } }), 200, 'clock');
  const caseA = await newCase(mash, true);
  await rate(mash, caseA);
  const requestsA = await requestFrom(mash, caseA, ['police', 'health']);
  const policeRequestId = requestsA.find((r) => r.agency === OWNER_AGENCY)!.id;

  const decidedCase = await newCase(mash, true);
  await rate(mash, decidedCase);
  const [decidedRequest] = await requestFrom(mash, decidedCase, ['police']);
  await settle();
  await ok(
    hub.api('POST', `/api/agency/requests/${decidedRequest!.id}/response`, {
      token: police,
      body: { information: 'Police attended the address in March.', releasable: true },
    }),
    200,
    'agency response',
  );
  const decided = await ok(
    hub.api('POST', `/api/cases/${decidedCase.id}/decision`, {
      token: mash,
      body: {
        outcome: 'STRATEGY_DISCUSSION_S47',
        rationale: 'Police information shows a risk of significant harm',
        recipientAgency: OWNER_AGENCY,
      },
    }),
    200,
    'decision',
  );
  const productId = decided.json.productId as string;

  const triageCase = await newCase(mash, false);
  const overrideCase = await newCase(mash, false);
  const requestsCase = await newCase(mash, true);
  await rate(mash, requestsCase);
  const decisionCase = await newCase(mash, true);
  await rate(mash, decisionCase);
  await settle();

  // November: October is complete, and exported.
  await ok(hub.api('PUT', '/_local/clock', { body: { now: '2026-11-03T10:00:00.000Z' } }), 200, 'clock');
  await ok(
    hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-10'),
    200,
    'metrics-monthly run',
  );

  fx = {
    caseA,
    policeRequestId,
    decidedCase,
    productId,
    triageCase,
    overrideCase,
    requestsCase,
    decisionCase,
    reportPeriodId: '2026-10',
  };
});

afterAll(async () => {
  if (checks > 0) console.log(`authorization matrix: ${checks} route × caller checks`);
  await hub?.stop();
});

// ---- The checks ---------------------------------------------------------------------------------

const apiRoutes = routes.filter((route) => route.resource.startsWith('/api/'));
const keyOf = (route: { method: string; resource: string }) => `${route.method} ${route.resource}`;

function describeResponse(response: ApiResponse): string {
  return `${response.status} ${response.text.slice(0, 200)}`;
}

/** CONTRACT's error shape for every 4xx: {"error":{"code":string,"message":string}}. */
function errorShapeProblem(response: ApiResponse): string | undefined {
  const error = response.json?.error;
  if (typeof error?.code !== 'string' || typeof error?.message !== 'string')
    return `a ${response.status} without the error shape: ${response.text.slice(0, 200)}`;
  if (response.status === 401 && !/bearer/i.test(response.headers.get('www-authenticate') ?? ''))
    return 'a 401 without WWW-Authenticate: Bearer';
  return undefined;
}

/** The Authorization header value a caller sends (undefined: none). */
function bearerFor(caller: Caller, row: Row): string | undefined {
  if (caller === 'none') return undefined;
  if (caller === 'malformed') return 'not-a-jwt.at-all';
  if (caller === 'foreign') {
    // Forged with the claims of a role the route lets in, so only the signature is wrong.
    const allowed = CALLERS.find((c, i) => ROLE_OF[c] && row[i]! >= 200 && row[i]! < 300) ?? 'mash';
    return forged.get(allowed);
  }
  return tokens.get(caller);
}

describe('the route table', () => {
  it('has a matrix row for every /api/ route, and no row for a route that is gone', () => {
    const routeKeys = apiRoutes.map(keyOf);
    expect(
      routeKeys.filter((key) => !matrix[key]),
      'routes without a matrix row',
    ).toEqual([]);
    expect(
      Object.keys(matrix).filter((key) => !routeKeys.includes(key)),
      'rows without a route',
    ).toEqual([]);
  });

  it("agrees with CONTRACT's who-column as written in the matrix", () => {
    const problems: string[] = [];
    for (const route of apiRoutes) {
      const row = matrix[keyOf(route)];
      if (!row) continue;
      CALLERS.forEach((caller, i) => {
        const role = ROLE_OF[caller];
        const status = row.expect[i]!;
        if (route.access === 'public') {
          if (status === 401 || status === 403)
            problems.push(`${keyOf(route)} is public but ${caller} → ${status}`);
        } else if (role) {
          const allowed = route.access.includes(role as never);
          if (allowed !== (status !== 403))
            problems.push(
              `${keyOf(route)}: routes.ts access ${route.access.join('/')} but ${caller} → ${status}`,
            );
        } else if (status !== 401) problems.push(`${keyOf(route)}: ${caller} → ${status}, not 401`);
      });
    }
    expect(problems).toEqual([]);
  });
});

describe('every /api/ route × every caller', () => {
  for (const route of apiRoutes) {
    const key = keyOf(route);
    it(key, async () => {
      const entry = matrix[key];
      expect(entry, `no matrix row for ${key}: add one to authorization-matrix.test.ts`).toBeDefined();
      const problems: string[] = [];
      if (key === 'POST /api/referrals') casesBeforeReferrals = await countCases(hub.documents);
      for (const call of entry!.calls(fx)) {
        for (const [i, caller] of CALLERS.entries()) {
          const expected = entry!.expect[i]!;
          const token = bearerFor(caller, entry!.expect);
          const response = await hub.api(route.method, call.path, {
            ...(token ? { token } : {}),
            ...(call.body !== undefined ? { body: call.body } : {}),
          });
          checks++;
          const label = `${route.method} ${call.path} as ${caller}`;
          if (response.status !== expected) {
            problems.push(`${label}: expected ${expected}, got ${describeResponse(response)}`);
            continue;
          }
          if (response.status >= 400) {
            const shape = errorShapeProblem(response);
            if (shape) problems.push(`${label}: ${shape}`);
          } else {
            const extra = entry!.check?.(caller, response, fx);
            if (extra) problems.push(`${label}: ${extra}`);
          }
        }
      }
      const afterwards = await entry!.after?.(fx);
      if (afterwards) problems.push(`${key} afterwards: ${afterwards}`);
      expect(problems).toEqual([]);
    });
  }
});

describe('staff pages × every caller (session cookie)', () => {
  for (const [path, row] of Object.entries(PAGES)) {
    it(`GET ${path}`, async () => {
      const problems: string[] = [];
      for (const [i, caller] of CALLERS.entries()) {
        const token = bearerFor(caller, row);
        const response = await fetch(`${hub.url}${path}`, {
          redirect: 'manual',
          headers: token ? { cookie: `mash_session=${token}` } : {},
        });
        const html = await response.text();
        checks++;
        const expected = row[i]!;
        const label = `GET ${path} as ${caller}`;
        if (response.status !== expected) {
          problems.push(`${label}: expected ${expected}, got ${response.status} ${html.slice(0, 120)}`);
          continue;
        }
        if (expected === 303) {
          const location = response.headers.get('location') ?? '';
          if (!location.includes('/_local/sign-in') || !location.includes(`next=${encodeURIComponent(path)}`))
            problems.push(`${label}: redirects to ${location}, not to sign in`);
        }
        if (expected === 200 || expected === 403) {
          if (!/text\/html/.test(response.headers.get('content-type') ?? ''))
            problems.push(`${label}: a ${expected} that is not an HTML page`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
