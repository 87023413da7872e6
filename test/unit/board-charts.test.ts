/**
 * The board dashboard's chart builders (src/pages/charts.ts) and the figures the dashboard takes from
 * the exports (src/pages/board/chart-data.ts): scales and ticks, gaps (never zero) for "c" and null, escaping of
 * labels inside the SVG, and every chart's table holding exactly the figures the chart draws.
 */
import { describe, expect, it } from 'vitest';
import { SOURCE_CODES } from '../../src/domain/codes.ts';
import { DEFINITIONS } from '../../src/domain/metrics/definitions.ts';
import { exportFromFigures, FIGURES, type Figure } from '../../src/domain/metrics/export-schema.ts';
import {
  buildBoardCharts,
  familyValue,
  figureAt,
  LOCAL_TIMELINESS_TARGETS,
  type LoadedExport,
  SOURCE_FAMILIES,
} from '../../src/pages/board/chart-data.ts';
import {
  bandScale,
  type ChartData,
  chartTable,
  describeChart,
  escapeXml,
  formatDatum,
  gapNotes,
  linearScale,
  lineSegments,
  niceTicks,
  renderHorizontalBarChart,
  renderLineChart,
  renderSmallMultiples,
  renderStackedBarChart,
  spreadLabels,
} from '../../src/pages/board/charts.ts';
import { downloadTarget } from '../../src/pages/board/downloads.ts';
import { periodCategory } from '../../src/pages/board/period-labels.ts';
import { describeCron, exportSchedules } from '../../src/pages/board/schedules.ts';
import { escapeHtml, renderPage } from '../../src/pages/shared/render.ts';

const categories = ['2026-07', '2026-08', '2026-09', '2026-10'].map((id) => periodCategory('monthly', id));

function lineData(overrides: Partial<ChartData> = {}): ChartData {
  return {
    id: 'chart-test',
    title: 'Within timescale',
    description: 'A test chart.',
    unit: 'percent',
    categoryHeader: 'Period',
    categories,
    series: [
      { key: 'overall', label: 'Overall', values: [80, 'c', null, 92.5] },
      { key: 'red', label: 'Red', values: [100, 100, 75, 'c'] },
    ],
    referenceLines: [{ value: 90, label: 'Local target overall: 90%' }],
    ...overrides,
  };
}

/** Every figure group the SVG carries: series, category and the text it stands for. */
function svgFigures(svg: string): string[] {
  return [...svg.matchAll(/data-series="([^"]*)" data-category="([^"]*)" data-label="([^"]*)"/g)]
    .map((m) => `${m[1]}|${m[2]}|${m[3]!.replaceAll('&amp;', '&')}`)
    .sort();
}

/** The same triples from the chart's table (the total column is the `total` series). */
function tableFigures(data: ChartData): string[] {
  const table = chartTable(data);
  const keys = [...data.series.map((s) => s.key), ...(data.total ? ['total'] : [])];
  return table.rows
    .flatMap((row, r) => row.cells.map((cell, c) => `${keys[c]}|${data.categories[r]!.key}|${cell.text}`))
    .sort();
}

describe('scales and ticks', () => {
  it('maps a domain onto a range, reversed for a y axis', () => {
    const y = linearScale([0, 100], [300, 20]);
    expect(y(0)).toBe(300);
    expect(y(100)).toBe(20);
    expect(y(50)).toBe(160);
    expect(linearScale([5, 5], [0, 10])(5)).toBe(0);
  });

  it('splits a range into equal padded bands', () => {
    const band = bandScale(4, [0, 400], 0.5);
    expect(band(0)).toEqual({ start: 25, width: 50, centre: 50 });
    expect(band(3).centre).toBe(350);
  });

  it('chooses nice ticks from zero to at least the largest value', () => {
    expect(niceTicks(87)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(4, { integer: true })).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(12, { integer: true })).toEqual([0, 5, 10, 15]);
    expect(niceTicks(1234, { integer: true })).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(niceTicks(0, { integer: true })).toEqual([0, 1]);
    expect(niceTicks(Number.NaN, { integer: true })).toEqual([0, 1]);
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    for (const max of [1, 3, 7, 19, 45, 99, 101, 640, 9999]) {
      const ticks = niceTicks(max, { integer: true });
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
      expect(ticks.length).toBeLessThanOrEqual(11);
    }
  });

  it('keeps direct labels apart and inside the plot', () => {
    expect(spreadLabels([100, 102, 200], 16, 20, 300)).toEqual([100, 116, 200]);
    expect(spreadLabels([295, 299], 16, 20, 300)).toEqual([284, 300]);
    expect(spreadLabels([50, 10], 16, 20, 300)).toEqual([50, 20]);
  });
});

describe('figures, gaps and text', () => {
  it('writes figures, "c" and no data', () => {
    expect(formatDatum(85, 'percent')).toBe('85.0%');
    expect(formatDatum(1204, 'count')).toBe('1,204');
    expect(formatDatum(4.25, 'rating')).toBe('4.3');
    expect(formatDatum('c', 'percent')).toBe('c');
    expect(formatDatum(null, 'count')).toBe('–');
    expect(formatDatum(12, 'count', true)).toBe('12 + c');
  });

  it('breaks lines at "c" and null, never drawing them as zero', () => {
    expect(lineSegments([{ x: 0, y: 1 }, null, { x: 2, y: 3 }, { x: 3, y: 4 }, null])).toEqual([
      [{ x: 0, y: 1 }],
      [
        { x: 2, y: 3 },
        { x: 3, y: 4 },
      ],
    ]);
    const data = lineData();
    const svg = renderLineChart(data);
    // Overall has points in July and October only: two separate single-point runs, so no path joins them.
    const overallPaths = [
      ...svg.matchAll(/<path class="app-chart__line app-chart__series--0[^"]*" d="([^"]+)"/g),
    ];
    expect(overallPaths).toHaveLength(2);
    for (const [, d] of overallPaths) expect(d).not.toContain('L');
    // Nothing is plotted at the baseline (0%) for the gaps.
    const baseline = linearScale([0, 100], [320 - 52, 24])(0);
    expect(svg).not.toMatch(new RegExp(`<circle[^>]*cy="${baseline}"`));
    expect(gapNotes(data)).toEqual([
      'Overall: no point for August 2026 (suppressed), or for September 2026 (no data).',
      'Red: no point for October 2026 (suppressed).',
    ]);
    expect(describeChart(data)).toContain('Not drawn: Overall: no point for August 2026 (suppressed)');
  });

  it('says when a series has nothing drawn at all', () => {
    const data = lineData({
      series: [
        { key: 'a', label: 'A', values: ['c', 'c', 'c', 'c'] },
        { key: 'b', label: 'B', values: [null, null, null, null] },
        { key: 'c', label: 'C', values: ['c', null, 'c', null] },
      ],
    });
    expect(gapNotes(data)).toEqual([
      'A: nothing drawn: suppressed in every period shown.',
      'B: nothing drawn: no data in any period shown.',
      'C: no point for July 2026 and September 2026 (suppressed), or for August 2026 and October 2026 (no data).',
    ]);
    const single = lineData({ series: [{ key: 'a', label: 'A', values: [null, 'c', null, null] }] });
    expect(renderLineChart(single)).toContain('>Nothing to draw: see the table</text>');
    expect(gapNotes({ ...single, mark: 'bar' })[0]).toMatch(/^no bar for /);
  });

  it('marks gaps in words on a single line', () => {
    const svg = renderLineChart(
      lineData({ series: [{ key: 'rate', label: 'Rate', values: [20, 'c', null, 25] }] }),
    );
    expect(svg).toMatch(/<text class="app-chart__gap"[^>]*>c<\/text>/);
    expect(svg).toMatch(/<text class="app-chart__gap"[^>]*>no data<\/text>/);
  });

  it('leaves out suppressed and empty bars and says why', () => {
    const data: ChartData = {
      id: 'chart-bars',
      title: 'Volume',
      description: 'Bars.',
      unit: 'count',
      categoryHeader: 'Period',
      categories,
      series: [
        { key: 'a', label: 'A', values: [10, 'c', null, 0] },
        { key: 'b', label: 'B', values: [5, 7, 8, 9], partial: [false, true, false, false] },
      ],
      total: { label: 'All', values: [15, 'c', 8, 9] },
    };
    const svg = renderStackedBarChart(data);
    const groups = [
      ...svg.matchAll(/<g class="app-chart__datum" data-series="a" data-category="([^"]+)"[^>]*>(.*?)<\/g>/g),
    ];
    const byCategory = Object.fromEntries(groups.map((m) => [m[1], m[2]]));
    expect(byCategory['2026-07']).toContain('<rect');
    for (const month of ['2026-08', '2026-09', '2026-10']) expect(byCategory[month]).not.toContain('<rect');
    expect(gapNotes(data)).toEqual([
      'A: no bar for August 2026 (suppressed), or for September 2026 (no data).',
      'B: August 2026 includes suppressed counts; only the published part is drawn.',
    ]);
    const table = chartTable(data);
    expect(table.rows[1]!.cells.map((c) => c.text)).toEqual(['c', '7 + c', 'c']);
    expect(table.hasSuppressed && table.hasMissing && table.hasPartial).toBe(true);
  });

  it('escapes every label inside the SVG', () => {
    const hostile = '<script>alert("x")</script> & \'quoted\'';
    const data = lineData({
      title: hostile,
      description: hostile,
      categories: [{ key: 'k"><x', label: hostile, tick: [hostile] }],
      series: [{ key: 's"><y', label: hostile, values: [50] }],
      referenceLines: [{ value: 90, label: hostile }],
    });
    for (const svg of [
      renderLineChart(data),
      renderStackedBarChart({ ...data, unit: 'count', total: { label: hostile, values: [50] } }),
      renderHorizontalBarChart(data),
      ...renderSmallMultiples(data).map((m) => m.svg),
    ]) {
      expect(svg).not.toContain('<script');
      expect(svg).not.toContain('"><x');
      expect(svg).not.toContain('"><y');
      expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    }
    expect(escapeXml('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });

  it('gives every chart an accessible name and description', () => {
    const svg = renderLineChart(lineData());
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="chart-test-title chart-test-desc"/);
    expect(svg).toContain('<title id="chart-test-title">Within timescale</title>');
    expect(svg).toContain('<desc id="chart-test-desc">A test chart.');
    expect(svg).not.toMatch(/style=/);
  });
});

describe('tables hold the figures the charts draw', () => {
  it('for each kind of chart', () => {
    const line = lineData();
    expect(svgFigures(renderLineChart(line))).toEqual(tableFigures(line));
    const bars: ChartData = {
      ...line,
      unit: 'count',
      series: [
        { key: 'a', label: 'A', values: [1200, 'c', null, 0] },
        { key: 'b', label: 'B', values: [5, 7, 8, 9], partial: [false, true, false, false] },
      ],
      total: { label: 'All', values: [1205, 'c', 8, null] },
    };
    expect(svgFigures(renderStackedBarChart(bars))).toEqual(tableFigures(bars));
    const horizontal: ChartData = { ...line, series: [line.series[0]!] };
    expect(svgFigures(renderHorizontalBarChart(horizontal))).toEqual(tableFigures(horizontal));
    const multiples = renderSmallMultiples(line)
      .flatMap((m) => svgFigures(m.svg))
      .sort();
    expect(multiples).toEqual(tableFigures(line));
  });
});

// ---------------------------------------------------------------------------------------------------------
// The dashboard's figures, from exports in the published shape
// ---------------------------------------------------------------------------------------------------------

function defaultFigure(fig: Figure): number {
  if (fig.kind === 'count') return 10;
  if (fig.kind === 'percent') return 80;
  if (fig.kind === 'hours') return 5;
  return 4.2;
}

function fixtureExport(periodId: string, values: Record<string, number | 'c' | null> = {}): LoadedExport {
  const figures = new Set(FIGURES.map((f) => f.key));
  for (const key of Object.keys(values)) if (!figures.has(key)) throw new Error(`no figure ${key}`);
  const data = {
    schemaVersion: 1,
    ...exportFromFigures(
      { period: 'monthly', periodId, periodStart: '', periodEnd: '' },
      (fig): number | 'c' | null => (fig.key in values ? values[fig.key]! : defaultFigure(fig)),
    ),
    generatedAt: '2026-11-01T06:45:00.000Z',
  };
  return {
    listing: {
      key: `reports/monthly/${periodId}.json`,
      period: 'monthly',
      periodId,
      generatedAt: data.generatedAt,
    },
    data: data as unknown as Record<string, unknown>,
  };
}

describe('the dashboard', () => {
  it('groups every source code into one family, in words', () => {
    expect(SOURCE_FAMILIES.flatMap((f) => f.codes).sort()).toEqual([...SOURCE_CODES].sort());
    expect(SOURCE_FAMILIES.map((f) => f.label)).toContain('Health services');
  });

  it('adds up a family from its published cells, keeping "c" visible', () => {
    const data = fixtureExport('2026-10', {
      'volume.bySource.3A': 12,
      'volume.bySource.3B': 'c',
      'volume.bySource.3C': 0,
      'volume.bySource.3D': 0,
      'volume.bySource.3E': 7,
      'volume.bySource.3F': 0,
      'volume.bySource.4': 'c',
      'volume.bySource.6': 0,
    }).data;
    expect(familyValue(data, ['3A', '3B', '3C', '3D', '3E', '3F'])).toEqual({ value: 19, partial: true });
    expect(familyValue(data, ['4'])).toEqual({ value: 'c', partial: false });
    expect(familyValue(data, ['6'])).toEqual({ value: 0, partial: false });
    expect(familyValue({}, ['6'])).toEqual({ value: null, partial: false });
    expect(figureAt(data, ['volume', 'bySource', '4'])).toBe('c');
    expect(figureAt(data, ['volume', 'nothing'])).toBeNull();
  });

  it('charts every measure with a table of the same figures', () => {
    const exports = [
      fixtureExport('2026-08', {
        'quality.reReferralRate': 'c',
        'timeliness.byRag.red.pctWithinTimescale': null,
      }),
      fixtureExport('2026-09', { 'agencyResponses.police.pctOnTime': 'c', 'confidence.meanRating': null }),
      fixtureExport('2026-10', {
        'agencyResponses.probation.pctOnTime': null,
        'quality.reReferralRate': 24.5,
      }),
    ];
    const sections = buildBoardCharts('monthly', exports);
    expect(sections.map((s) => s.heading)).toEqual([
      'Volume of referrals',
      'Timeliness of decisions',
      'Agency responses',
      'Agency responses over time',
      'Re-referrals',
      'Confidence in the hub',
      'Referrers’ ratings',
    ]);
    for (const section of sections) {
      const svgs = section.svg ? [section.svg] : (section.multiples ?? []).map((m) => m.svg);
      const drawn = svgs.flatMap(svgFigures).sort();
      const tabled = section.table.rows.flatMap((row) => row.cells.map((cell) => cell.text)).sort();
      expect(drawn.map((d) => d.split('|')[2]).sort(), section.heading).toEqual(tabled);
      expect(section.table.rows.length).toBeGreaterThan(0);
    }
    const reReferrals = sections[4]!;
    expect(reReferrals.table.rows.map((r) => r.cells[0]!.text)).toEqual(['c', '80.0%', '24.5%']);
    expect(reReferrals.svg).toContain('England 2024: 22%');
    const timeliness = sections[1]!;
    expect(timeliness.svg).toContain(`Local target for red: ${LOCAL_TIMELINESS_TARGETS.red}%`);
    expect(timeliness.table.rows[0]!.cells.map((c) => c.text)).toEqual(['80.0%', '–', '80.0%', '80.0%']);
    expect(timeliness.notes).toEqual(['Red: no point for August 2026 (no data).']);
    const latest = sections[2]!;
    expect(latest.table.rows.find((r) => r.header === 'Probation')!.cells[0]!.text).toBe('–');
    expect(latest.table.caption).toContain('October 2026');
    const confidence = sections[5]!;
    expect(confidence.table.head).toEqual([
      'Period',
      '% found it helpful',
      '% told the outcome within one working day',
    ]);
  });

  it('labels periods in words', () => {
    expect(periodCategory('monthly', '2026-10')).toEqual({
      key: '2026-10',
      label: 'October 2026',
      tick: ['Oct', '2026'],
    });
    expect(periodCategory('weekly', '2026-W44').label).toBe('Week 44 2026 (26 October to 1 November)');
    expect(periodCategory('daily', '2026-11-25')).toEqual({
      key: '2026-11-25',
      label: '25 November 2026',
      tick: ['25 Nov', '2026'],
    });
  });

  it('says when the exports are made, from the schedules', () => {
    expect(describeCron('cron(15 6 * * ? *)')).toBe('every day at 06:15');
    expect(describeCron('cron(30 6 ? * MON *)')).toBe('every Monday at 06:30');
    expect(describeCron('cron(45 6 1 * ? *)')).toBe('on the 1st of each month at 06:45');
    expect(describeCron('rate(5 minutes)')).toBeUndefined();
    expect(exportSchedules().map((s) => s.text)).toEqual([
      'Daily exports: every day at 06:15 (London time), covering the last complete day.',
      'Weekly exports: every Monday at 06:30 (London time), covering the last complete week.',
      'Monthly exports: on the 1st of each month at 06:45 (London time), covering the last complete month.',
    ]);
  });
});

describe('downloads name only real exports', () => {
  it('accepts a known kind with a real period of that kind', () => {
    expect(downloadTarget('monthly/2026-10.json')).toEqual({
      key: 'reports/monthly/2026-10.json',
      format: 'json',
      filename: 'mash-board-monthly-2026-10.json',
    });
    expect(downloadTarget('weekly/2026-W44.csv')?.key).toBe('reports/weekly/2026-W44.csv');
    expect(downloadTarget('daily/2026-11-25.csv')?.key).toBe('reports/daily/2026-11-25.csv');
    expect(downloadTarget('definitions.md')?.key).toBe('reports/definitions.md');
  });

  it('refuses everything else', () => {
    for (const rest of [
      'monthly/2026-13.json',
      'monthly/2026-10.txt',
      'monthly/2026-10',
      'weekly/2026-10.json',
      'weekly/2026-W54.json',
      'daily/2026-02-30.json',
      'yearly/2026.json',
      '../monthly/2026-10.json',
      'monthly/../2026-10.json',
      'monthly/../../definitions.md',
      'monthly/..%2F2026-10.json',
      'monthly/2026-10.json/x',
      'monthly//2026-10.json',
      'Monthly/2026-10.json',
      'monthly/2026-10.JSON',
      'monthly/2026-10.json\n',
      'definitions.json',
      '',
    ]) {
      expect(downloadTarget(rest), rest).toBeUndefined();
    }
  });
});

describe('the definitions page', () => {
  const render = (definitions: unknown) =>
    renderPage('board/definitions.njk', {
      cspNonce: 'n',
      navCurrent: 'board-definitions',
      staff: { sub: 'board-1', role: 'board', switchHref: '/_local/sign-in' },
      title: 'Definitions of the board’s figures',
      published: true,
      definitions,
    });
  const code = (key: string) => `<code class="app-code">${escapeHtml(key)}</code>`;

  it('shows every word of DEFINITIONS', () => {
    const html = render(DEFINITIONS);
    const disclosure = DEFINITIONS.disclosureControl;
    const plain = [
      DEFINITIONS.title,
      `Schema version ${DEFINITIONS.schemaVersion}.`,
      ...DEFINITIONS.period,
      ...DEFINITIONS.values.map((value) => value.meaning),
      ...DEFINITIONS.measures.flatMap((m) => [m.kind, m.definition, m.breakdown ?? '']),
      ...disclosure.rules,
      ...disclosure.additiveGroups.map((g) => g.description),
      ...DEFINITIONS.files,
    ];
    for (const text of plain) expect(html, text).toContain(escapeHtml(text));
    const marked = [
      ...DEFINITIONS.values.map((value) => `<strong>${escapeHtml(value.name)}</strong>: `),
      ...DEFINITIONS.measures.map((m) => code(m.measure)),
      ...disclosure.additiveGroups.flatMap((g) => [
        code(g.group),
        [g.total, ...(g.minus ?? [])].map(code).join(' − '),
      ]),
      ...disclosure.primaryOnly.map((b) => `${code(b.breakdown)}: ${escapeHtml(b.reason)}`),
    ];
    for (const text of marked) expect(html, text).toContain(text);
    expect(html).toContain('<h2 class="govuk-heading-m">MASH board export: definitions</h2>');
    // A header row per table, then a row per measure and per additive group.
    expect(html.match(/<tr class="govuk-table__row">/g)).toHaveLength(
      2 + DEFINITIONS.measures.length + disclosure.additiveGroups.length,
    );
  });

  it('escapes everything it shows', () => {
    const html = render({
      ...DEFINITIONS,
      title: 'Title <b>',
      period: ['one <script>alert(1)</script>'],
      measures: [{ measure: 'a<i>', kind: 'count', definition: 'x | y & "z"' }],
    });
    expect(html).toContain('<h2 class="govuk-heading-m">Title &lt;b&gt;</h2>');
    expect(html).toContain('<li>one &lt;script&gt;alert(1)&lt;/script&gt;</li>');
    expect(html).toContain('<code class="app-code">a&lt;i&gt;</code>');
    expect(html).toContain('x | y &amp; &quot;z&quot;');
    expect(html).not.toContain('<script>alert');
  });
});
