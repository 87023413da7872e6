/** The hub's workbench pages through the local hub: signed-in staff only, the queue by deadline, the case page. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { getPage, signIn as signInAs } from '../helpers/pages.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

const signIn = (role: string, agency?: string) => signInAs(hub.url, role, agency);
const page = (path: string, cookie?: string) => getPage(hub.url, path, cookie);

describe('/workbench', () => {
  it('sends someone who is not signed in to sign in, and refuses other roles', async () => {
    const anonymous = await page('/workbench');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/_local/sign-in?next=%2Fworkbench');
    const forged = await page('/workbench', 'mash_session=forged.token.value');
    expect(forged.status).toBe(303);
    const board = await page('/workbench', await signIn('board'));
    expect(board.status).toBe(403);
  });

  it('lists referrals soonest deadline first, with rating and time left, escaping what referrers typed', async () => {
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-06-08T09:00:00.000Z' } });
    const amber = await hub.api('POST', '/api/referrals', { body: validReferral() });
    const red = await hub.api('POST', '/api/referrals', { body: validReferral({ immediateDanger: true }) });
    const hostile = validReferral();
    hostile.subjects[0]!.firstName = '<img src=x onerror=alert(1)>';
    const hostileCase = await hub.api('POST', '/api/referrals', { body: hostile });

    const cookie = await signIn('mash');
    const queue = await page('/workbench', cookie);
    expect(queue.status).toBe(200);
    const redAt = queue.html.indexOf(red.json.reference);
    const amberAt = queue.html.indexOf(amber.json.reference);
    expect(redAt).toBeGreaterThan(0);
    expect(redAt).toBeLessThan(amberAt);
    expect(queue.html).toMatch(/(4 hours|3 hours 59 minutes) left/);
    expect(queue.html).toContain('Not rated');

    const overdue = await page('/workbench?overdue=true', cookie);
    expect(overdue.html).toContain('No referrals match');

    const list = await hub.api('GET', '/api/cases?limit=500', { token: await hub.token('mash') });
    const id = list.json.items.find(
      (item: { reference: string }) => item.reference === hostileCase.json.reference,
    ).id;
    const detail = await page(`/workbench/cases/${id}`, cookie);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(detail.html).not.toContain('<img src=x');

    const audit = await hub.documents.send(
      new QueryCommand({
        TableName: 'mash-cases',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `CASE#${id}`, ':audit': 'AUDIT#' },
      }),
    );
    expect((audit.Items ?? []).map((item) => item.action)).toContain('case.viewed');
  });

  it('answers "Page not found" to a Next page link the queue did not write', async () => {
    const mash = await signIn('mash');
    // Well-formed base64url, but not a key of this listing: {"dueListPk":"OTHER"} and plain junk.
    const forged = Buffer.from(JSON.stringify({ dueListPk: 'OTHER' })).toString('base64url');
    for (const cursor of [forged, 'bm90LWEtY3Vyc29y']) {
      const response = await page(`/workbench?cursor=${cursor}`, mash);
      expect(response.status, cursor).toBe(404);
      expect(response.html).toContain('Page not found');
    }
  });

  it('answers 404 for an unknown case', async () => {
    const cookie = await signIn('manager');
    expect((await page('/workbench/cases/00000000-0000-4000-8000-000000000000', cookie)).status).toBe(404);
    expect((await page('/workbench/cases/not-an-id', cookie)).status).toBe(404);
  });
});
