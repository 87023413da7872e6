/**
 * The staff pages' forms through the local hub with plain fetch (no browser): the workbench case page
 * (rate, ask agencies, consent override, decide, audit trail) and the agency portal (requests,
 * answering, products). Every POST carries the session-bound CSRF token; the firewall holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { getPage, type PageResult, signIn as signInAs } from '../helpers/pages.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  // Monday 8 June 2026, 09:00 London: inside working hours, so deadlines are predictable.
  await hub.api('PUT', '/_local/clock', { body: { now: '2026-06-08T08:00:00.000Z' } });
});
afterAll(async () => {
  await hub?.stop();
});

const HOSTILE = '<script>alert("answer")</script>';
const SECRET = 'Health-only: not for release 7731';
/** Headers of a form post from another site's page: each alone must get the post refused. */
const CROSS_SITE_HEADERS = (hubUrl: string): Array<Record<string, string>> => [
  { origin: 'https://evil.example' },
  { origin: hubUrl.replace('127.0.0.1', 'localhost') },
  { origin: hubUrl, 'x-forwarded-proto': 'https' },
  { origin: 'null', 'sec-fetch-site': 'cross-site' },
  { 'sec-fetch-site': 'same-site' },
  { origin: hubUrl, 'sec-fetch-site': 'cross-site' },
];
/** Query values a plain-object lookup would find on Object.prototype. */
const PROTOTYPE_NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'nothing'];

const signIn = (role: string, agency?: string) => signInAs(hub.url, role, agency);
const page = (path: string, cookie: string) => getPage(hub.url, path, cookie);

async function post(
  path: string,
  cookie: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<PageResult> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  }
  const response = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(token, 'the page has a form with a CSRF token').toBeDefined();
  return token!;
}

/** GETs the page, then posts one of its forms with the page's own CSRF token. */
async function submit(
  pagePath: string,
  action: string,
  cookie: string,
  form: Record<string, string | string[]>,
): Promise<PageResult> {
  const opened = await page(pagePath, cookie);
  expect(opened.status, `GET ${pagePath}`).toBe(200);
  return post(action, cookie, { _csrf: csrfOf(opened.html), ...form });
}

async function createCase(consentGiven: boolean): Promise<{ id: string; reference: string }> {
  const referral = validReferral();
  referral.consent = consentGiven
    ? { parentsAware: true, consentGiven: true }
    : { parentsAware: true, consentGiven: false, reasonIfNot: 'Telling them could put the child at risk' };
  const created = await hub.api('POST', '/api/referrals', { body: referral });
  expect(created.status).toBe(201);
  const token = await hub.token('mash');
  const list = await hub.api('GET', '/api/cases?limit=500', { token });
  const item = list.json.items.find(
    (entry: { reference: string }) => entry.reference === created.json.reference,
  );
  return { id: item.id, reference: created.json.reference };
}

async function apiCase(id: string) {
  const response = await hub.api('GET', `/api/cases/${id}`, { token: await hub.token('manager') });
  expect(response.status).toBe(200);
  return response.json;
}

async function settle() {
  const settled = await hub.api('POST', '/_local/settle');
  expect(settled.status).toBe(200);
}

/** The request id for an agency, from its portal list (a link to /agency/requests/ID next to the reference). */
function requestIdFor(html: string, reference: string): string {
  const match = new RegExp(`href="/agency/requests/([0-9a-f-]{36})">${reference}<`).exec(html);
  expect(match, `the list links the request about ${reference}`).not.toBeNull();
  return match![1]!;
}

describe('workbench case page forms', () => {
  let kase: { id: string; reference: string };
  let mash: string;

  beforeAll(async () => {
    kase = await createCase(true);
    mash = await signIn('mash');
  });

  it('rates with the CSRF token: 303 back to the case with a banner, and the API shows the rating', async () => {
    const casePath = `/workbench/cases/${kase.id}`;
    const opened = await page(casePath, mash);
    expect(opened.html).toContain('Rate this referral');
    expect(opened.html).toContain('A re-rating needs a rationale');
    const rated = await post(`${casePath}/rate`, mash, { _csrf: csrfOf(opened.html), rag: 'amber' });
    expect(rated.status).toBe(303);
    expect(rated.location).toBe(`${casePath}?done=rated`);
    const after = await page(rated.location!, mash);
    expect(after.html).toContain('govuk-notification-banner--success');
    expect(after.html).toContain('Rating saved');
    expect((await apiCase(kase.id)).rag).toBe('amber');
  });

  it('answers ?done= naming an Object.prototype member with the page and no banner, never a 500', async () => {
    for (const done of PROTOTYPE_NAMES) {
      const shown = await page(`/workbench/cases/${kase.id}?done=${done}`, mash);
      expect(shown.status, `?done=${done}`).toBe(200);
      expect(shown.html, `?done=${done}`).not.toContain('govuk-notification-banner--success');
    }
  });

  it('refuses a POST without, with a wrong, or with another session’s CSRF token, and changes nothing', async () => {
    const action = `/workbench/cases/${kase.id}/rate`;
    const form = { rag: 'red', rateRationale: 'Escalating' };
    expect((await post(action, mash, form)).status).toBe(403);
    expect((await post(action, mash, { ...form, _csrf: 'forged-token' })).status).toBe(403);
    const otherSession = await signIn('mash');
    const othersToken = csrfOf((await page(`/workbench/cases/${kase.id}`, otherSession)).html);
    const refused = await post(action, mash, { ...form, _csrf: othersToken });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Nothing was changed');
    const record = await apiCase(kase.id);
    expect(record.rag).toBe('amber');
    expect(record.ratingHistory).toHaveLength(1);
  });

  it('refuses a form another site posts (Origin, Sec-Fetch-Site) even with a valid token; takes its own', async () => {
    const casePath = `/workbench/cases/${kase.id}`;
    const form = { rag: 'amber', rateRationale: 'Re-rated after a call' };
    expect((await apiCase(kase.id)).rag).toBe('amber');
    for (const headers of CROSS_SITE_HEADERS(hub.url)) {
      const token = csrfOf((await page(casePath, mash)).html);
      const refused = await post(`${casePath}/rate`, mash, { ...form, rag: 'red', _csrf: token }, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.html).toContain('Nothing was changed');
    }
    expect((await apiCase(kase.id)).rag).toBe('amber');
    // Its own origin; and what Chromium sends under Referrer-Policy: no-referrer, Origin null from same-origin.
    for (const headers of [
      { origin: hub.url, 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { origin: hub.url, 'x-forwarded-proto': 'http' },
    ] as Array<Record<string, string>>) {
      const token = csrfOf((await page(casePath, mash)).html);
      const taken = await post(`${casePath}/rate`, mash, { ...form, _csrf: token }, headers);
      expect(taken.status, JSON.stringify(headers)).toBe(303);
    }
  });

  it('shows a re-rating without a rationale as a 400 page with the error linked to the field', async () => {
    const response = await submit(`/workbench/cases/${kase.id}`, `/workbench/cases/${kase.id}/rate`, mash, {
      rag: 'red',
      rateRationale: '  ',
    });
    expect(response.status).toBe(400);
    expect(response.html).toContain('<title>Error: ');
    expect(response.html).toContain('href="#rateRationale"');
    expect(response.html).toContain('id="rateRationale-error"');
    expect(response.html).toContain('Give a rationale for changing the rating.');
    // The other choice the person made is kept.
    expect(response.html).toMatch(/name="rag" type="radio" value="red" checked/);
    expect((await apiCase(kase.id)).rag).toBe('amber');
  });

  it('shows a missing choice and a wrong outcome family as field errors', async () => {
    const path = `/workbench/cases/${kase.id}`;
    const noRating = await submit(path, `${path}/rate`, mash, {});
    expect(noRating.status).toBe(400);
    expect(noRating.html).toContain('href="#rag"');
    const noAgency = await submit(path, `${path}/request`, mash, { questions: 'Anything?' });
    expect(noAgency.status).toBe(400);
    expect(noAgency.html).toContain('href="#agencies"');
    expect(noAgency.html).toContain('Anything?');
    const adultOutcome = await submit(path, `${path}/decide`, mash, {
      outcome: 'S42_ENQUIRY',
      decisionRationale: 'Enquiry needed',
    });
    expect(adultOutcome.status).toBe(400);
    expect(adultOutcome.html).toContain('href="#outcome"');
    expect(adultOutcome.html).toContain('choose a children’s outcome');
    // Only children's outcomes are offered for a child.
    expect(adultOutcome.html).toContain('value="S17_ASSESSMENT"');
    expect(adultOutcome.html).not.toContain('value="S42_ENQUIRY"');
  });

  it('shows only the forms a role may use, and refuses the others with 403', async () => {
    const manager = await signIn('manager');
    const managerView = await page(`/workbench/cases/${kase.id}`, manager);
    expect(managerView.html).not.toContain(`action="/workbench/cases/${kase.id}/rate"`);
    expect(managerView.html).toContain(`/workbench/cases/${kase.id}/audit`);
    const refused = await post(`/workbench/cases/${kase.id}/rate`, manager, {
      // CSRF tokens are bound to the session, not the page: take the manager's from another case.
      _csrf: csrfOf(await csrfPage(manager)),
      rag: 'red',
      rateRationale: 'Worse',
    });
    expect(refused.status).toBe(403);
    const mashView = await page(`/workbench/cases/${kase.id}`, mash);
    expect(mashView.html).not.toContain('/audit"');
    const agency = await signIn('agency', 'police');
    expect((await page(`/workbench/cases/${kase.id}`, agency)).status).toBe(403);
    expect((await apiCase(kase.id)).rag).toBe('amber');
  });
});

/** A page with a staff form for a manager: the consent override of a new no-consent case. */
async function csrfPage(manager: string): Promise<string> {
  const other = await createCase(false);
  return (await page(`/workbench/cases/${other.id}`, manager)).html;
}

describe('the journey: consent override, requests, answers, decision, products, audit', () => {
  let kase: { id: string; reference: string };
  let mash: string;
  let manager: string;
  let police: string;
  let health: string;
  let policeRequestId: string;
  let healthRequestId: string;

  beforeAll(async () => {
    kase = await createCase(false);
    [mash, manager, police, health] = await Promise.all([
      signIn('mash'),
      signIn('manager'),
      signIn('agency', 'police'),
      signIn('agency', 'health'),
    ]);
  });

  it('explains that a manager must authorise checks when consent was not given', async () => {
    const path = `/workbench/cases/${kase.id}`;
    expect((await submit(path, `${path}/rate`, mash, { rag: 'amber' })).status).toBe(303);
    const opened = await page(path, mash);
    expect(opened.html).toContain('a consent override');
    expect(opened.html).toContain('A manager must first record why checks are needed without consent');
    expect(opened.html).not.toContain(`action="${path}/request"`);
    expect(opened.html).not.toContain(`action="${path}/consent-override"`);
    const refused = await post(`${path}/request`, mash, { _csrf: csrfOf(opened.html), agencies: 'police' });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('a manager must authorise agency checks');
    expect(refused.html).toContain('href="#requests"');
    // A practitioner cannot override.
    expect(
      (await post(`${path}/consent-override`, mash, { _csrf: csrfOf(opened.html), overrideRationale: 'x' }))
        .status,
    ).toBe(403);
  });

  it('lets a manager override, then a practitioner ask police and health', async () => {
    const path = `/workbench/cases/${kase.id}`;
    const empty = await submit(path, `${path}/consent-override`, manager, { overrideRationale: '' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#overrideRationale"');
    const overridden = await submit(path, `${path}/consent-override`, manager, {
      overrideRationale: 'Telling the family would put the child at risk of significant harm',
    });
    expect(overridden.status).toBe(303);
    expect(overridden.location).toBe(`${path}?done=consent-overridden`);
    const after = await page(overridden.location!, manager);
    expect(after.html).toContain('Authorised by');
    expect(after.html).toContain('Telling the family would put the child at risk of significant harm');

    const requested = await submit(path, `${path}/request`, mash, {
      agencies: ['police', 'health'],
      questions: 'Any incidents at the address?',
    });
    expect(requested.status).toBe(303);
    expect(requested.location).toBe(`${path}?done=requested`);
    const listed = await page(requested.location!, mash);
    expect(listed.html).toContain('Information requested');
    expect(listed.html).toContain('2 requests, 2 waiting for an answer');
  });

  it('puts each request in its agency’s portal after the queues settle, and nowhere else', async () => {
    await settle();
    const policeList = await page('/agency', police);
    expect(policeList.status).toBe(200);
    expect(policeList.html).toContain(kase.reference);
    expect(policeList.html).toContain('1 waiting for your answer');
    policeRequestId = requestIdFor(policeList.html, kase.reference);
    healthRequestId = requestIdFor((await page('/agency', health)).html, kase.reference);
    expect(healthRequestId).not.toBe(policeRequestId);

    const opened = await page(`/agency/requests/${policeRequestId}`, police);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('Any incidents at the address?');
    expect(opened.html).toContain('Alex Example');
    expect(opened.html).toContain('2 March 2015');
    expect(opened.html).toContain('1 Example Road, Norwich, NR1 1AA');
    // The firewall: nothing of the referral beyond the search details.
    expect(opened.html).not.toContain('943 476 5919');
    expect(opened.html).not.toContain('arrives hungry');
    expect(opened.html).not.toContain('Sam Teacher');

    const education = await signIn('agency', 'education');
    expect((await page(`/agency/requests/${policeRequestId}`, education)).status).toBe(404);
    expect((await page('/agency', education)).html).not.toContain(kase.reference);
    // Another agency cannot answer it either: health's own valid token, police's request → not found.
    const probe = await post(`/agency/requests/${policeRequestId}/respond`, health, {
      _csrf: csrfOf((await page(`/agency/requests/${healthRequestId}`, health)).html),
      information: 'x',
      releasable: 'yes',
    });
    expect(probe.status).toBe(404);
    expect((await page(`/agency/requests/${healthRequestId}`, police)).status).toBe(404);
    // A workbench role is not an agency.
    expect((await page('/agency', mash)).status).toBe(403);
  });

  it('takes the agencies’ answers, checking the form and escaping what they typed', async () => {
    const policePath = `/agency/requests/${policeRequestId}`;
    const incomplete = await submit(policePath, `${policePath}/respond`, police, { information: '' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.html).toContain('href="#information"');
    expect(incomplete.html).toContain('href="#releasable"');
    expect(incomplete.html).toContain('Select yes if this information may leave the hub');

    const refused = await post(`${policePath}/respond`, police, { information: 'x', releasable: 'yes' });
    expect(refused.status).toBe(403);

    for (const headers of CROSS_SITE_HEADERS(hub.url)) {
      const token = csrfOf((await page(policePath, police)).html);
      const crossSite = await post(
        `${policePath}/respond`,
        police,
        { _csrf: token, information: 'From elsewhere', releasable: 'yes' },
        headers,
      );
      expect(crossSite.status, JSON.stringify(headers)).toBe(403);
    }

    const answered = await submit(policePath, `${policePath}/respond`, police, {
      information: `Two call-outs in May.\n${HOSTILE}`,
      releasable: 'yes',
    });
    expect(answered.status).toBe(303);
    expect(answered.location).toBe(`${policePath}?done=answered`);
    const shown = await page(answered.location!, police);
    expect(shown.html).toContain('Your answer has been sent to the hub.');
    expect(shown.html).toContain('Two call-outs in May.');
    expect(shown.html).toContain('&lt;script&gt;alert(&quot;answer&quot;)&lt;/script&gt;');
    expect(shown.html).not.toContain(HOSTILE);
    expect(shown.html).not.toContain(`action="${policePath}/respond"`);

    for (const done of PROTOTYPE_NAMES) {
      const odd = await page(`${policePath}?done=${done}`, police);
      expect(odd.status, `?done=${done}`).toBe(200);
      expect(odd.html, `?done=${done}`).not.toContain('govuk-notification-banner--success');
    }

    const healthPath = `/agency/requests/${healthRequestId}`;
    expect(
      (await submit(healthPath, `${healthPath}/respond`, health, { information: SECRET, releasable: 'no' }))
        .status,
    ).toBe(303);

    const casePage = await page(`/workbench/cases/${kase.id}`, mash);
    expect(casePage.html).toContain('Two call-outs in May.');
    expect(casePage.html).toContain('&lt;script&gt;alert(&quot;answer&quot;)&lt;/script&gt;');
    expect(casePage.html).not.toContain(HOSTILE);
    expect(casePage.html).toContain(SECRET);
    expect(casePage.html).toContain('No: it stays in the hub');
    expect(casePage.html).toContain('Ready to decide');
  });

  it('decides with a recipient: the product holds the released answer and never the other', async () => {
    const path = `/workbench/cases/${kase.id}`;
    const decided = await submit(path, `${path}/decide`, mash, {
      outcome: 'S17_ASSESSMENT',
      decisionRationale: 'Needs assessment; <b>bold</b> claim',
      recipientAgency: 'childrens-social-care',
    });
    expect(decided.status).toBe(303);
    expect(decided.location).toBe(`${path}?done=decided`);
    const after = await page(decided.location!, mash);
    expect(after.html).toContain('Decision recorded.');
    expect(after.html).toContain('Children&#39;s social care');
    expect(after.html).not.toContain(`action="${path}/decide"`);
    expect(after.html).not.toContain(`action="${path}/rate"`);

    await settle();
    const csc = await signIn('agency', 'childrens-social-care');
    const products = await page('/agency/products', csc);
    expect(products.status).toBe(200);
    expect(products.html).toContain(kase.reference);
    expect(products.html).toContain('A social work assessment of the child’s needs (section 17)');
    expect(products.html).toContain('Two call-outs in May.');
    expect(products.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(products.html).not.toContain('<b>bold</b>');
    expect(products.html).not.toContain(HOSTILE);
    expect(products.html).not.toContain(SECRET);
    const home = await page('/agency', csc);
    expect(home.html).toContain(kase.reference);
    expect(home.html).not.toContain(SECRET);
    // Police got no product.
    expect((await page('/agency/products', police)).html).not.toContain(kase.reference);
  });

  it('shows the audit trail to managers only', async () => {
    const path = `/workbench/cases/${kase.id}/audit`;
    expect((await page(path, mash)).status).toBe(403);
    const trail = await page(path, manager);
    expect(trail.status).toBe(200);
    for (const action of [
      'Referral received',
      'Rated',
      'Consent override recorded',
      'Information requested',
      'Request opened by the agency',
      'Agency answered',
      'Decided',
      'Audit trail opened',
    ]) {
      expect(trail.html, action).toContain(action);
    }
    expect(trail.html).toContain('Police');
    expect(trail.html).toMatch(/\d{1,2}:\d{2}(am|pm) on Monday 8 June 2026/);
    expect((await page('/workbench/cases/00000000-0000-4000-8000-000000000000/audit', manager)).status).toBe(
      404,
    );
  });
});

describe('deadlines on the pages: overdue requests and late answers', () => {
  it('tags an open request past its due time as overdue, and its answer as late', async () => {
    const kase = await createCase(true);
    const path = `/workbench/cases/${kase.id}`;
    let mash = await signIn('mash');
    // Red: agencies answer within 2 hours, wall-clock.
    expect((await submit(path, `${path}/rate`, mash, { rag: 'red' })).status).toBe(303);
    expect((await submit(path, `${path}/request`, mash, { agencies: 'housing' })).status).toBe(303);
    await settle();

    const record = await apiCase(kase.id);
    const due = Date.parse(record.requests[0].dueAt);
    await hub.api('PUT', '/_local/clock', { body: { now: new Date(due + 60_000).toISOString() } });

    const housing = await signIn('agency', 'housing');
    const list = await page('/agency', housing);
    expect(list.html).toMatch(/govuk-tag--red[^>]*>\s*Overdue/);
    const id = requestIdFor(list.html, kase.reference);
    const opened = await page(`/agency/requests/${id}`, housing);
    expect(opened.html).toMatch(/govuk-tag--red[^>]*>\s*Overdue/);
    mash = await signIn('mash');
    expect((await page(path, mash)).html).toMatch(/govuk-tag--red[^>]*>\s*Overdue/);

    const answered = await submit(`/agency/requests/${id}`, `/agency/requests/${id}/respond`, housing, {
      information: 'No housing record.',
      releasable: 'yes',
    });
    expect(answered.status).toBe(303);
    expect((await page(answered.location!, housing)).html).toMatch(/govuk-tag--orange[^>]*>\s*Late/);
    expect((await page('/agency', housing)).html).toContain('Answered late');
    const casePage = await page(path, mash);
    expect(casePage.html).toMatch(/govuk-tag--orange[^>]*>\s*Late/);
    expect(casePage.html).not.toMatch(/govuk-tag--red[^>]*>\s*Overdue/);
  });
});
