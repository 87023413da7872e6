/**
 * The harness the browser suites (test/browser) share: Debian's chromium, a context with JavaScript off
 * (the pages under test) and one with it on (for axe-core), the hub to test against, and the axe audit.
 *
 * axe needs JavaScript, so auditPage replays the no-JavaScript page's current state, byte for byte, in
 * the JavaScript context (the same URL, answered with the same HTML; styles and scripts still come from
 * the hub) and runs axe-core there.
 *
 * Chromium is Debian's, at /usr/bin/chromium. Without it the suites are skipped locally (with a
 * warning), but on CI (CI set) importing this module throws: CI installs chromium, so its absence is a
 * broken CI, and a skipped suite would leave the pages untested.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { startTestHub, type TestHub } from './hub.ts';

const CHROMIUM = '/usr/bin/chromium';
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

/** Whether CI is set (and not explicitly "false" or "0"). */
const onCi = !!process.env.CI && !['false', '0'].includes(process.env.CI.toLowerCase());

export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (onCi) {
    throw new Error(
      `The browser tests need ${CHROMIUM}, which is missing, and CI is set: CI installs chromium ` +
        '(apt-get install -y chromium), so this is a broken CI. Failing rather than skipping the browser suites.',
    );
  }
  console.warn(`Skipping the browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

/** Launches the headless chromium the suites use. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

export interface Contexts {
  /** JavaScript off: the pages under test. */
  noJs: BrowserContext;
  /** JavaScript on: where auditPage replays a page for axe-core. */
  withJs: BrowserContext;
  /** A page in the no-JavaScript context. */
  page: Page;
}

/** The no-JavaScript and JavaScript contexts on baseURL, and a page in the first. */
export async function openContexts(
  browser: Browser,
  baseURL: string,
  noJsOptions: BrowserContextOptions = {},
): Promise<Contexts> {
  const noJs = await browser.newContext({ ...noJsOptions, javaScriptEnabled: false, baseURL });
  const withJs = await browser.newContext({ javaScriptEnabled: true, baseURL });
  const page = await noJs.newPage();
  return { noJs, withJs, page };
}

/** The part of test/helpers/hub.ts the suites use; an already running hub (MASH_HUB_URL) has only a URL. */
export type BrowserHub = Pick<TestHub, 'url' | 'stop'> & Partial<Pick<TestHub, 'token' | 'api'>>;

/** The hub at MASH_HUB_URL when set (left running on stop), otherwise a local test hub. */
export async function startHubForBrowser(): Promise<BrowserHub> {
  if (process.env.MASH_HUB_URL) {
    return { url: process.env.MASH_HUB_URL.replace(/\/$/, ''), stop: async () => {} };
  }
  return startTestHub();
}

/** One node of one axe-core violation. */
export interface AxeFinding {
  /** The rule, e.g. "aria-allowed-attr". */
  id: string;
  help: string;
  /** axe's selector for the node; target[0] selects it in the replayed page. */
  target: string[];
  html: string;
}

export interface AuditOptions {
  /**
   * Lets one finding through. Called for every node of every violation, with the replayed page (as axe
   * saw it) to look at; a violation whose nodes are all let through is dropped. Opt-in: without it,
   * every violation fails the audit.
   */
  allow?: (finding: AxeFinding, replay: Page) => boolean | Promise<boolean>;
}

/**
 * Replays `page`'s current state in the JavaScript context `withJs` and runs axe-core on it; fails
 * (`axe on LABEL (URL)`) unless axe finds no violations, apart from the findings `options.allow` lets
 * through.
 */
export async function auditPage(
  page: Page,
  withJs: BrowserContext,
  label: string,
  options: AuditOptions = {},
): Promise<void> {
  const url = page.url();
  const html = await page.content();
  const replay = await withJs.newPage();
  try {
    await replay.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await replay.goto(url, { waitUntil: 'load' });
    await replay.addScriptTag({ path: AXE });
    const found = await replay.evaluate(async () => {
      type Node = { target: string[]; html: string };
      const axe = (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: Array<{ id: string; help: string; nodes: Node[] }> }> };
        }
      ).axe;
      const results = await axe.run();
      return results.violations.map((v) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
      }));
    });
    const violations: Array<{ id: string; help: string; targets: string[] }> = [];
    for (const { id, help, nodes } of found) {
      const kept: string[] = [];
      for (const node of nodes) {
        if (options.allow && (await options.allow({ id, help, ...node }, replay))) continue;
        kept.push(JSON.stringify(node.target));
      }
      if (kept.length > 0) violations.push({ id, help, targets: kept });
    }
    expect(violations, `axe on ${label} (${url})`).toEqual([]);
  } finally {
    await replay.close();
  }
}
