/**
 * The board's dashboard in a real browser with JavaScript off, against a local hub with four monthly
 * exports written straight into its reports bucket (made the way the metrics job makes them: a raw export
 * through the disclosure control, then the JSON and CSV writers). Signs in as the board through the local
 * sign-in form, then checks that every chart and its table show the exports' figures (with "c" and "–"
 * where the export has them), that downloads work for the board and only for the board, that bad ids name
 * nothing, and that axe-core finds no violations on the dashboard, its empty state and the definitions.
 *
 * axe needs JavaScript, so each page seen without JavaScript is replayed, byte for byte, in a second
 * context with JavaScript on and audited there (test/helpers/browser.ts).
 *
 * Needs Debian's chromium at /usr/bin/chromium; without it the suite is skipped, or fails when CI is set.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionsMarkdown } from '../../src/domain/metrics/definitions.ts';
import { applyDisclosureControl } from '../../src/domain/metrics/disclosure.ts';
import { toCsv, toJson } from '../../src/domain/metrics/export-format.ts';
import {
  exportFromFigures,
  type PublishedExport,
  type RawExport,
} from '../../src/domain/metrics/export-schema.ts';
import { periodBounds } from '../../src/domain/metrics/periods.ts';
import { reportsBucket } from '../../src/resources.ts';
import { definitionsKey, reportKey } from '../../src/store/report-store.ts';
import { auditPage, hasChromium, launchBrowser, openContexts } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

const MONTHS = ['2026-07', '2026-08', '2026-09', '2026-10'] as const;

/**
 * A consistent raw export for month `k` (0 to 3): every additive group adds up, some counts are 1 to 5
 * (so the disclosure control publishes "c"), and some rates have no denominator (published as null).
 */
function rawExport(periodId: string, k: number): RawExport {
  const referrals = 40 + 10 * k;
  const decided = referrals - 4;
  const values: Record<string, number | null> = {
    'volume.referrals': referrals,
    'volume.bySource.1A': referrals - 37,
    'volume.bySource.2A': 12,
    'volume.bySource.3A': 3,
    'volume.bySource.3E': 4,
    'volume.bySource.5A': 8,
    'volume.bySource.6': 10,
    'volume.byRag.red': 10,
    'volume.byRag.amber': 15,
    'volume.byRag.green': referrals - 25,
    'volume.byCategory.neglect': referrals,
    'volume.bySubjectType.child': referrals - 8,
    'volume.bySubjectType.adult': 8,
    'timeliness.decided': decided,
    'timeliness.withinTimescale': decided - 4,
    'timeliness.pctWithinTimescale': Math.round(((decided - 4) / decided) * 1000) / 10,
    'timeliness.byRag.red.decided': 10,
    'timeliness.byRag.red.withinTimescale': 9,
    'timeliness.byRag.red.pctWithinTimescale': 90,
    'timeliness.byRag.amber.decided': 15,
    'timeliness.byRag.amber.withinTimescale': 14,
    'timeliness.byRag.amber.pctWithinTimescale': 93.3,
    'timeliness.byRag.green.decided': decided - 25,
    'timeliness.byRag.green.withinTimescale': decided - 27,
    'timeliness.byRag.green.pctWithinTimescale': Math.round(((decided - 27) / (decided - 25)) * 1000) / 10,
    'timeliness.medianHoursToDecision': 5.5,
    'timeliness.p90HoursToDecision': 20,
    'agencyResponses.police.requested': 10,
    'agencyResponses.police.answered': 9,
    'agencyResponses.police.onTime': 8,
    'agencyResponses.police.pctOnTime': 80,
    'agencyResponses.police.medianHoursToRespond': 12,
    'agencyResponses.health.requested': 4,
    'agencyResponses.health.answered': 4,
    'agencyResponses.health.onTime': 3,
    'agencyResponses.health.pctOnTime': 75,
    'agencyResponses.health.medianHoursToRespond': 8,
    'quality.reReferrals': k === 0 ? 4 : 9 + k,
    'quality.reReferralRate': Math.round(((k === 0 ? 4 : 9 + k) / referrals) * 1000) / 10,
    'quality.nfa': 10,
    'quality.nfaRate': Math.round((10 / decided) * 1000) / 10,
    'quality.byOutcome.NFA': 10,
    'quality.byOutcome.EARLY_HELP': decided - 10,
    'quality.decidedBySource.1A': decided - 30,
    'quality.decidedBySource.2A': 12,
    'quality.decidedBySource.5A': 8,
    'quality.decidedBySource.6': 10,
    'quality.nfaBySource.2A': 10,
    'quality.nfaRateBySource.1A': 0,
    'quality.nfaRateBySource.2A': 83.3,
    'quality.nfaRateBySource.5A': 0,
    'quality.nfaRateBySource.6': 0,
    'quality.reRated': 2,
    'quality.pctReRated': Math.round((2 / referrals) * 1000) / 10,
    'confidence.responses': k === 2 ? 0 : 20,
    'confidence.helpful': k === 2 ? 0 : 15,
    'confidence.pctHelpful': k === 2 ? null : 75,
    'confidence.meanRating': k === 2 ? null : 4.1,
    'confidence.ratings': k === 2 ? 0 : 18,
    'confidence.toldOutcomeWithinOneWorkingDay': 30,
    'confidence.pctToldOutcomeWithinOneWorkingDay': Math.round((30 / referrals) * 1000) / 10,
  };
  return exportFromFigures<number, number | null>(
    { period: 'monthly', periodId, ...periodBounds('monthly', periodId) },
    (fig) => (fig.key in values ? values[fig.key]! : fig.kind === 'count' ? 0 : null),
  );
}

type Hub = TestHub;

describe.skipIf(!hasChromium)('the board dashboard in a browser, JavaScript off', () => {
  let hub: Hub;
  let browser: Browser;
  let noJs: BrowserContext;
  let withJs: BrowserContext;
  let page: Page;
  const published = new Map<string, PublishedExport>();

  async function put(key: string, body: string, contentType: string, generatedAt: string) {
    await hub.s3.send(
      new PutObjectCommand({
        Bucket: reportsBucket.localName,
        Key: key,
        Body: body,
        ContentType: contentType,
        Metadata: { 'generated-at': generatedAt },
      }),
    );
  }

  beforeAll(async () => {
    hub = await startTestHub();
    for (const [k, periodId] of MONTHS.entries()) {
      const exported = applyDisclosureControl(rawExport(periodId, k));
      published.set(periodId, exported);
      const generatedAt = `${MONTHS[k + 1] ?? '2026-11'}-01T06:45:00.000Z`;
      await put(
        reportKey('monthly', periodId, 'json'),
        toJson(exported, generatedAt),
        'application/json',
        generatedAt,
      );
      await put(reportKey('monthly', periodId, 'csv'), toCsv(exported, generatedAt), 'text/csv', generatedAt);
    }
    await put(definitionsKey('md'), definitionsMarkdown(), 'text/markdown', '2026-11-01T06:45:00.000Z');

    browser = await launchBrowser();
    ({ noJs, withJs, page } = await openContexts(browser, hub.url, { acceptDownloads: true }));

    // Sign in as the board through the local sign-in form, as a person would.
    await page.goto('/_local/sign-in');
    await page.locator('#role-board').check();
    const navigation = page.waitForURL('**/board');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await navigation;
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  /** Audits the no-JavaScript page's current state with axe-core; no exception is allowed. */
  async function audit(label: string) {
    await auditPage(page, withJs, label);
  }

  /** A table's body rows: the row header and each cell's figure (without the screen-reader words). */
  async function tableRows(tableId: string): Promise<string[][]> {
    return page
      .locator(`#${tableId} tbody tr`)
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.querySelector('th')?.textContent?.trim() ?? '',
          ...[...row.querySelectorAll('td')].map((td) => td.firstChild?.textContent?.trim() ?? ''),
        ]),
      );
  }

  it('shows every chart with a data table of the same figures, "c" and "–" included', async () => {
    await page.goto('/board');
    expect(new URL(page.url()).pathname).toBe('/board');
    expect(await page.locator('h1').textContent()).toContain('Board dashboard');

    const sections = page.locator('section.app-board-section');
    const headings = await sections.locator('h2').allTextContents();
    expect(headings).toEqual([
      'Volume of referrals',
      'Timeliness of decisions',
      'Agency responses',
      'Agency responses over time',
      'Re-referrals',
      'Confidence in the hub',
      'Referrers’ ratings',
      'Download the exports',
    ]);

    // Every chart is an image with a name and a description, and its figures are the table's.
    const charts = await page.locator('svg[role="img"]').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
        return ids.map((id: string) => svg.ownerDocument.getElementById(id)?.textContent ?? '');
      }),
    );
    expect(charts.length).toBe(6 + 10);
    for (const [title, desc] of charts) {
      expect(title).not.toBe('');
      expect(desc).toContain('The table with this chart gives every figure.');
    }
    for (let index = 0; index < 7; index++) {
      const section = sections.nth(index);
      const drawn = await section
        .locator('.app-chart__datum')
        .evaluateAll((groups) => groups.map((g) => g.getAttribute('data-label') ?? '').sort());
      const tabled = await section
        .locator('tbody td')
        .evaluateAll((cells) => cells.map((td) => td.firstChild?.textContent?.trim() ?? '').sort());
      expect(drawn, `section ${index + 1}`).toEqual(tabled);
    }

    // The figures themselves, from the exports.
    const volume = await tableRows('chart-volume-table');
    expect(volume.map((row) => row[0])).toEqual([
      'July 2026',
      'August 2026',
      'September 2026',
      'October 2026',
    ]);
    expect(volume.map((row) => row[row.length - 1])).toEqual(['40', '50', '60', '70']);
    // Health is 3A + 3E, both 1 to 5, so suppressed; July's individuals (3) too.
    expect(volume[0]).toEqual(['July 2026', 'c', '12', 'c', '0', '8', '10', '0', '0', '40']);
    expect(volume[3]).toEqual(['October 2026', '33', '12', 'c', '0', '8', '10', '0', '0', '70']);

    expect(await tableRows('chart-re-referrals-table')).toEqual([
      ['July 2026', 'c'],
      ['August 2026', '20.0%'],
      ['September 2026', '18.3%'],
      ['October 2026', '17.1%'],
    ]);
    expect(await tableRows('chart-timeliness-table')).toContainEqual([
      'October 2026',
      '93.9%',
      '90.0%',
      '93.3%',
      '95.1%',
    ]);
    const agencies = await tableRows('chart-agencies-latest-table');
    expect(agencies).toContainEqual(['Police', '80.0%']);
    expect(agencies).toContainEqual(['Health', 'c']);
    expect(agencies).toContainEqual(['Education', '–']);
    expect(await tableRows('chart-confidence-table')).toContainEqual(['September 2026', '–', '50.0%']);
    expect(await tableRows('chart-rating-table')).toEqual([
      ['July 2026', '4.1'],
      ['August 2026', '4.1'],
      ['September 2026', '–'],
      ['October 2026', '4.1'],
    ]);

    // The reference lines, the gaps said in words, and the footnotes.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('c: fewer than 6, suppressed to protect privacy');
    expect(text).toContain('–: no data');
    expect(text).toContain('no point for July 2026 (suppressed).');
    expect(text).toContain('Health: nothing drawn: suppressed in every period shown.');
    expect(await page.locator('#chart-re-referrals-desc').textContent()).toContain(
      'no point for July 2026 (suppressed)',
    );
    expect(await page.locator('svg').first().innerHTML()).not.toContain('style=');
    expect(await page.locator('.app-chart__reference-label').allTextContents()).toEqual(
      expect.arrayContaining([
        'Local target for red: 100%',
        'Local target overall: 90%',
        'England 2024: 22%',
      ]),
    );

    // The suppressed re-referral rate of July is not drawn at all, let alone at 0%.
    const july = page.locator('#chart-re-referrals-table').locator('xpath=ancestor::section');
    expect(await july.locator('.app-chart__datum[data-category="2026-07"] circle').count()).toBe(0);
    expect(await july.locator('.app-chart__datum[data-category="2026-08"] circle').count()).toBe(1);

    await audit('dashboard');
  });

  it('serves downloads to the board, as attachments of the right type', async () => {
    await page.goto('/board');
    const links = await page
      .locator('a[href^="/board/downloads/"]')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(
      [...MONTHS]
        .reverse()
        .flatMap((id) => [`/board/downloads/monthly/${id}.json`, `/board/downloads/monthly/${id}.csv`]),
    );

    const json = await noJs.request.get('/board/downloads/monthly/2026-10.json');
    expect(json.status()).toBe(200);
    expect(json.headers()['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers()['content-disposition']).toBe(
      'attachment; filename="mash-board-monthly-2026-10.json"',
    );
    const body = await json.json();
    expect(body.periodId).toBe('2026-10');
    expect(body.volume.referrals).toBe(published.get('2026-10')!.volume.referrals);

    const csv = await noJs.request.get('/board/downloads/monthly/2026-07.csv');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toBe(
      'attachment; filename="mash-board-monthly-2026-07.csv"',
    );
    expect(await csv.text()).toContain('quality.reReferralRate,,c');

    // A click on the link downloads the file (no page to navigate to).
    const download = page.waitForEvent('download');
    await page.locator('a[href="/board/downloads/monthly/2026-09.csv"]').click();
    expect((await download).suggestedFilename()).toBe('mash-board-monthly-2026-09.csv');
  });

  it('refuses downloads to other roles and to no session', async () => {
    const mash = await hub.token('mash');
    const asMash = await fetch(`${hub.url}/board/downloads/monthly/2026-10.json`, {
      headers: { cookie: `mash_session=${mash}` },
      redirect: 'manual',
    });
    expect(asMash.status).toBe(403);
    expect(await asMash.text()).not.toContain('"periodId"');
    const dashboardAsMash = await fetch(`${hub.url}/board`, {
      headers: { cookie: `mash_session=${mash}` },
      redirect: 'manual',
    });
    expect(dashboardAsMash.status).toBe(403);

    const anonymous = await fetch(`${hub.url}/board/downloads/monthly/2026-10.json`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/_local\/sign-in\?next=/);
  });

  it('names nothing with a bad period or id, and no path reaches outside the exports', async () => {
    for (const path of [
      '/board/downloads/monthly/2026-13.json',
      '/board/downloads/monthly/2026-06.json',
      '/board/downloads/monthly/2026-10.txt',
      '/board/downloads/monthly/2026-10',
      '/board/downloads/weekly/2026-10.json',
      '/board/downloads/yearly/2026-10.json',
      '/board/downloads/monthly/..%2F..%2Fdefinitions.md',
      '/board/downloads/monthly/..%2Fmonthly%2F2026-10.json',
      '/board/downloads/..%2Freports%2Fmonthly%2F2026-10.json',
      '/board/downloads/monthly/2026-10.json%00',
      '/board/downloads/monthly/2026-10.json/extra',
      '/board/nothing-here',
    ]) {
      const response = await noJs.request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(404);
      expect(await response.text(), path).not.toContain('"schemaVersion"');
    }
  });

  it('says plainly when there are no exports of a kind, and how they are made', async () => {
    await page.goto('/board?period=weekly');
    expect(await page.locator('h2').first().textContent()).toBe('There are no weekly exports yet');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Daily exports: every day at 06:15 (London time)');
    expect(text).toContain('Weekly exports: every Monday at 06:30 (London time)');
    expect(text).toContain('Monthly exports: on the 1st of each month at 06:45 (London time)');
    expect(await page.locator('svg[role="img"]').count()).toBe(0);
    expect(await page.locator('a[aria-current="page"]').textContent()).toBe('Weekly');
    await audit('dashboard, no weekly exports');
  });

  it('shows the published definitions', async () => {
    await page.goto('/board');
    await page.getByRole('link', { name: 'Definitions', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/board/definitions');
    expect(await page.locator('h1').textContent()).toContain('Definitions');
    expect(await page.locator('h2').allTextContents()).toContain('MASH board export: definitions');
    expect(await page.locator('main').textContent()).toContain('volume.referrals');
    expect(await page.locator('main table').count()).toBeGreaterThan(0);
    const markdown = await noJs.request.get('/board/downloads/definitions.md');
    expect(markdown.status()).toBe(200);
    expect(markdown.headers()['content-type']).toBe('text/markdown; charset=utf-8');
    await audit('definitions');
  });
});
