/**
 * The hub served under `/prod`, as on API Gateway's stage URL (CONTRACT.md, "Served under a base
 * path"): a browser without JavaScript crawls every page it can reach from `/prod/` and `/prod/refer`,
 * and, signed in as each role, from their home, and every URL the pages name (links, assets, form
 * actions, redirects, cookie paths) stays under `/prod`. Only `/health` and the local hub's own
 * `/_local/…` pages live at the root, and other sites are other sites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

const BASE = '/prod';
const MAX_PAGES_PER_CRAWL = 120;

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ basePath: BASE });
});
afterAll(async () => {
  await hub?.stop();
});

/** Where every URL a page names must point: under the base path, the local hub's pages, or another site. */
function problemWith(url: string, where: string): string | undefined {
  if (url.startsWith('#') || /^(https:|mailto:|tel:)/.test(url)) return undefined;
  if (url === '/_local/sign-in' || url.startsWith('/_local/sign-in?')) return undefined;
  if (url === BASE || url.startsWith(`${BASE}/`) || url.startsWith(`${BASE}?`)) return undefined;
  return `${where} names ${url}, outside ${BASE}`;
}

/** A browser's cookie jar: each cookie goes back only to paths under its Path. */
class Browser {
  private readonly jar = new Map<string, { value: string; path: string }>();
  readonly problems: string[] = [];

  cookieHeader(path: string): string {
    return [...this.jar]
      .filter(([, cookie]) => path === cookie.path || path.startsWith(cookie.path.replace(/\/?$/, '/')))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  async request(method: 'GET' | 'POST', path: string, form?: URLSearchParams) {
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(path.split('?')[0]!);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: form.toString() } : {}),
    });
    const location = response.headers.get('location');
    if (location) this.check(location, `the Location of ${method} ${path}`);
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const cookiePath =
        attributes
          .map((a) => a.trim())
          .find((a) => /^path=/i.test(a))
          ?.slice(5) ?? '/';
      this.check(cookiePath, `the cookie ${name} of ${method} ${path}`);
      this.jar.set(name.trim(), { value, path: cookiePath });
    }
    const text = await response.text();
    return { status: response.status, location, text, type: response.headers.get('content-type') ?? '' };
  }

  check(url: string, where: string): void {
    const problem = problemWith(url, where);
    if (problem) this.problems.push(problem);
  }

  /** Every page reachable by GET links from `starts`; returns the paths visited. */
  async crawl(starts: string[]): Promise<string[]> {
    const pending = [...starts];
    const seen = new Set<string>(starts);
    const visited: string[] = [];
    while (pending.length > 0 && visited.length < MAX_PAGES_PER_CRAWL) {
      const path = pending.shift()!;
      visited.push(path);
      const page = await this.request('GET', path);
      expect(page.status, `GET ${path}`).toBeLessThan(500);
      const next = page.location ? [page.location] : [];
      if (page.type.startsWith('text/html')) {
        for (const { attribute, url } of urlsIn(page.text)) {
          this.check(url, `${attribute} on ${path}`);
          if (attribute !== 'action') next.push(url);
        }
      }
      if (page.type.startsWith('text/css')) {
        for (const url of page.text.matchAll(/url\(([^)]*)\)/g))
          expect(url[1], `a url() in ${path}`).not.toMatch(/^["']?\//);
      }
      for (const url of next) {
        // Our own pages only, without the sign-out link (it would end the session mid-crawl).
        if (!url.startsWith(`${BASE}/`) && url !== BASE) continue;
        if (seen.has(url)) continue;
        seen.add(url);
        pending.push(url);
      }
    }
    return visited;
  }
}

function urlsIn(html: string): Array<{ attribute: string; url: string }> {
  return [...html.matchAll(/\s(href|src|action|formaction)="([^"]*)"/g)].map((match) => ({
    attribute: match[1]!,
    url: match[2]!.replaceAll('&amp;', '&'),
  }));
}

/** The first POST form of a page: its action and hidden fields (the CSRF token among them). */
function postForm(html: string): { action: string; hidden: Record<string, string> } {
  const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('the page has no POST form');
  const hidden: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    hidden[input[1]!] = input[2]!;
  return { action: form[1]!.replaceAll('&amp;', '&'), hidden };
}

/** GETs `path` and sends its form with `fields`, as a browser does; returns the response. */
async function submit(browser: Browser, path: string, fields: Record<string, string | string[]>) {
  const page = await browser.request('GET', path);
  expect(page.status, `GET ${path}`).toBe(200);
  const { action, hidden } = postForm(page.text);
  expect(action.startsWith(`${BASE}/`), `the form on ${path} posts to ${action}`).toBe(true);
  const body = new URLSearchParams(hidden);
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) body.append(name, one);
  return browser.request('POST', action, body);
}

describe('the hub under /prod', () => {
  it('serves only /health and /_local/… at the root; everything else there is not found', async () => {
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    expect((await fetch(`${hub.url}/_local/sign-in`)).status).toBe(200);
    for (const path of ['/', '/refer', '/api/openapi.json', '/assets/app/app.css', '/workbench']) {
      expect((await fetch(`${hub.url}${path}`, { redirect: 'manual' })).status, path).toBe(404);
    }
    expect((await fetch(`${hub.url}${BASE}/_local/sign-in`)).status).toBe(404);
    expect((await fetch(`${hub.url}/prodigal/refer`)).status).toBe(404);
    expect((await fetch(`${hub.url}${BASE}`)).status).toBe(200);
    expect((await fetch(`${hub.url}${BASE}/api/openapi.json`)).status).toBe(200);
  });

  it('takes a referral through the form without JavaScript, every step under /prod, to its confirmation', async () => {
    const browser = new Browser();
    const steps: Array<[string, Record<string, string | string[]>]> = [
      [`${BASE}/refer`, { immediateDanger: 'no' }],
      [`${BASE}/refer/social-worker`, { existingSocialWorker: 'no' }],
      [`${BASE}/refer/your-details`, { source: '1A', name: 'Chris Relative', relationship: 'Aunt' }],
      [`${BASE}/refer/person/new`, { type: 'child', firstName: 'Robin', lastName: 'Example' }],
      [`${BASE}/refer/people`, { addAnother: 'no' }],
      [`${BASE}/refer/household`, { addMember: 'no' }],
      [`${BASE}/refer/consent`, { parentsAware: 'yes', consentGiven: 'yes', consentFrom: 'Mother' }],
      [
        `${BASE}/refer/concern`,
        { categories: ['missing'], summary: 'Missing overnight', details: 'Did not come home on Friday.' },
      ],
      [`${BASE}/refer/check-answers`, {}],
    ];
    let response: Awaited<ReturnType<Browser['request']>> | undefined;
    for (const [path, fields] of steps) {
      response = await submit(browser, path, fields);
      expect(response.status, `POST ${path}: ${response.text.slice(0, 200)}`).toBe(303);
    }
    expect(response!.location).toBe(`${BASE}/refer/confirmation`);
    const confirmation = await browser.request('GET', response!.location!);
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toMatch(/MASH-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(browser.problems).toEqual([]);
  });

  it('answers a referral by API with a Location under /prod', async () => {
    const created = await hub.api('POST', `${BASE}/api/referrals`, { body: validReferral() });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toBe(`${BASE}/api/referrals/${created.json.reference}/status`);
    const status = await hub.api('GET', `${location}?token=${encodeURIComponent(created.json.receiptToken)}`);
    expect(status.status).toBe(200);
    expect((await hub.api('POST', '/api/referrals', { body: validReferral() })).status).toBe(404);
  });

  it('keeps every link, asset, form and redirect of the public pages under /prod', async () => {
    const browser = new Browser();
    const visited = await browser.crawl([`${BASE}/`, `${BASE}/refer`]);
    expect(visited).toEqual(
      expect.arrayContaining([
        `${BASE}/refer`,
        `${BASE}/feedback`,
        expect.stringMatching(/\/assets\/.*\.css/),
      ]),
    );
    expect(browser.problems).toEqual([]);
  });

  it('sends a person without a session to sign in at the root, asking to come back under /prod', async () => {
    const browser = new Browser();
    const response = await browser.request('GET', `${BASE}/workbench`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/_local/sign-in?next=${encodeURIComponent(`${BASE}/workbench`)}`);
  });

  it.each([
    ['mash', undefined, '/workbench'],
    ['manager', undefined, '/workbench'],
    ['agency', 'police', '/agency'],
    ['board', undefined, '/board'],
  ])(
    'signs %s in at the root into their home under /prod, and keeps every staff page under it',
    async (role, agency, home) => {
      if (role === 'board') {
        // An export to show, so the dashboard's charts and downloads are crawled too.
        const run = await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-10');
        expect(run.status).toBe(200);
      }
      const browser = new Browser();
      const signedIn = await browser.request(
        'POST',
        '/_local/sign-in',
        new URLSearchParams({ role, ...(agency ? { agency } : {}) }),
      );
      expect(signedIn.status).toBe(303);
      expect(signedIn.location).toBe(`${BASE}${home}`);
      const visited = await browser.crawl([signedIn.location!]);
      expect(visited.length).toBeGreaterThan(1);
      // The referrals of the tests above are in the queue: the case pages and their forms were crawled too.
      if (home === '/workbench')
        expect(visited.some((path) => path.includes('/workbench/cases/'))).toBe(true);
      if (home === '/board') {
        expect(visited.some((path) => path.includes('/board/downloads/'))).toBe(true);
        // The API address the dashboard shows as text names the base path too.
        const dashboard = await browser.request('GET', `${BASE}/board`);
        expect(dashboard.text).toContain(`${BASE}/api/reports/monthly/2026-10.json`);
      }
      expect(browser.problems).toEqual([]);
    },
  );
});
