/**
 * The security headers a browser (or any client) gets, through the local hub: on API responses of
 * every kind (success, 400, 401, 403, 404, 413, 415) and on pages (start page, the referral form, error
 * pages, staff pages, redirects, assets). Every response: a CSP (API: `default-src 'none'`; pages: no
 * `unsafe-inline` script), HSTS, `nosniff`, no framing, a Referrer-Policy; anything that can hold
 * personal data (API, form pages, staff pages): `Cache-Control: no-store`. And a quick CSRF check on the
 * two public forms (deeper CSRF tests live with the pages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
let mash: string;
let board: string;
let mashCookie: string;
let caseId: string;

beforeAll(async () => {
  hub = await startTestHub();
  [mash, board] = await Promise.all([hub.token('mash'), hub.token('board')]);
  const created = await hub.api('POST', '/api/referrals', { body: validReferral() });
  expect(created.status).toBe(201);
  const list = await hub.api('GET', '/api/cases?limit=500', { token: mash });
  caseId = list.json.items.find(
    (item: { reference: string }) => item.reference === created.json.reference,
  ).id;

  const signedIn = await fetch(`${hub.url}/_local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ role: 'mash' }).toString(),
    redirect: 'manual',
  });
  mashCookie = /mash_session=[^;]+/.exec(signedIn.headers.get('set-cookie') ?? '')![0];
});
afterAll(async () => {
  await hub?.stop();
});

const ONE_YEAR = 365 * 24 * 3600;
const SAFE_REFERRER_POLICIES = new Set([
  'no-referrer',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
]);

/** The CSP as directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** What every response needs, whatever it carries. */
function commonProblems(headers: Headers): string[] {
  const problems: string[] = [];
  const csp = parseCsp(headers.get('content-security-policy'));
  if (csp.size === 0) problems.push('no Content-Security-Policy');
  const hsts = headers.get('strict-transport-security') ?? '';
  const maxAge = Number(/max-age=(\d+)/i.exec(hsts)?.[1] ?? 0);
  if (maxAge < ONE_YEAR) problems.push(`Strict-Transport-Security max-age under a year: "${hsts}"`);
  if (headers.get('x-content-type-options')?.toLowerCase() !== 'nosniff')
    problems.push('no X-Content-Type-Options: nosniff');
  const frameDenied = headers.get('x-frame-options')?.toUpperCase() === 'DENY';
  const ancestorsNone = csp.get('frame-ancestors')?.join(' ') === "'none'";
  if (!frameDenied && !ancestorsNone)
    problems.push("framing allowed (no X-Frame-Options: DENY nor frame-ancestors 'none')");
  const referrerPolicy = headers.get('referrer-policy');
  if (!referrerPolicy || !SAFE_REFERRER_POLICIES.has(referrerPolicy.toLowerCase()))
    problems.push(`Referrer-Policy missing or unsafe: "${referrerPolicy}"`);
  return problems;
}

function noStoreProblems(headers: Headers): string[] {
  const cacheControl = headers.get('cache-control') ?? '';
  return /(^|,)\s*no-store\s*(,|$)/i.test(cacheControl)
    ? []
    : [`Cache-Control is "${cacheControl}", not no-store`];
}

function apiProblems(headers: Headers): string[] {
  const problems = [...commonProblems(headers), ...noStoreProblems(headers)];
  const defaultSrc = parseCsp(headers.get('content-security-policy')).get('default-src')?.join(' ');
  if (defaultSrc !== "'none'") problems.push(`CSP default-src is "${defaultSrc}", not 'none'`);
  return problems;
}

function pageProblems(headers: Headers, options: { personal: boolean }): string[] {
  const problems = commonProblems(headers);
  if (options.personal) problems.push(...noStoreProblems(headers));
  const csp = parseCsp(headers.get('content-security-policy'));
  const scriptSources = csp.get('script-src') ?? csp.get('default-src');
  if (!scriptSources) problems.push('CSP restricts no scripts (no script-src nor default-src)');
  else {
    if (scriptSources.includes("'unsafe-inline'")) problems.push("CSP allows 'unsafe-inline' scripts");
    if (scriptSources.includes("'unsafe-eval'")) problems.push("CSP allows 'unsafe-eval' scripts");
    if (scriptSources.includes('*') || scriptSources.some((source) => /^(https?|data):?$/.test(source)))
      problems.push(`CSP allows scripts from anywhere: ${scriptSources.join(' ')}`);
  }
  if (csp.get('object-src')?.join(' ') !== "'none'" && csp.get('default-src')?.join(' ') !== "'none'")
    problems.push("CSP allows plugins (no object-src 'none')");
  return problems;
}

/** Every inline <script> carries this response's nonce; other scripts come from a src. */
function inlineScriptProblems(html: string, headers: Headers): string[] {
  const sources = parseCsp(headers.get('content-security-policy')).get('script-src') ?? [];
  const nonces = sources.flatMap((source) => /^'nonce-(.+)'$/.exec(source)?.[1] ?? []);
  const problems: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    if (/\ssrc=/i.test(tag)) continue;
    const nonce = /\snonce="([^"]+)"/i.exec(tag)?.[1];
    if (!nonce || !nonces.includes(nonce))
      problems.push(`inline script without this response's nonce: ${tag}`);
  }
  return problems;
}

interface Fetched {
  status: number;
  headers: Headers;
  text: string;
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const response = await fetch(`${hub.url}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function postForm(path: string, form: Record<string, string>, cookie?: string): Promise<Fetched> {
  const response = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('API responses', () => {
  const cases: Array<[string, number, () => Promise<{ status: number; headers: Headers }>]> = [
    ['GET /api/openapi.json', 200, () => hub.api('GET', '/api/openapi.json')],
    [
      'POST /api/referrals (created)',
      201,
      () => hub.api('POST', '/api/referrals', { body: validReferral() }),
    ],
    ['GET /api/cases (staff)', 200, () => hub.api('GET', '/api/cases', { token: mash })],
    [
      'GET /api/cases/{id} (personal data)',
      200,
      () => hub.api('GET', `/api/cases/${caseId}`, { token: mash }),
    ],
    ['GET /api/reports (board)', 200, () => hub.api('GET', '/api/reports', { token: board })],
    [
      'an invalid referral',
      400,
      () => hub.api('POST', '/api/referrals', { body: { ...validReferral(), subjects: [] } }),
    ],
    [
      'malformed JSON',
      400,
      () =>
        hub.api('POST', '/api/referrals', {
          rawBody: '{"subjects": [',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    ['no token', 401, () => hub.api('GET', '/api/cases')],
    ['a bad token', 401, () => hub.api('GET', '/api/cases', { token: 'not.a.token' })],
    ['the wrong role', 403, () => hub.api('GET', '/api/cases', { token: board })],
    [
      'an unknown case',
      404,
      () => hub.api('GET', '/api/cases/00000000-0000-4000-8000-000000000000', { token: mash }),
    ],
    ['an unknown referral status', 404, () => hub.api('GET', '/api/referrals/MASH-0000-0000/status?token=x')],
    [
      'a body that is not JSON',
      415,
      () => hub.api('POST', '/api/referrals', { rawBody: 'x=1', headers: { 'content-type': 'text/plain' } }),
    ],
  ];

  it.each(cases)('%s (%i) carries every API security header', async (_name, status, call) => {
    const response = await call();
    expect(response.status).toBe(status);
    expect(apiProblems(response.headers)).toEqual([]);
  });

  /*
   * Answered by the local hub itself (local/http-responses.ts), not by a handler: an unknown API route
   * (404) and a body over the 256 KiB limit (413, refused before the handler sees it). On AWS the same
   * refusals are API Gateway's gateway responses (lib/intake-api.ts), which set only Content-Type,
   * Cache-Control and nosniff too: both carry the API's security headers.
   */
  const hubAnswered: Array<[string, number, () => Promise<{ status: number; headers: Headers }>]> = [
    ['an unknown API route', 404, () => hub.api('GET', '/api/no-such-route')],
    [
      'a body over the limit',
      413,
      () =>
        hub.api('POST', '/api/referrals', {
          rawBody: 'x'.repeat(300 * 1024),
          headers: { 'content-type': 'application/json' },
        }),
    ],
  ];

  it.each(hubAnswered)('%s answers %i, with no-store', async (_name, status, call) => {
    const response = await call();
    expect(response.status).toBe(status);
    expect(noStoreProblems(response.headers)).toEqual([]);
  });

  it.each(hubAnswered)('%s (%i) carries every API security header', async (_name, _status, call) => {
    expect(apiProblems((await call()).headers)).toEqual([]);
  });
});

describe('pages', () => {
  const cases: Array<[string, number, () => Promise<Fetched>, { personal: boolean; html: boolean }]> = [
    ['the start page', 200, () => get('/'), { personal: true, html: true }],
    ['the referral form', 200, () => get('/refer'), { personal: true, html: true }],
    [
      'a later form step without a session (redirect)',
      303,
      () => get('/refer/check-answers'),
      { personal: true, html: false },
    ],
    ['the feedback form', 200, () => get('/feedback'), { personal: true, html: true }],
    [
      'a page that does not exist (staff)',
      404,
      () => get('/workbench/no-such-page', { cookie: mashCookie }),
      { personal: true, html: true },
    ],
    [
      'a case that does not exist',
      404,
      () => get('/workbench/cases/00000000-0000-4000-8000-000000000000', { cookie: mashCookie }),
      { personal: true, html: true },
    ],
    [
      'a portal the role may not see (403)',
      403,
      () => get('/agency/requests', { cookie: mashCookie }),
      { personal: true, html: true },
    ],
    [
      'a refused form (CSRF)',
      403,
      () => postForm('/refer', { immediateDanger: 'no' }),
      { personal: true, html: true },
    ],
    [
      'a staff page without a session (redirect)',
      303,
      () => get('/workbench'),
      { personal: true, html: false },
    ],
    [
      'the workbench queue',
      200,
      () => get('/workbench', { cookie: mashCookie }),
      { personal: true, html: true },
    ],
    [
      'a workbench case page',
      200,
      () => get(`/workbench/cases/${caseId}`, { cookie: mashCookie }),
      { personal: true, html: true },
    ],
    ['our stylesheet', 200, () => get('/assets/app/app.css'), { personal: false, html: false }],
    ['our script', 200, () => get('/assets/app/app.js'), { personal: false, html: false }],
    ['GOV.UK Frontend', 200, () => get('/assets/govuk-frontend.min.js'), { personal: false, html: false }],
    ['an asset that does not exist', 404, () => get('/assets/app/nope.js'), { personal: false, html: false }],
  ];

  it.each(cases)('%s (%i) carries every page security header', async (_name, status, call, options) => {
    const response = await call();
    expect(response.status).toBe(status);
    expect(pageProblems(response.headers, options)).toEqual([]);
    if (options.html) {
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(inlineScriptProblems(response.text, response.headers)).toEqual([]);
    }
  });

  it('gives every page its own script nonce', async () => {
    const [first, second] = await Promise.all([get('/refer'), get('/refer')]);
    const nonceOf = (response: Fetched) =>
      /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonceOf(first)).toBeDefined();
    expect(nonceOf(first)).not.toBe(nonceOf(second));
  });
});

describe('CSRF on the public forms (a quick check)', () => {
  for (const path of ['/refer', '/feedback']) {
    it(`refuses a POST to ${path} without a token, with or without a session`, async () => {
      const form: Record<string, string> =
        path === '/refer' ? { immediateDanger: 'no' } : { reference: 'MASH-0000-0000', helpful: 'yes' };
      expect((await postForm(path, form)).status).toBe(403);

      const opened = await get(path);
      expect(opened.status).toBe(200);
      const session = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect(session).toMatch(/=.+/);
      expect((await postForm(path, form, session)).status).toBe(403);
      expect((await postForm(path, { ...form, _csrf: 'forged' }, session)).status).toBe(403);
    });
  }
});
