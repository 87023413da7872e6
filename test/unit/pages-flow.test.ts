/**
 * The pages function end to end, in memory: API Gateway events in, HTML out. The draft store and the
 * intake service are replaced by in-memory fakes; everything else (router, controllers, nunjucks,
 * GOV.UK macros, CSRF, cookies, validation) is the real code.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { findRoute } from '../../src/routes.ts';

const drafts = vi.hoisted(() => new Map<string, Record<string, unknown>>());
const intake = vi.hoisted(() => ({
  submitted: [] as Array<{ referral: unknown; idempotencyKey?: string }>,
  feedback: [] as unknown[],
}));

vi.mock('../../src/store/draft-store.ts', () => ({
  getDraft: async (id: string) => drafts.get(id),
  putDraft: async (id: string, draft: Record<string, unknown>) => void drafts.set(id, structuredClone(draft)),
  deleteDraft: async (id: string) => void drafts.delete(id),
}));

vi.mock('../../src/services/intake.ts', () => ({
  registerLambdaContext: () => {},
  submitReferral: async (referral: unknown, options: { idempotencyKey?: string } = {}) => {
    intake.submitted.push({ referral, idempotencyKey: options.idempotencyKey });
    return {
      reference: 'MASH-7K3Q-9XBD',
      receiptToken: 'receipt-token-abc',
      status: 'received',
      receivedAt: '2026-05-25T09:00:00.000Z',
      decisionDueAt: '2026-05-26T09:00:00.000Z',
    };
  },
  submitFeedback: async (input: { reference: string; receiptToken: string }) => {
    intake.feedback.push(input);
    return input.reference === 'MASH-7K3Q-9XBD' && input.receiptToken === 'receipt-token-abc'
      ? 'recorded'
      : 'not-found';
  },
  referralStatus: async () => undefined,
}));

const { routePublicPage: routePage } = await import('../../src/pages/public-site.ts');

function pageEvent(
  method: 'GET' | 'POST',
  url: string,
  options: {
    body?: string | Record<string, string | string[]>;
    cookie?: string;
    host?: string;
    base64?: boolean;
  } = {},
): APIGatewayProxyEvent {
  const parsed = new URL(url, 'http://127.0.0.1:3000');
  const found = findRoute(method, parsed.pathname);
  if (!found || !('route' in found)) throw new Error(`no page route for ${method} ${parsed.pathname}`);
  let body: string | null = null;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') body = options.body;
    else {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(options.body)) {
        for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
      }
      body = params.toString();
    }
  }
  const query = Object.fromEntries(parsed.searchParams);
  return {
    resource: found.route.resource,
    path: parsed.pathname,
    httpMethod: method,
    headers: {
      Host: options.host ?? '127.0.0.1:3000',
      ...(body !== null ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      ...(options.cookie ? { Cookie: options.cookie } : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(found.pathParameters).length > 0 ? found.pathParameters : null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    body: body !== null && options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: Boolean(options.base64),
  };
}

function header(response: APIGatewayProxyResult, name: string): string | undefined {
  const entry = Object.entries(response.headers ?? {}).find(
    ([key]) => key.toLowerCase() === name.toLowerCase(),
  );
  return entry ? String(entry[1]) : undefined;
}

function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** A browser without JavaScript: keeps the referral cookie, follows nothing by itself. */
class Browser {
  cookies = new Map<string, string>();

  async get(url: string): Promise<APIGatewayProxyResult> {
    return this.send(pageEvent('GET', url, { cookie: this.cookieHeader() }));
  }

  async post(
    url: string,
    body: Record<string, string | string[]>,
    csrf?: string,
  ): Promise<APIGatewayProxyResult> {
    return this.send(
      pageEvent('POST', url, { cookie: this.cookieHeader(), body: { _csrf: csrf ?? '', ...body } }),
    );
  }

  /** GET the page, then POST its form with the page's own CSRF token. */
  async submit(url: string, body: Record<string, string | string[]>): Promise<APIGatewayProxyResult> {
    const page = await this.get(url);
    expect(page.statusCode, `GET ${url}`).toBe(200);
    return this.post(url, body, hiddenField(page.body, '_csrf'));
  }

  private async send(event: APIGatewayProxyEvent) {
    const response = await routePage(event);
    const setCookie = header(response, 'set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      const [name, value] = pair!.split('=');
      this.cookies.set(name!, value!);
    }
    return response;
  }

  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const HOSTILE = '<script>alert(1)</script>';

async function walkToCheckAnswers(browser: Browser) {
  let response = await browser.submit('/refer', { immediateDanger: 'no' });
  expect(header(response, 'location')).toBe('/refer/social-worker');
  response = await browser.submit('/refer/social-worker', { existingSocialWorker: 'unknown' });
  expect(header(response, 'location')).toBe('/refer/your-details');
  response = await browser.submit('/refer/your-details', {
    source: '2A',
    name: 'Sam Teacher',
    role: 'Designated safeguarding lead',
    organisation: 'Example Primary School',
    email: 'dsl@school.example',
    phone: '',
    relationship: 'Class teacher',
  });
  expect(header(response, 'location')).toBe('/refer/person/new');
  const newPerson = await browser.get('/refer/person/new');
  const itemKey = hiddenField(newPerson.body, 'itemKey')!;
  const person = {
    itemKey,
    type: 'child',
    firstName: HOSTILE,
    lastName: 'Example',
    'dateOfBirth-day': '2',
    'dateOfBirth-month': '3',
    'dateOfBirth-year': '2015',
    nhsNumber: '943 476 5919',
    addressLine1: '1 Example Road',
    addressTown: 'Norwich',
    addressPostcode: 'NR1 1AA',
  };
  response = await browser.post('/refer/person/new', person, hiddenField(newPerson.body, '_csrf'));
  expect(header(response, 'location')).toBe('/refer/people');
  // The same add page sent twice adds the person once.
  await browser.post('/refer/person/new', person, hiddenField(newPerson.body, '_csrf'));
  const peoplePage = await browser.get('/refer/people');
  expect(peoplePage.body.match(/Child, born 2 March 2015/g)).toHaveLength(1);
  expect(peoplePage.body).not.toContain(HOSTILE);
  expect(peoplePage.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

  response = await browser.submit('/refer/people', { addAnother: 'no' });
  expect(header(response, 'location')).toBe('/refer/household');
  response = await browser.submit('/refer/household', { addMember: 'yes' });
  expect(header(response, 'location')).toBe('/refer/household/new');
  response = await browser.submit('/refer/household/new', {
    name: 'Jo Example',
    relationship: 'Mother',
    parentalResponsibility: 'yes',
  });
  expect(header(response, 'location')).toBe('/refer/household');
  response = await browser.submit('/refer/household', { addMember: 'no' });
  expect(header(response, 'location')).toBe('/refer/consent');
  response = await browser.submit('/refer/consent', {
    parentsAware: 'no',
    consentGiven: 'no',
    consentFrom: 'ignored when consent is no',
    reasonIfNot: 'Telling them could put the child at risk of significant harm',
  });
  expect(header(response, 'location')).toBe('/refer/concern');
  response = await browser.submit('/refer/concern', {
    categories: ['neglect', 'emotional-abuse'],
    summary: 'Often hungry',
    seen: 'Arrives without breakfast',
    said: '"There is no food at home"',
    details: 'Line one\nLine two',
    'incidentDate-day': '',
    'incidentDate-month': '',
    'incidentDate-year': '',
  });
  expect(header(response, 'location')).toBe('/refer/check-answers');
}

describe('the referral form without JavaScript', () => {
  beforeEach(() => {
    drafts.clear();
    intake.submitted.length = 0;
    intake.feedback.length = 0;
  });

  it('walks every page, sends the referral the API would take, and shows the receipt', async () => {
    const browser = new Browser();
    await walkToCheckAnswers(browser);
    const check = await browser.get('/refer/check-answers');
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Check your answers before sending your referral');
    expect(check.body).toContain('/refer/your-details?from=check#email');
    expect(check.body).toContain('Line one<br>Line two');
    expect(check.body).not.toContain(HOSTILE);

    const csrf = hiddenField(check.body, '_csrf');
    const formSession = browser.cookies.get('mash_referral')!;
    const sent = await browser.post('/refer/check-answers', {}, csrf);
    expect(sent.statusCode).toBe(303);
    expect(header(sent, 'location')).toBe('/refer/confirmation');
    // The receipt is given a new session: the one the form was filled in under no longer holds it.
    const receiptSession = browser.cookies.get('mash_referral')!;
    expect(receiptSession).not.toBe(formSession);
    expect(JSON.stringify(drafts.get(formSession))).not.toContain('receipt-token-abc');
    // Sent twice (a double click on an old page, with the old session): it finds the referral sent.
    const again = await routePage(
      pageEvent('POST', '/refer/check-answers', {
        cookie: `mash_referral=${formSession}`,
        body: { _csrf: csrf! },
      }),
    );
    expect(header(again, 'location')).toBe('/refer/confirmation');
    expect(intake.submitted).toHaveLength(1);

    const [{ referral, idempotencyKey }] = intake.submitted as [
      { referral: Record<string, unknown>; idempotencyKey: string },
    ];
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(referral).toEqual({
      immediateDanger: false,
      existingSocialWorker: 'unknown',
      referrer: {
        source: '2A',
        name: 'Sam Teacher',
        role: 'Designated safeguarding lead',
        organisation: 'Example Primary School',
        email: 'dsl@school.example',
        relationship: 'Class teacher',
      },
      subjects: [
        {
          type: 'child',
          firstName: HOSTILE,
          lastName: 'Example',
          dateOfBirth: '2015-03-02',
          nhsNumber: '943 476 5919',
          address: { line1: '1 Example Road', town: 'Norwich', postcode: 'NR1 1AA' },
        },
      ],
      household: [{ name: 'Jo Example', relationship: 'Mother', parentalResponsibility: true }],
      consent: {
        parentsAware: false,
        consentGiven: false,
        reasonIfNot: 'Telling them could put the child at risk of significant harm',
      },
      concern: {
        categories: ['neglect', 'emotional-abuse'],
        summary: 'Often hungry',
        seen: 'Arrives without breakfast',
        said: '"There is no food at home"',
        details: 'Line one\nLine two',
      },
    });

    const confirmation = await browser.get('/refer/confirmation');
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toContain('MASH-7K3Q-9XBD');
    expect(confirmation.body).toContain('receipt-token-abc');
    expect(confirmation.body).toContain('by 10:00am on Tuesday 26 May 2026');
    expect(header(confirmation, 'cache-control')).toBe('no-store');
    // Shown once, as the page promises: a reload shows the reference, not the token.
    const reloaded = await browser.get('/refer/confirmation');
    expect(reloaded.statusCode).toBe(200);
    expect(reloaded.body).toContain('MASH-7K3Q-9XBD');
    expect(reloaded.body).not.toContain('receipt-token-abc');
    expect(reloaded.body).toContain('cannot be shown again');
    // Only the receipt is left in the drafts, without its token: no personal data.
    for (const stored of drafts.values()) {
      expect(JSON.stringify(stored)).not.toContain('Sam Teacher');
      expect(JSON.stringify(stored)).not.toContain('receipt-token-abc');
      expect(stored).toMatchObject({ receipt: { reference: 'MASH-7K3Q-9XBD' } });
    }
    // Other pages of a sent referral go to the confirmation.
    expect(header(await browser.get('/refer/your-details'), 'location')).toBe('/refer/confirmation');
  });

  it('sets an opaque HttpOnly cookie scoped to /refer, Secure except on localhost', async () => {
    const local = await routePage(pageEvent('GET', '/refer'));
    const cookie = header(local, 'set-cookie')!;
    expect(cookie).toMatch(
      /^mash_referral=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=\/refer; HttpOnly; SameSite=Lax$/,
    );
    // A session id the browser made up is never adopted: a new, issued one replaces it.
    const madeUp = 'A'.repeat(43);
    const replaced = await routePage(pageEvent('GET', '/refer', { cookie: `mash_referral=${madeUp}` }));
    expect(header(replaced, 'set-cookie')).toMatch(/^mash_referral=[A-Za-z0-9_-]{43}\./);
    expect(header(replaced, 'set-cookie')).not.toContain(madeUp);
    const deployed = await routePage(pageEvent('GET', '/refer', { host: 'mash.example.gov.uk' }));
    expect(header(deployed, 'set-cookie')).toMatch(/; Secure$/);
  });

  it('refuses a POST without the session cookie or with a wrong CSRF token', async () => {
    const noCookie = await routePage(
      pageEvent('POST', '/refer', { body: { immediateDanger: 'no', _csrf: 'x' } }),
    );
    expect(noCookie.statusCode).toBe(403);
    const browser = new Browser();
    await browser.get('/refer');
    const wrong = await browser.post('/refer', { immediateDanger: 'no' }, 'not-the-token');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('Sorry, we could not accept that form');
    const missing = await browser.post('/refer', { immediateDanger: 'no' });
    expect(missing.statusCode).toBe(403);
    expect(drafts.size).toBe(0);
  });

  it('reads base64 form bodies', async () => {
    const browser = new Browser();
    const page = await browser.get('/refer');
    const csrf = hiddenField(page.body, '_csrf')!;
    const event = pageEvent('POST', '/refer', {
      cookie: `mash_referral=${browser.cookies.get('mash_referral')}`,
      body: { _csrf: csrf, immediateDanger: 'yes' },
      base64: true,
    });
    const response = await routePage(event);
    expect(header(response, 'location')).toBe('/refer/in-danger');
  });

  it('shows the interruption page for immediate danger, and continuing marks the referral', async () => {
    const browser = new Browser();
    const answer = await browser.submit('/refer', { immediateDanger: 'yes' });
    expect(header(answer, 'location')).toBe('/refer/in-danger');
    const interruption = await browser.get('/refer/in-danger');
    expect(interruption.body).toContain('Call 999 now');
    expect(interruption.body).toContain('Continue with the referral');
    const carryOn = await browser.post('/refer/in-danger', {}, hiddenField(interruption.body, '_csrf'));
    expect(header(carryOn, 'location')).toBe('/refer/social-worker');
    expect([...drafts.values()][0]).toMatchObject({ immediateDanger: true });
  });

  it('shows the error summary and inline errors on an empty page, with Error: in the title', async () => {
    const browser = new Browser();
    await browser.submit('/refer', { immediateDanger: 'no' });
    await browser.submit('/refer/social-worker', { existingSocialWorker: 'no' });
    const page = await browser.submit('/refer/your-details', {});
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<title>Error: Your details/);
    expect(page.body).toContain('govuk-error-summary');
    expect(page.body).toContain('href="#source"');
    expect(page.body).toContain('id="source-error"');

    const professional = await browser.submit('/refer/your-details', { source: '6' });
    for (const fieldId of ['name', 'role', 'organisation', 'email']) {
      expect(professional.body).toContain(`href="#${fieldId}"`);
      expect(professional.body).toContain(`id="${fieldId}-error"`);
    }
    // The public may stay anonymous.
    const anonymous = await browser.submit('/refer/your-details', { source: '9' });
    expect(anonymous.statusCode).toBe(303);
  });

  it('puts date errors on the part of the date that is wrong', async () => {
    const browser = new Browser();
    await browser.submit('/refer', { immediateDanger: 'no' });
    await browser.submit('/refer/social-worker', { existingSocialWorker: 'no' });
    await browser.submit('/refer/your-details', { source: '9' });
    const page = await browser.submit('/refer/person/new', {
      type: 'child',
      firstName: 'Alex',
      lastName: 'Example',
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '2015',
    });
    expect(page.body).toContain('Date of birth must include a month');
    expect(page.body).toContain('href="#dateOfBirth-month"');
    expect(page.body).toMatch(/<input class="[^"]*govuk-input--error[^"]*" id="dateOfBirth-month"/);
    expect(page.body).not.toMatch(/<input class="[^"]*govuk-input--error[^"]*" id="dateOfBirth-day"/);
  });

  it('returns to check answers after a change', async () => {
    const browser = new Browser();
    await walkToCheckAnswers(browser);
    const changed = await browser.submit('/refer/social-worker?from=check', { existingSocialWorker: 'yes' });
    expect(header(changed, 'location')).toBe('/refer/check-answers');
    const adult = await browser.submit('/refer/person/1?from=check', {
      type: 'adult',
      firstName: 'Alex',
      lastName: 'Example',
    });
    expect(header(adult, 'location')).toBe('/refer/person/1/care-act?from=check');
    const careAct = await browser.submit('/refer/person/1/care-act?from=check', {
      careAndSupportNeeds: 'yes',
      atRiskOfAbuse: 'yes',
      unableToProtectSelf: 'no',
    });
    expect(header(careAct, 'location')).toBe('/refer/check-answers');
  });

  it('sends a person to the first unanswered question when they jump ahead', async () => {
    const browser = new Browser();
    expect(header(await browser.get('/refer/consent'), 'location')).toBe('/refer');
    await browser.submit('/refer', { immediateDanger: 'no' });
    expect(header(await browser.get('/refer/check-answers'), 'location')).toBe('/refer/social-worker');
  });
});

describe('feedback', () => {
  it('records feedback, and shows an error on the page for a wrong token', async () => {
    const browser = new Browser();
    const wrong = await browser.submit('/feedback', {
      reference: 'MASH-7K3Q-9XBD',
      receiptToken: 'nope',
      helpful: 'yes',
    });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.body).toContain('We could not find a referral');
    expect(wrong.body).toContain('href="#reference"');
    const empty = await browser.submit('/feedback', {});
    expect(empty.body).toMatch(/<title>Error: /);
    expect(empty.body).toContain('href="#receiptToken"');
    expect(empty.body).toContain('href="#helpful"');
    const ok = await browser.submit('/feedback', {
      reference: 'mash-7k3q-9xbd',
      receiptToken: 'receipt-token-abc',
      helpful: 'yes',
      rating: '4',
      comment: HOSTILE,
    });
    expect(header(ok, 'location')).toBe('/feedback?sent=1');
    expect((await browser.get('/feedback?sent=1')).body).toContain('Thank you for your feedback');
    const noToken = await routePage(pageEvent('POST', '/feedback', { body: { reference: 'x' } }));
    expect(noToken.statusCode).toBe(403);
  });
});

describe('headers and assets', () => {
  it('gives every page a strict CSP with a fresh nonce on the template script', async () => {
    const first = await routePage(pageEvent('GET', '/'));
    const second = await routePage(pageEvent('GET', '/'));
    const csp = header(first, 'content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first.body).toContain(`<script nonce="${nonce}">`);
    expect(header(second, 'content-security-policy')).not.toContain(nonce);
    expect(header(first, 'x-frame-options')).toBe('DENY');
    expect(header(first, 'x-content-type-options')).toBe('nosniff');
    expect(header(first, 'referrer-policy')).toBe('no-referrer');
    expect(header(first, 'strict-transport-security')).toMatch(/max-age=\d+/);
    expect(first.body).toContain('If a child or adult is in immediate danger, call 999');
    expect(first.body).toContain('href="/refer"');
  });

  it('serves GOV.UK Frontend assets with types and long caching, binaries as base64', async () => {
    const css = await routePage(pageEvent('GET', '/assets/govuk-frontend.min.css'));
    expect(css.statusCode).toBe(200);
    expect(header(css, 'content-type')).toMatch(/^text\/css/);
    expect(header(css, 'cache-control')).toContain('max-age=31536000');
    const font = await routePage(pageEvent('GET', '/assets/fonts/bold-b542beb274-v2.woff2'));
    expect(font.isBase64Encoded).toBe(true);
    expect(header(font, 'content-type')).toBe('font/woff2');
    expect(Buffer.from(font.body, 'base64').subarray(0, 4).toString('latin1')).toBe('wOF2');
    const js = await routePage(pageEvent('GET', '/assets/app/app.js'));
    expect(header(js, 'content-type')).toMatch(/^text\/javascript/);
  });

  it('rejects path traversal and unknown files', async () => {
    for (const path of [
      '/assets/..%2F..%2Fpackage.json',
      '/assets/fonts/..%2F..%2F..%2F..%2Fpackage.json',
      '/assets/app/..%2F..%2Fsrc%2Fresources.ts',
      '/assets/%2Fetc%2Fpasswd',
      '/assets/govuk-frontend.min.css%00.png',
      '/assets/template.njk',
      '/assets/fonts/nope.woff2',
    ]) {
      const response = await routePage(pageEvent('GET', path));
      expect(response.statusCode, path).toBe(404);
    }
  });
});
