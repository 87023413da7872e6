/**
 * The hub's journey in a real browser with JavaScript off, against a local hub: a practitioner rates
 * a referral and asks police and health; each agency answers in its portal (police releasable, health
 * not); the practitioner decides and sends the information product to children's social care, whose
 * portal shows the police answer and never the health one. axe-core audits every staff page and error
 * state, replayed byte for byte in a JavaScript context (test/helpers/browser.ts).
 *
 * Needs Debian's chromium at /usr/bin/chromium; without it the suite is skipped, or fails when CI is set.
 * MASH_HUB_URL runs it against a hub that is already running instead of starting one.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  type BrowserHub,
  hasChromium,
  launchBrowser,
  openContexts,
  startHubForBrowser,
} from '../helpers/browser.ts';
import { validReferral } from '../helpers/referrals.ts';

const POLICE_ANSWER = 'Two domestic incidents at the address in May <b>2026</b>.';
const HEALTH_ANSWER = 'Missed immunisations; a confidential clinical note that must stay in the hub.';

async function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, as asserted here.
  return locator.innerText();
}

describe.skipIf(!hasChromium)('the hub journey in a browser, JavaScript off', () => {
  let hub: BrowserHub;
  let browser: Browser;
  let withJs: BrowserContext;
  let page: Page;
  const audited: string[] = [];

  /** The hub's public and local-only endpoints over plain HTTP (works with MASH_HUB_URL too). */
  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async function settle() {
    expect((await call('POST', '/_local/settle')).status).toBe(200);
  }

  beforeAll(async () => {
    hub = await startHubForBrowser();
    browser = await launchBrowser();
    ({ withJs, page } = await openContexts(browser, hub.url));
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  /**
   * Audits the no-JavaScript page's current state with axe-core. No exception is allowed: these pages
   * use no conditionally revealed radios, so the narrow aria-expanded allowance of the referral form's
   * audit is not needed here.
   */
  async function audit(label: string) {
    await auditPage(page, withJs, label);
    audited.push(label);
  }

  async function press(name: string) {
    const navigation = page.waitForNavigation();
    await page.getByRole('button', { name, exact: true }).click();
    await navigation;
  }

  async function follow(name: string) {
    const navigation = page.waitForNavigation();
    await page.getByRole('link', { name, exact: true }).first().click();
    await navigation;
  }

  async function choose(name: string, value: string) {
    await page.locator(`input[name="${name}"][value="${value}"]`).check();
  }

  function path(): string {
    const url = new URL(page.url());
    return url.pathname + url.search;
  }

  /** Signs in through the local sign-in page, as a person would; the hub sends them to their home page. */
  async function signInAs(role: string, agency?: string) {
    await page.goto('/_local/sign-in');
    await page.locator(`#role-${role}`).check();
    if (agency) await page.locator('#agency').selectOption(agency);
    await press('Sign in');
  }

  /** The error summary lists each message as a link to the field, and each field carries its message. */
  async function expectErrors(fieldIds: string[]) {
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('.govuk-error-summary');
    expect(await visibleText(summary.locator('h2'))).toBe('There is a problem');
    const hrefs = await summary
      .locator('a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(hrefs).toEqual(fieldIds.map((id) => `#${id}`));
    for (const id of fieldIds) {
      expect(await page.locator(`[id="${id}"]`).count(), `field #${id} exists`).toBe(1);
      expect(await page.locator(`[id="${id}-error"]`).count(), `#${id} has its message`).toBe(1);
    }
  }

  async function banner(): Promise<string> {
    return visibleText(page.locator('.govuk-notification-banner--success'));
  }

  it('rates, asks agencies, gathers answers, decides and releases only what may leave the hub', async () => {
    const referral = validReferral();
    referral.consent = { parentsAware: true, consentGiven: true };
    const created = await call('POST', '/api/referrals', referral);
    expect(created.status).toBe(201);
    const reference = created.json.reference as string;

    // The practitioner: queue, case, rating.
    await signInAs('mash');
    expect(path()).toBe('/workbench');
    expect(await visibleText(page.locator('.govuk-service-navigation'))).toContain('Referrals');
    await audit('queue');
    await follow(reference);
    const caseUrl = path();
    expect(caseUrl).toMatch(/^\/workbench\/cases\/[0-9a-f-]{36}$/);
    expect(await visibleText(page.locator('h1'))).toBe(`Referral ${reference}`);
    await audit('case page with forms');

    await press('Save rating');
    await expectErrors(['rag']);
    await audit('case page, no rating chosen');
    await choose('rag', 'amber');
    await press('Save rating');
    expect(path()).toBe(`${caseUrl}?done=rated`);
    expect(await banner()).toContain('Rating saved');
    await audit('case page, rated');

    // A re-rating needs a rationale.
    await choose('rag', 'red');
    await press('Save rating');
    await expectErrors(['rateRationale']);
    expect(await visibleText(page.locator('#rateRationale-error'))).toContain(
      'Give a rationale for changing the rating',
    );
    await audit('case page with errors');

    await page.goto(caseUrl);
    await page.getByLabel('Police', { exact: true }).check();
    await page.getByLabel('Health', { exact: true }).check();
    await page.getByLabel('Questions (optional)').fill('Any incidents or missed appointments?');
    await press('Send requests');
    expect(path()).toBe(`${caseUrl}?done=requested`);
    expect(await visibleText(page.locator('#requests ~ table').first())).toContain('Police');
    await audit('case page, requests sent');

    await settle();

    // Police: releasable.
    await signInAs('agency', 'police');
    expect(path()).toBe('/agency');
    expect(await visibleText(page.locator('.govuk-service-navigation'))).toContain('Products');
    expect(await visibleText(page.locator('main'))).toContain(reference);
    await audit('agency list');
    await follow(reference);
    expect(await visibleText(page.locator('main'))).toContain('Any incidents or missed appointments?');
    expect(await visibleText(page.locator('main'))).toContain('Alex Example');
    await audit('agency request');
    await press('Send answer');
    await expectErrors(['information', 'releasable']);
    await audit('agency request with errors');
    await page.getByLabel('What does your agency hold?').fill(POLICE_ANSWER);
    await choose('releasable', 'yes');
    await press('Send answer');
    expect(path()).toMatch(/^\/agency\/requests\/[0-9a-f-]{36}\?done=answered$/);
    expect(await banner()).toContain('Your answer has been sent to the hub');
    expect(await visibleText(page.locator('main'))).toContain(POLICE_ANSWER);
    await audit('agency request answered');

    // Health: not releasable.
    await signInAs('agency', 'health');
    await follow(reference);
    await page.getByLabel('What does your agency hold?').fill(HEALTH_ANSWER);
    await choose('releasable', 'no');
    await press('Send answer');
    expect(await visibleText(page.locator('main'))).toContain('No: it stays in the hub');

    // The practitioner decides and sends the product to children's social care.
    await signInAs('mash');
    await follow(reference);
    const answers = await visibleText(page.locator('main'));
    expect(answers).toContain(POLICE_ANSWER);
    expect(answers).toContain(HEALTH_ANSWER);
    expect(answers).toContain('Ready to decide');
    await choose('outcome', 'S17_ASSESSMENT');
    await page.getByLabel('Rationale for the decision').fill('Needs a social work assessment.');
    await page.getByLabel('Send the information product to').selectOption('childrens-social-care');
    await press('Record decision');
    expect(path()).toBe(`${caseUrl}?done=decided`);
    expect(await banner()).toContain('Decision recorded');
    await audit('case page, decided');

    await settle();

    // Children's social care: the police answer arrived, the health answer did not.
    await signInAs('agency', 'childrens-social-care');
    await follow('Products');
    expect(path()).toBe('/agency/products');
    const product = await visibleText(page.locator('main'));
    expect(product).toContain(reference);
    expect(product).toContain('A social work assessment of the child’s needs (section 17)');
    expect(product).toContain(POLICE_ANSWER);
    expect(product).not.toContain(HEALTH_ANSWER);
    expect(await page.content()).not.toContain('confidential clinical note');
    await audit('agency products');
    await follow('Requests');
    expect(await visibleText(page.locator('main'))).toContain(reference);
    await audit('agency list with a product');

    // The manager's audit trail.
    await signInAs('manager');
    await follow(reference);
    await follow('Audit trail: who opened and changed this case');
    expect(path()).toBe(`${caseUrl}/audit`);
    const trail = await visibleText(page.locator('main'));
    for (const action of [
      'Referral received',
      'Rated',
      'Information requested',
      'Agency answered',
      'Decided',
    ]) {
      expect(trail).toContain(action);
    }
    await audit('audit page');
  }, 180_000);

  it('shows a manager the consent override form on a no-consent case', async () => {
    const referral = validReferral();
    const created = await call('POST', '/api/referrals', referral);
    expect(created.status).toBe(201);
    await signInAs('manager');
    await follow(created.json.reference);
    await press('Authorise agency checks');
    await expectErrors(['overrideRationale']);
    await audit('case page, consent override error');
    await page
      .getByLabel('Why are agency checks needed without consent?')
      .fill('Telling the family would put the child at risk of significant harm.');
    await press('Authorise agency checks');
    expect(await banner()).toContain('Your authorisation is recorded');
    await audit('case page, consent overridden');
  }, 60_000);

  it('audited every new page and error state', () => {
    expect(audited).toEqual(
      expect.arrayContaining([
        'queue',
        'case page with forms',
        'case page with errors',
        'audit page',
        'agency list',
        'agency request',
        'agency products',
      ]),
    );
  });
});
