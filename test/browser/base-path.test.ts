/**
 * One journey in a real browser, JavaScript off, against a hub served under `/prod` as API Gateway's
 * stage URL serves it (MASH_BASE_PATH): refer through to the confirmation, sign in on the local page,
 * open the case and triage it, sign out. The suite fails on any request the browser makes (a link, a
 * form, a redirect, a stylesheet, a font, an image) outside `/prod`, apart from the local hub's own
 * `/_local/sign-in` page, and on any link or form of each page that names a path outside it.
 *
 * Needs Debian's chromium at /usr/bin/chromium; without it the suite is skipped, or fails when CI is set.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, openContexts } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

const BASE = '/prod';

/** Whether a path the browser asked for, or a page names, is where the hub under /prod serves it. */
function insideSite(pathname: string): boolean {
  return pathname === BASE || pathname.startsWith(`${BASE}/`) || pathname === '/_local/sign-in';
}

describe.skipIf(!hasChromium)('the hub under /prod in a browser, JavaScript off', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  /** Every request of the hub's origin outside the prefix, and every link or form that names one. */
  const strays: string[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ basePath: BASE });
    browser = await launchBrowser();
    ({ page } = await openContexts(browser, hub.url));
    const origin = new URL(hub.url).origin;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === origin && !insideSite(url.pathname))
        strays.push(`${request.method()} ${url.pathname} (${request.resourceType()})`);
    });
    page.on('response', (response) => {
      // A font or image the stylesheet names from the root would 404 here.
      if (response.status() >= 400) strays.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function press(name: string) {
    const navigation = page.waitForNavigation();
    await page.getByRole('button', { name, exact: true }).click();
    await navigation;
  }

  async function choose(name: string, value: string) {
    await page.locator(`input[name="${name}"][value="${value}"]`).check();
  }

  function path(): string {
    return new URL(page.url()).pathname;
  }

  /** The page's links, forms, stylesheets, scripts and images all name paths under the prefix. */
  async function expectPageInsideSite() {
    const named = await page
      .locator('a[href], form[action], link[href], script[src], img[src]')
      .evaluateAll((elements) =>
        elements.map(
          (element) =>
            element.getAttribute('href') ??
            element.getAttribute('action') ??
            element.getAttribute('src') ??
            '',
        ),
      );
    for (const url of named) {
      if (url.startsWith('#') || /^(https:|mailto:|tel:)/.test(url)) continue;
      const target = new URL(url, page.url());
      if (!insideSite(target.pathname)) strays.push(`${path()} names ${url}`);
    }
  }

  it('refers, signs in, triages and signs out without ever leaving /prod', async () => {
    // The referral, without JavaScript.
    await page.goto(`${BASE}/`);
    await expectPageInsideSite();
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.waitForURL(`**${BASE}/refer`);
    const steps: Array<() => Promise<void>> = [
      () => choose('immediateDanger', 'no'),
      () => choose('existingSocialWorker', 'no'),
      async () => {
        await page.locator('#source').selectOption('1A');
        await page.getByLabel('Your full name').fill('Chris Relative');
        await page.getByLabel('Your relationship to the child or adult').fill('Aunt');
      },
      async () => {
        await choose('type', 'child');
        await page.getByLabel('First name').fill('Robin');
        await page.getByLabel('Last name').fill('Example');
      },
      () => choose('addAnother', 'no'),
      () => choose('addMember', 'no'),
      async () => {
        await choose('parentsAware', 'yes');
        await choose('consentGiven', 'yes');
        await page.getByLabel('Who gave consent? (optional)').fill('Mother');
      },
      async () => {
        await page.getByLabel('Missing from home, care or education').check();
        await page.getByLabel('Summarise your concern in a sentence or two').fill('Missing overnight');
        await page.getByLabel('Describe your concern').fill('Did not come home on Friday.');
      },
    ];
    for (const step of steps) {
      await expectPageInsideSite();
      await step();
      await press('Continue');
    }
    expect(path()).toBe(`${BASE}/refer/check-answers`);
    await expectPageInsideSite();
    await press('Send referral');
    expect(path()).toBe(`${BASE}/refer/confirmation`);
    await expectPageInsideSite();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text.
    const panel = await page.locator('.govuk-panel').innerText();
    const reference = /MASH-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(panel)?.[0];
    expect(reference).toBeDefined();

    // A staff page without a session sends the person to sign in, and sign-in brings them home under /prod.
    await page.goto(`${BASE}/workbench`);
    expect(path()).toBe('/_local/sign-in');
    await page.locator('#role-mash').check();
    await press('Sign in');
    expect(path()).toBe(`${BASE}/workbench`);
    await expectPageInsideSite();

    // The case, and its triage.
    const navigation = page.waitForNavigation();
    await page.getByRole('link', { name: reference!, exact: true }).first().click();
    await navigation;
    expect(path()).toMatch(new RegExp(`^${BASE}/workbench/cases/[0-9a-f-]{36}$`));
    await expectPageInsideSite();
    await choose('rag', 'amber');
    await press('Save rating');
    expect(page.url()).toMatch(new RegExp(`${BASE}/workbench/cases/[0-9a-f-]{36}\\?done=rated$`));
    await expectPageInsideSite();

    // Sign out (locally: the sign-in page at the root, which starts a new session).
    await page.getByRole('link', { name: 'Sign out or switch user' }).click();
    await page.waitForURL('**/_local/sign-in**');

    expect(strays).toEqual([]);
  });
});
