/**
 * An agency's inbox read a page at a time (issue #6: a listing must not cost more as the agency's
 * history grows): open requests soonest due first, then answered ones newest first, cursors that only
 * continue their own listing, one audit record per case shown (and none for cases not shown), and
 * products newest first. Through the local hub, its real queues and DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { getPage, signIn as signInAs } from '../helpers/pages.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
let mash: string;
let manager: string;
let housing: string;
let police: string;
/** Requests to housing, in the order issued. */
const requests: Array<{ id: string; caseId: string; dueAt: string }> = [];

/** The open ones (all but the first and third, which housing answers), as the inbox sorts them: due time, then id. */
const openInOrder = () =>
  [requests[1]!, requests[3]!, requests[4]!]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id))
    .map((request) => request.id);

async function ratedCase(): Promise<string> {
  const body = validReferral();
  body.consent = { parentsAware: true, consentGiven: true };
  const created = await hub.api('POST', '/api/referrals', { body });
  expect(created.status).toBe(201);
  const list = await hub.api('GET', '/api/cases?limit=500', { token: mash });
  const id = list.json.items.find((c: { reference: string }) => c.reference === created.json.reference).id;
  const rated = await hub.api('POST', `/api/cases/${id}/triage`, { token: mash, body: { rag: 'green' } });
  expect(rated.status).toBe(200);
  return id;
}

async function listAll(path: string, token: string) {
  const pages: Array<{ items: Array<Record<string, unknown>>; nextCursor?: string }> = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response = await hub.api(
      'GET',
      `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(response.status, response.text).toBe(200);
    pages.push(response.json);
    cursor = response.json.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

async function listedRecords(caseId: string): Promise<number> {
  const audit = await hub.api('GET', `/api/cases/${caseId}/audit`, { token: manager });
  expect(audit.status).toBe(200);
  return audit.json.items.filter((record: { action: string }) => record.action === 'request.listed').length;
}

beforeAll(async () => {
  hub = await startTestHub();
  [mash, manager, housing, police] = await Promise.all([
    hub.token('mash'),
    hub.token('manager'),
    hub.token('agency', 'housing'),
    hub.token('agency', 'police'),
  ]);
  for (let i = 0; i < 5; i++) {
    const caseId = await ratedCase();
    const issued = await hub.api('POST', `/api/cases/${caseId}/information-requests`, {
      token: mash,
      body: { agencies: ['housing'], questions: 'Any tenancy concerns?' },
    });
    expect(issued.status).toBe(202);
    requests.push({ id: issued.json.requests[0].id, caseId, dueAt: issued.json.requests[0].dueAt });
  }
  expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
  // Housing answers the first and the third.
  for (const index of [0, 2]) {
    const answered = await hub.api('POST', `/api/agency/requests/${requests[index]!.id}/response`, {
      token: housing,
      body: { information: `Answer ${index}: no concerns on record`, releasable: true },
    });
    expect(answered.status, answered.text).toBe(200);
  }
}, 120_000);
afterAll(async () => {
  await hub?.stop();
});

describe('GET /api/agency/requests, a page at a time', () => {
  it('lists open requests soonest due first, then answered ones newest first, across pages', async () => {
    const pages = await listAll('/api/agency/requests?limit=2', housing);
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    const items = pages.flatMap((page) => page.items);
    expect(items.map((item) => item.id)).toEqual([
      ...openInOrder(),
      requests[2]!.id, // answered last, so first of the answered
      requests[0]!.id,
    ]);
    expect(items.map((item) => item.status)).toEqual(['open', 'open', 'open', 'answered', 'answered']);
    const dues = items.slice(0, 3).map((item) => String(item.dueAt));
    expect([...dues].sort()).toEqual(dues);
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
  });

  it('keeps the CONTRACT shape by default: every request on one page when there are few', async () => {
    const response = await hub.api('GET', '/api/agency/requests', { token: housing });
    expect(response.status).toBe(200);
    expect(response.json.items).toHaveLength(5);
    expect(response.json.nextCursor).toBeUndefined();
    for (const item of response.json.items) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['id', 'caseReference', 'dueAt', 'status', 'questions']),
      );
    }
  });

  it('filters by status, and pages within it', async () => {
    const open = (await listAll('/api/agency/requests?status=open&limit=1', housing)).flatMap((p) => p.items);
    expect(open.map((item) => item.id)).toEqual(openInOrder());
    const answered = (await listAll('/api/agency/requests?status=answered', housing)).flatMap((p) => p.items);
    expect(answered.map((item) => item.id)).toEqual([requests[2]!.id, requests[0]!.id]);
  });

  it('audits only the cases on the page it shows', async () => {
    const [first, , last] = openInOrder();
    const shown = requests.find((request) => request.id === first)!;
    const notShown = requests.find((request) => request.id === last)!;
    const [shownBefore, notShownBefore] = [
      await listedRecords(shown.caseId),
      await listedRecords(notShown.caseId),
    ];
    const page = await hub.api('GET', '/api/agency/requests?status=open&limit=1', { token: housing });
    expect(page.json.items.map((item: { id: string }) => item.id)).toEqual([shown.id]);
    expect(await listedRecords(shown.caseId)).toBe(shownBefore + 1);
    expect(await listedRecords(notShown.caseId)).toBe(notShownBefore);
  });

  it('shows another agency none of them', async () => {
    const response = await hub.api('GET', '/api/agency/requests', { token: police });
    expect(response.status).toBe(200);
    const ids = new Set(requests.map((request) => request.id));
    expect(response.json.items.filter((item: { id: string }) => ids.has(item.id))).toEqual([]);
  });

  it('refuses bad paging with a 400 that names the parameter', async () => {
    const expectRefused = async (query: string, path: string) => {
      const response = await hub.api('GET', `/api/agency/requests?${query}`, { token: housing });
      expect(response.status, query).toBe(400);
      expect(
        response.json.error.details.map((d: { path: string }) => d.path),
        query,
      ).toContain(path);
    };
    await expectRefused('limit=0', 'limit');
    await expectRefused('limit=501', 'limit');
    await expectRefused('status=closed', 'status');
    await expectRefused('cursor=not-a-cursor', 'cursor');
    // A cursor continues only its own listing: housing's open shelf is not its answered one, nor police's.
    const first = await hub.api('GET', '/api/agency/requests?status=open&limit=1', { token: housing });
    const cursor = encodeURIComponent(first.json.nextCursor);
    await expectRefused(`status=answered&cursor=${cursor}`, 'cursor');
    const stolen = await hub.api('GET', `/api/agency/requests?status=open&cursor=${cursor}`, {
      token: police,
    });
    expect(stolen.status).toBe(400);
  });
});

describe('GET /api/agency/products, a page at a time', () => {
  it('lists the products sent to the agency newest first, across pages', async () => {
    const decided: string[] = [];
    for (const { caseId } of requests.slice(0, 2)) {
      const decision = await hub.api('POST', `/api/cases/${caseId}/decision`, {
        token: mash,
        body: {
          outcome: 'EARLY_HELP',
          rationale: 'Housing support and early help offered to the family',
          recipientAgency: 'housing',
        },
      });
      expect(decision.status, decision.text).toBe(200);
      decided.push(String(decision.json.reference));
    }
    expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
    const pages = await listAll('/api/agency/products?limit=1', housing);
    const references = pages.flatMap((page) => page.items).map((item) => item.caseReference);
    expect(references).toEqual([...decided].reverse());
    const refused = await hub.api('GET', '/api/agency/products?limit=abc', { token: housing });
    expect(refused.status).toBe(400);
  });
});

describe('the agency portal, a page at a time', () => {
  const signIn = (role: string, agency: string) => signInAs(hub.url, role, agency);
  const page = (path: string, cookie: string) => getPage(hub.url, path, cookie);
  const linkedIds = (html: string) =>
    [...html.matchAll(/href="\/agency\/requests\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

  it('shows the open requests, the latest answered and a way to every answered one', async () => {
    const cookie = await signIn('agency', 'housing');
    const home = await page('/agency', cookie);
    expect(home.status).toBe(200);
    expect(home.html).toContain('3 waiting for your answer');
    expect(home.html).toContain('Answered most recently');
    expect(linkedIds(home.html)).toEqual([...openInOrder(), requests[2]!.id, requests[0]!.id]);
    const answered = await page('/agency/answered', cookie);
    expect(answered.status).toBe(200);
    expect(linkedIds(answered.html)).toEqual([requests[2]!.id, requests[0]!.id]);
    expect(answered.html).not.toContain('rel="next"');
  });

  it('answers a made-up or foreign cursor with "Page not found"', async () => {
    const cookie = await signIn('agency', 'housing');
    for (const path of [
      '/agency?cursor=bm90LWEtY3Vyc29y',
      '/agency/answered?cursor=%3Cscript%3E',
      '/agency/products?cursor=e30',
    ]) {
      const response = await page(path, cookie);
      expect(response.status, path).toBe(404);
      expect(response.html).toContain('Page not found');
    }
  });
});
