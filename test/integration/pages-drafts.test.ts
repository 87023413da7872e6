/**
 * The referral form over HTTP through the local hub, with the real DynamoDB Local draft store and the
 * real intake service: what the draft item holds (and does not), its expiry on the hub's clock, a
 * double-submitted check-answers page, and the headers and assets a browser receives.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERRAL_COOKIE } from '../../src/pages/refer/controller.ts';
import { caseTable, limits } from '../../src/resources.ts';
import { keys } from '../../src/store/keys.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { FormClient } from '../helpers/pages.ts';

let hub: TestHub;
let staff: string;

beforeAll(async () => {
  hub = await startTestHub();
  staff = await hub.token('mash');
});
afterAll(async () => {
  await hub?.api('DELETE', '/_local/clock');
  await hub?.stop();
});

async function draftItem(sessionId: string) {
  const { Item } = await hub.documents.send(
    new GetCommand({ TableName: process.env[caseTable.envVar]!, Key: keys.draft(sessionId) }),
  );
  return Item;
}

async function fillToCheckAnswers(client: FormClient) {
  const steps: Array<[string, Record<string, string | string[]>]> = [
    ['/refer', { immediateDanger: 'no' }],
    ['/refer/social-worker', { existingSocialWorker: 'no' }],
    ['/refer/your-details', { source: '1A', name: 'Chris Relative', relationship: 'Aunt' }],
    [
      '/refer/person/new',
      { type: 'child', firstName: 'Robin', lastName: 'Example', nhsNumber: '9434765919' },
    ],
    ['/refer/people', { addAnother: 'no' }],
    ['/refer/household', { addMember: 'no' }],
    ['/refer/consent', { parentsAware: 'yes', consentGiven: 'yes', consentFrom: 'Mother' }],
    [
      '/refer/concern',
      { categories: ['missing'], summary: 'Missing overnight', details: 'Did not come home on Friday.' },
    ],
  ];
  for (const [path, form] of steps) {
    const response = await client.submit(path, form);
    expect(response.status, `POST ${path}: ${response.text.slice(0, 200)}`).toBe(303);
  }
}

async function casesWith(reference: string) {
  const response = await hub.api('GET', '/api/cases?limit=500', { token: staff });
  return (response.json.items as Array<{ reference: string }>).filter((item) => item.reference === reference);
}

describe('the form draft in DynamoDB', () => {
  it('is keyed by the hash of the session id, expires after the TTL, and holds no id', async () => {
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-05-26T09:00:00.000Z' } });
    const client = new FormClient(hub.url);
    await client.submit('/refer', { immediateDanger: 'no' });
    const item = await draftItem(client.cookies.get(REFERRAL_COOKIE)!);
    expect(item).toBeDefined();
    expect(item!.pk).toMatch(/^DRAFT#[0-9a-f]{64}$/);
    expect(item!.sk).toBe('DRAFT');
    expect(JSON.stringify(item)).not.toContain(client.cookies.get(REFERRAL_COOKIE)!);
    const expected = Date.parse('2026-05-26T09:00:00.000Z') / 1000 + limits.draftTtlSeconds;
    expect(Math.abs(item!.expiresAt - expected)).toBeLessThan(60);

    // The next day, after the TTL: DynamoDB Local never deletes it, so reads must treat it as gone.
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-05-27T09:05:00.000Z' } });
    const expired = await client.request('GET', '/refer/social-worker');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/refer');
    await hub.api('DELETE', '/_local/clock');
  });

  it('refuses a referral page posted from another site, even with the session’s own token', async () => {
    const client = new FormClient(hub.url);
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ] as Array<Record<string, string>>) {
      const refused = await client.submit('/refer', { immediateDanger: 'no' }, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(await draftItem(client.cookies.get(REFERRAL_COOKIE)!)).toBeUndefined();
    }
    // Chromium's own form post from a no-referrer page: Origin null, Sec-Fetch-Site same-origin.
    const taken = await client.submit(
      '/refer',
      { immediateDanger: 'no' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    );
    expect(taken.status).toBe(303);
  });

  it('makes one case from a double-submitted check-answers page, then keeps only the receipt', async () => {
    const client = new FormClient(hub.url);
    await fillToCheckAnswers(client);
    const check = await client.request('GET', '/refer/check-answers');
    expect(check.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(check.text)![1]!;
    const [first, second] = await Promise.all([
      client.request('POST', '/refer/check-answers', { _csrf: csrf }),
      client.request('POST', '/refer/check-answers', { _csrf: csrf }),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.headers.get('location')).toBe('/refer/confirmation');
    expect(second.headers.get('location')).toBe('/refer/confirmation');

    const confirmation = await client.request('GET', '/refer/confirmation');
    const reference = /MASH-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(confirmation.text)![0];
    expect(await casesWith(reference)).toHaveLength(1);
    expect(confirmation.text).toContain('id="receipt-token"');
    // Once: a reload shows the reference and no token, and no draft holds it any more.
    const reload = await client.request('GET', '/refer/confirmation');
    expect(reload.text).toContain(reference);
    expect(reload.text).not.toContain('id="receipt-token"');
    expect(JSON.stringify(await draftItem(client.cookies.get(REFERRAL_COOKIE)!))).not.toContain(
      'receiptToken',
    );

    const item = await draftItem(client.cookies.get(REFERRAL_COOKIE)!);
    expect(Object.keys(item!.draft).sort()).toEqual(['household', 'id', 'receipt', 'subjects']);
    expect(item!.draft.subjects).toEqual([]);
    expect(JSON.stringify(item)).not.toContain('Robin');
    expect(JSON.stringify(item)).not.toContain('Chris Relative');
    expect(item!.draft.receipt.reference).toBe(reference);
  });

  it('gives the receipt a new session id, and never adopts one the browser made up', async () => {
    const client = new FormClient(hub.url);
    await fillToCheckAnswers(client);
    const formSession = client.cookies.get(REFERRAL_COOKIE)!;
    const sent = await client.submit('/refer/check-answers', {});
    expect(sent.status).toBe(303);
    const receiptSession = client.cookies.get(REFERRAL_COOKIE)!;
    expect(receiptSession).not.toBe(formSession);
    const old = await draftItem(formSession);
    expect(old!.draft.receipt.reference).toMatch(/^MASH-/);
    expect(JSON.stringify(old)).not.toContain('receiptToken');
    expect((await draftItem(receiptSession))!.draft.receipt.receiptToken).toEqual(expect.any(String));

    // A made-up id (the old 43-character shape, or a forged signature) is replaced by an issued one.
    for (const madeUp of ['A'.repeat(43), `${'A'.repeat(43)}.${'B'.repeat(43)}`]) {
      const planted = new FormClient(hub.url);
      planted.cookies.set(REFERRAL_COOKIE, madeUp);
      const page = await planted.request('GET', '/refer');
      expect(page.status).toBe(200);
      expect(planted.cookies.get(REFERRAL_COOKIE)).not.toBe(madeUp);
      const posted = await planted.submit('/refer', { immediateDanger: 'no' });
      expect(posted.status).toBe(303);
      expect(await draftItem(madeUp)).toBeUndefined();
    }
  });

  it('refuses a cross-site style POST without the token, and stores nothing', async () => {
    const client = new FormClient(hub.url);
    await client.request('GET', '/refer');
    const forged = await client.request('POST', '/refer', { immediateDanger: 'yes' });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await draftItem(client.cookies.get(REFERRAL_COOKIE)!)).toBeUndefined();
  });
});

describe('what a browser receives', () => {
  it('sends the security headers and the cookie attributes on the wire', async () => {
    const client = new FormClient(hub.url);
    const page = await client.request('GET', '/refer');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(
      /^mash_referral=[\w-]{43}\.[\w-]{43}; Path=\/refer; HttpOnly; SameSite=Lax$/,
    );
  });

  it('serves fonts as binary through the hub, and 404s traversal', async () => {
    const font = await fetch(`${hub.url}/assets/fonts/light-94a07e06a1-v2.woff2`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
    const bytes = new Uint8Array(await font.arrayBuffer());
    expect(new TextDecoder('latin1').decode(bytes.subarray(0, 4))).toBe('wOF2');
    const traversal = await fetch(`${hub.url}/assets/..%2F..%2F..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
  });
});
