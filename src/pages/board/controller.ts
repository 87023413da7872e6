/**
 * The board's dashboard (`/board`, role `board` only): the last exports of one period kind as trends
 * (volume by source, timeliness against the local targets, agency responses, re-referrals against
 * England's rate, referrer confidence), each chart with a data table of the same figures; downloads of
 * each export through the page session (`/board/downloads/PERIOD/PERIOD_ID.json|csv`); and the published
 * definitions (`/board/definitions`).
 *
 * The page reads only the published exports in the reports bucket (src/store/report-store.ts): the
 * figures are already disclosure-controlled, and nothing here derives a figure the export withholds.
 * Downloads build their key with `reportKey` from a period kind on the allow-list and an id that matches
 * that kind's pattern and is a real period, so no caller-made path reaches the bucket.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '../../auth/tokens.ts';
import { AGENCIES, AGENCY_LABELS, SOURCE_CODES, type SourceCode } from '../../domain/codes.ts';
import { definitionsMarkdown } from '../../domain/metrics/definitions.ts';
import { isValidPeriodId, parsePeriodId } from '../../domain/metrics/periods.ts';
import { logger } from '../../platform/powertools.ts';
import { schedules } from '../../resources.ts';
import {
  CONTENT_TYPES,
  definitionsKey,
  getReport,
  listReports,
  PERIOD_KINDS,
  type PeriodKind,
  type ReportListing,
  reportKey,
} from '../../store/report-store.ts';
import { notFound } from '../shared/error-pages.ts';
import { formatIsoDate, formatLondonDateTime } from '../shared/format.ts';
import { htmlResponse, type PageRequest, securityHeaders } from '../shared/http.ts';
import { escapeHtml, renderPage } from '../shared/render.ts';
import { requireStaff, staffView } from '../shared/staff-session.ts';
import {
  type Category,
  type ChartData,
  chartTable,
  type Datum,
  formatDatum,
  gapNotes,
  renderHorizontalBarChart,
  renderLineChart,
  renderSmallMultiples,
  renderStackedBarChart,
  type Series,
} from './charts.ts';

/** How many of the latest exports of a kind the dashboard shows. */
export const MAX_PERIODS = 12;

/**
 * The hub's own (local) targets for the share of decisions made within timescale: every red referral,
 * and nine in ten overall. Local targets agreed for this dashboard, not national standards.
 */
export const LOCAL_TIMELINESS_TARGETS = { red: 100, overall: 90 } as const;

/** England's re-referral rate for 2024 (children's social care referrals within 12 months of a previous one). */
export const ENGLAND_RE_REFERRAL_RATE_2024 = 22;

/** CIN census source codes grouped into families for the volume chart, labelled in words. */
export const SOURCE_FAMILIES: readonly { key: string; label: string; codes: readonly SourceCode[] }[] = [
  { key: 'individuals', label: 'Individuals (family, neighbours, self)', codes: ['1A', '1B', '1C', '1D'] },
  { key: 'education', label: 'Schools and education', codes: ['2A', '2B'] },
  { key: 'health', label: 'Health services', codes: ['3A', '3B', '3C', '3D', '3E', '3F'] },
  { key: 'housing', label: 'Housing', codes: ['4'] },
  { key: 'local-authority', label: 'Local authority services', codes: ['5A', '5B', '5C', '5D'] },
  { key: 'police', label: 'Police', codes: ['6'] },
  { key: 'legal', label: 'Legal agencies', codes: ['7'] },
  { key: 'other', label: 'Other, anonymous or unknown', codes: ['8', '9', '10'] },
];

const FAMILY_SHORT: Record<string, string> = {
  individuals: 'Individuals',
  education: 'Schools, education',
  health: 'Health',
  housing: 'Housing',
  'local-authority': 'Local authority',
  police: 'Police',
  legal: 'Legal agencies',
  other: 'Other, anon., unknown',
};

// Every source code sits in exactly one family (checked at load, like the definitions).
{
  const grouped = SOURCE_FAMILIES.flatMap((family) => family.codes);
  if (grouped.length !== SOURCE_CODES.length || SOURCE_CODES.some((code) => !grouped.includes(code))) {
    throw new Error('SOURCE_FAMILIES must hold every source code exactly once');
  }
}

const PERIOD_LABELS: Record<PeriodKind, { adjective: string; noun: string }> = {
  monthly: { adjective: 'Monthly', noun: 'month' },
  weekly: { adjective: 'Weekly', noun: 'week' },
  daily: { adjective: 'Daily', noun: 'day' },
};

// ---------------------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------------------

/** `/board` and everything under it. */
export async function boardPage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireStaff(request);
  if ('response' in gate) return gate.response;
  if (request.method !== 'GET') return notFound(request);
  const path = (request.resource === '/board' ? '' : (request.pathParameters.path ?? '')).replace(/\/+$/, '');
  if (path === '') return dashboardPage(request, gate.principal);
  if (path === 'definitions') return definitionsPage(request, gate.principal);
  if (path.startsWith('downloads/')) return downloadResponse(request, path.slice('downloads/'.length));
  return notFound(request);
}

/** The controllers for src/pages/shared/router.ts. */
export const boardControllers = {
  '/board': boardPage,
  '/board/{path+}': boardPage,
} as const;

// ---------------------------------------------------------------------------------------------------------
// Downloads
// ---------------------------------------------------------------------------------------------------------

/** A download's file name, per kind: the id pattern of that kind, then the format. */
const DOWNLOAD_FILES: Record<PeriodKind, RegExp> = {
  daily: /^([0-9]{4}-[0-9]{2}-[0-9]{2})\.(json|csv)$/,
  weekly: /^([0-9]{4}-W[0-9]{2})\.(json|csv)$/,
  monthly: /^([0-9]{4}-[0-9]{2})\.(json|csv)$/,
};

export interface DownloadTarget {
  key: string;
  format: 'json' | 'csv' | 'md';
  filename: string;
}

/**
 * What `downloads/<rest>` names, or undefined: `PERIOD/PERIOD_ID.json|csv` for a known kind and a real
 * period of that kind, or `definitions.md`. Anything else (other kinds, ids of another kind, dot segments,
 * encoded slashes, other extensions) names nothing.
 */
export function downloadTarget(rest: string): DownloadTarget | undefined {
  if (rest === 'definitions.md') {
    return { key: definitionsKey('md'), format: 'md', filename: 'mash-board-definitions.md' };
  }
  const parts = rest.split('/');
  if (parts.length !== 2) return undefined;
  const [kindText, file] = parts as [string, string];
  const kind = PERIOD_KINDS.find((k) => k === kindText);
  if (!kind) return undefined;
  const match = DOWNLOAD_FILES[kind].exec(file);
  if (!match || !isValidPeriodId(kind, match[1]!)) return undefined;
  const format = match[2] as 'json' | 'csv';
  return {
    key: reportKey(kind, match[1]!, format),
    format,
    filename: `mash-board-${kind}-${match[1]}.${format}`,
  };
}

async function downloadResponse(request: PageRequest, rest: string): Promise<APIGatewayProxyResult> {
  const target = downloadTarget(rest);
  if (!target) return notFound(request);
  const body = await getReport(target.key);
  if (body === undefined) return notFound(request);
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders(request.cspNonce),
      'Content-Type': CONTENT_TYPES[target.format],
      'Content-Disposition': `attachment; filename="${target.filename}"`,
      'Cache-Control': 'no-store',
    },
    body,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the exports
// ---------------------------------------------------------------------------------------------------------

export interface LoadedExport {
  listing: ReportListing;
  data: Record<string, unknown>;
}

/** A published figure at `path`: a number, "c", or null when it is null, missing or not a figure. */
export function figureAt(data: unknown, path: readonly string[]): Datum {
  let node: unknown = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return null;
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node === 'number' && Number.isFinite(node)) return node;
  if (node === 'c') return 'c';
  return null;
}

function hasFigure(data: unknown, path: readonly string[]): boolean {
  let node: unknown = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

/** The latest exports of a kind, oldest first, and how many listed could not be read. */
async function loadExports(kind: PeriodKind): Promise<{ exports: LoadedExport[]; unreadable: number }> {
  const listings = (await listReports()).filter((listing) => listing.period === kind).slice(0, MAX_PERIODS);
  const loaded = await Promise.all(
    listings.map(async (listing): Promise<LoadedExport | undefined> => {
      const text = await getReport(listing.key);
      if (text === undefined) return undefined;
      try {
        const data: unknown = JSON.parse(text);
        if (
          data !== null &&
          typeof data === 'object' &&
          (data as Record<string, unknown>).schemaVersion === 1 &&
          (data as Record<string, unknown>).period === kind &&
          (data as Record<string, unknown>).periodId === listing.periodId
        ) {
          return { listing, data: data as Record<string, unknown> };
        }
      } catch {
        // Reported below as unreadable.
      }
      logger.warn('board export unreadable', { key: listing.key });
      return undefined;
    }),
  );
  const exports = loaded.filter((e): e is LoadedExport => e !== undefined).reverse();
  return { exports, unreadable: listings.length - exports.length };
}

// ---------------------------------------------------------------------------------------------------------
// Period labels
// ---------------------------------------------------------------------------------------------------------

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A period in words for tables (`October 2026`, `Week 44 2026 (26 October to 1 November)`) and as an axis tick. */
export function periodCategory(kind: PeriodKind, id: string): Category {
  const period = parsePeriodId(kind, id);
  const [year, month, day] = period.firstDate.split('-').map(Number) as [number, number, number];
  switch (kind) {
    case 'monthly':
      return {
        key: id,
        label: formatIsoDate(period.firstDate).replace(/^1 /, ''),
        tick: [SHORT_MONTHS[month - 1]!, String(year)],
      };
    case 'weekly': {
      const [weekYear, week] = id.split('-W') as [string, string];
      const first = formatIsoDate(period.firstDate).replace(/ \d{4}$/, '');
      const last = formatIsoDate(period.lastDate).replace(/ \d{4}$/, '');
      return {
        key: id,
        label: `Week ${Number(week)} ${weekYear} (${first} to ${last})`,
        tick: [`W${week}`, weekYear],
      };
    }
    default:
      return {
        key: id,
        label: formatIsoDate(period.firstDate),
        tick: [`${day} ${SHORT_MONTHS[month - 1]}`, String(year)],
      };
  }
}

// ---------------------------------------------------------------------------------------------------------
// The charts
// ---------------------------------------------------------------------------------------------------------

/** A family's referrals: the sum of its published cells; "c" when all of its non-zero cells are suppressed. */
export function familyValue(data: unknown, codes: readonly SourceCode[]): { value: Datum; partial: boolean } {
  const cells = codes.map((code) => figureAt(data, ['volume', 'bySource', code]));
  if (cells.every((cell) => cell === null)) return { value: null, partial: false };
  const known = cells.reduce<number>((sum, cell) => sum + (typeof cell === 'number' ? cell : 0), 0);
  const suppressed = cells.includes('c');
  if (suppressed && known === 0) return { value: 'c', partial: false };
  return { value: known, partial: suppressed };
}

interface ChartSection {
  heading: string;
  intro: string[];
  svg?: string;
  multiples?: { key: string; label: string; svg: string }[];
  notes: string[];
  table: ReturnType<typeof chartTable>;
}

function section(
  heading: string,
  intro: string[],
  data: ChartData,
  render: (data: ChartData) => string,
): ChartSection {
  return { heading, intro, svg: render(data), notes: gapNotes(data), table: chartTable(data) };
}

function series(key: string, label: string, values: Datum[], extra: Partial<Series> = {}): Series {
  return { key, label, values, ...extra };
}

/** Every chart of the dashboard, built from the loaded exports (oldest first). */
export function buildBoardCharts(kind: PeriodKind, exports: readonly LoadedExport[]) {
  const categories = exports.map((e) => periodCategory(kind, e.listing.periodId));
  const column = (path: readonly string[]) => exports.map((e) => figureAt(e.data, path));
  const noun = PERIOD_LABELS[kind].noun;

  const families = SOURCE_FAMILIES.map((family) => {
    const values = exports.map((e) => familyValue(e.data, family.codes));
    return {
      key: family.key,
      label: family.label,
      short: FAMILY_SHORT[family.key] ?? family.label,
      values: values.map((v) => v.value),
      partial: values.map((v) => v.partial),
    };
  });
  const volume: ChartData = {
    id: 'chart-volume',
    title: `Referrals received each ${noun}, by source`,
    description: `Stacked bars: referrals received in each ${noun}, split by the referrer's source (CIN census codes grouped into families); the total is written above each bar.`,
    unit: 'count',
    categoryHeader: 'Period',
    categories,
    series: families,
    total: { label: 'All referrals', values: column(['volume', 'referrals']) },
  };

  const timeliness: ChartData = {
    id: 'chart-timeliness',
    title: `Decisions made within timescale each ${noun}, overall and by RAG rating`,
    description: `Lines: the percentage of decided referrals decided within their RAG timescale, overall and for red, amber and green ratings, against the local targets of ${LOCAL_TIMELINESS_TARGETS.red}% for red and ${LOCAL_TIMELINESS_TARGETS.overall}% overall.`,
    unit: 'percent',
    categoryHeader: 'Period',
    categories,
    series: [
      series('overall', 'Overall', column(['timeliness', 'pctWithinTimescale']), { tone: 'black' }),
      series('red', 'Red', column(['timeliness', 'byRag', 'red', 'pctWithinTimescale']), { tone: 'red' }),
      series('amber', 'Amber', column(['timeliness', 'byRag', 'amber', 'pctWithinTimescale']), {
        tone: 'amber',
      }),
      series('green', 'Green', column(['timeliness', 'byRag', 'green', 'pctWithinTimescale']), {
        tone: 'green',
      }),
    ],
    referenceLines: [
      {
        value: LOCAL_TIMELINESS_TARGETS.red,
        label: `Local target for red: ${LOCAL_TIMELINESS_TARGETS.red}%`,
      },
      {
        value: LOCAL_TIMELINESS_TARGETS.overall,
        label: `Local target overall: ${LOCAL_TIMELINESS_TARGETS.overall}%`,
      },
    ],
  };

  const latest = exports[exports.length - 1];
  const latestCategory = categories[categories.length - 1];
  const agencyCategories: Category[] = AGENCIES.map((agency) => ({
    key: agency,
    label: AGENCY_LABELS[agency],
    tick: [AGENCY_LABELS[agency]],
  }));
  const agencyLatest: ChartData = {
    id: 'chart-agencies-latest',
    title: `Agency responses on time, by agency: ${latestCategory?.label ?? ''}`,
    description: `Horizontal bars: for each agency, the percentage of the hub's information requests about referrals received in ${latestCategory?.label ?? 'the latest period'} that it answered by the due time.`,
    unit: 'percent',
    mark: 'bar',
    categoryHeader: 'Agency',
    categories: agencyCategories,
    series: [
      series(
        'pct-on-time',
        '% answered on time',
        AGENCIES.map((agency) =>
          latest ? figureAt(latest.data, ['agencyResponses', agency, 'pctOnTime']) : null,
        ),
      ),
    ],
  };
  const agencyTrend: ChartData = {
    id: 'chart-agencies-trend',
    title: `Agency responses on time each ${noun}, by agency`,
    description: `One small line chart per agency: the percentage of information requests answered by the due time in each ${noun}.`,
    unit: 'percent',
    categoryHeader: 'Period',
    categories,
    series: AGENCIES.map((agency) =>
      series(agency, AGENCY_LABELS[agency], column(['agencyResponses', agency, 'pctOnTime'])),
    ),
  };

  const reReferrals: ChartData = {
    id: 'chart-re-referrals',
    title: `Re-referral rate each ${noun}`,
    description: `A line: the percentage of referrals with at least one subject referred before in the previous 12 months, against England's rate of ${ENGLAND_RE_REFERRAL_RATE_2024}% in 2024.`,
    unit: 'percent',
    categoryHeader: 'Period',
    categories,
    series: [
      series('re-referral-rate', 'Re-referral rate', column(['quality', 'reReferralRate']), {
        short: 'Re-referrals',
      }),
    ],
    referenceLines: [
      { value: ENGLAND_RE_REFERRAL_RATE_2024, label: `England 2024: ${ENGLAND_RE_REFERRAL_RATE_2024}%` },
    ],
  };

  const toldPath = ['confidence', 'pctToldOutcomeWithinOneWorkingDay'];
  const hasTold = exports.some((e) => hasFigure(e.data, toldPath));
  const confidence: ChartData = {
    id: 'chart-confidence',
    title: `Referrers' confidence each ${noun}`,
    description: hasTold
      ? `Lines: the percentage of referrers' feedback responses that found the service helpful, and the percentage of referrals whose referrer was told the outcome within one working day.`
      : `A line: the percentage of referrers' feedback responses that found the service helpful.`,
    unit: 'percent',
    categoryHeader: 'Period',
    categories,
    series: [
      series('pct-helpful', '% found it helpful', column(['confidence', 'pctHelpful']), {
        short: 'Found it helpful',
      }),
      ...(hasTold
        ? [
            series('pct-told-outcome', '% told the outcome within one working day', column(toldPath), {
              short: 'Told outcome in 1 day',
            }),
          ]
        : []),
    ],
  };
  const rating: ChartData = {
    id: 'chart-rating',
    title: `Referrers' mean rating each ${noun} (1 to 5)`,
    description: 'A line: the mean of the 1 to 5 ratings referrers gave in their feedback (5 is best).',
    unit: 'rating',
    categoryHeader: 'Period',
    categories,
    series: [series('mean-rating', 'Mean rating', column(['confidence', 'meanRating']))],
  };

  const sections: ChartSection[] = [
    section(
      'Volume of referrals',
      [
        'Referrals (contacts) received, whatever the number of children or adults each names, grouped by who made them.',
      ],
      volume,
      renderStackedBarChart,
    ),
    section(
      'Timeliness of decisions',
      [
        `The share of decided referrals that were decided within their timescale: red within 4 hours, amber within 1 working day, green within 3 working days. The dashed lines are local targets set by the hub (${LOCAL_TIMELINESS_TARGETS.red}% for red, ${LOCAL_TIMELINESS_TARGETS.overall}% overall), not national standards. Referrals decided without a rating count in the overall figure.`,
      ],
      timeliness,
      (data) => renderLineChart(data),
    ),
    section(
      'Agency responses',
      [
        `The share of information requests each agency answered by the due time, for referrals received in ${latestCategory?.label ?? 'the latest period'}. A request not answered counts as not on time.`,
      ],
      agencyLatest,
      renderHorizontalBarChart,
    ),
    {
      heading: 'Agency responses over time',
      intro: [`The same measure for each agency in every ${noun} shown.`],
      multiples: renderSmallMultiples(agencyTrend),
      notes: gapNotes(agencyTrend),
      table: chartTable(agencyTrend),
    },
    section(
      'Re-referrals',
      [
        `Referrals with at least one subject referred before within the previous 12 months, as a share of all referrals. The dashed line is England's re-referral rate in 2024 (${ENGLAND_RE_REFERRAL_RATE_2024}%), for reference.`,
      ],
      reReferrals,
      (data) => renderLineChart(data),
    ),
    section(
      'Confidence in the hub',
      [
        hasTold
          ? 'From the feedback referrers give after a referral, and whether the referrer was told the outcome within one working day of the referral.'
          : 'From the feedback referrers give after a referral.',
      ],
      confidence,
      (data) => renderLineChart(data),
    ),
    section('Referrers’ ratings', ['The mean of the ratings referrers gave, from 1 to 5.'], rating, (data) =>
      renderLineChart(data),
    ),
  ];
  return sections;
}

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

const ORDINALS: Record<string, string> = {
  '1': '1st',
  '2': '2nd',
  '3': '3rd',
  '21': '21st',
  '22': '22nd',
  '23': '23rd',
  '31': '31st',
};
const WEEKDAYS: Record<string, string> = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};

/** `cron(45 6 1 * ? *)` → `on the 1st of each month at 06:45`; undefined for anything less simple. */
export function describeCron(cron: string): string | undefined {
  const fields = /^cron\((.+)\)$/.exec(cron.trim())?.[1]?.split(/\s+/);
  if (fields?.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || month !== '*') return undefined;
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  if (dayOfWeek in WEEKDAYS && (dayOfMonth === '?' || dayOfMonth === '*'))
    return `every ${WEEKDAYS[dayOfWeek]} at ${time}`;
  if (/^\d{1,2}$/.test(dayOfMonth) && (dayOfWeek === '?' || dayOfWeek === '*')) {
    return `on the ${ORDINALS[dayOfMonth] ?? `${dayOfMonth}th`} of each month at ${time}`;
  }
  if ((dayOfMonth === '*' || dayOfMonth === '?') && (dayOfWeek === '*' || dayOfWeek === '?'))
    return `every day at ${time}`;
  return undefined;
}

/** When each kind of export is made, from the schedules themselves (src/resources.ts). */
export function exportSchedules(): { kind: PeriodKind; text: string }[] {
  return PERIOD_KINDS.map((kind) => {
    const schedule = schedules.find((s) => s.name === `metrics-${kind}`);
    const when = schedule ? describeCron(schedule.cron) : undefined;
    return {
      kind,
      text: `${PERIOD_LABELS[kind].adjective} exports: ${when ?? 'on a schedule'} (London time), covering the last complete ${PERIOD_LABELS[kind].noun}.`,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------------------

function common(request: PageRequest, principal: Principal, navCurrent: string) {
  return { cspNonce: request.cspNonce, navCurrent, staff: staffView(principal, 'board') };
}

function selectedKind(request: PageRequest): PeriodKind {
  return PERIOD_KINDS.find((kind) => kind === request.query.period) ?? 'monthly';
}

async function dashboardPage(request: PageRequest, principal: Principal): Promise<APIGatewayProxyResult> {
  const kind = selectedKind(request);
  const { exports, unreadable } = await loadExports(kind);
  const newestFirst = [...exports].reverse();
  const latest = newestFirst[0];
  const latestSummary = latest
    ? [
        {
          key: 'Referrals received',
          value: formatDatum(figureAt(latest.data, ['volume', 'referrals']), 'count'),
        },
        {
          key: 'Decided within timescale',
          value: formatDatum(figureAt(latest.data, ['timeliness', 'pctWithinTimescale']), 'percent'),
        },
        {
          key: 'Re-referral rate',
          value: formatDatum(figureAt(latest.data, ['quality', 'reReferralRate']), 'percent'),
        },
        {
          key: 'Referrers who found it helpful',
          value: formatDatum(figureAt(latest.data, ['confidence', 'pctHelpful']), 'percent'),
        },
      ]
    : [];
  const html = renderPage('board/dashboard.njk', {
    ...common(request, principal, 'board-dashboard'),
    title: 'Board dashboard',
    kind,
    kindLabel: PERIOD_LABELS[kind],
    kinds: (['monthly', 'weekly', 'daily'] as const).map((k) => ({
      kind: k,
      text: PERIOD_LABELS[k].adjective,
      href: k === 'monthly' ? '/board' : `/board?period=${k}`,
      current: k === kind,
    })),
    count: exports.length,
    unreadable,
    maxPeriods: MAX_PERIODS,
    firstLabel: exports[0] ? periodCategory(kind, exports[0].listing.periodId).label : '',
    latestLabel: latest ? periodCategory(kind, latest.listing.periodId).label : '',
    latestGenerated: latest ? formatLondonDateTime(latest.listing.generatedAt) : '',
    latestSummary,
    sections: exports.length > 0 ? buildBoardCharts(kind, exports) : [],
    downloads: newestFirst.map((e) => {
      const id = e.listing.periodId;
      return {
        label: periodCategory(kind, id).label,
        generated: formatLondonDateTime(e.listing.generatedAt),
        json: `/board/downloads/${kind}/${id}.json`,
        csv: `/board/downloads/${kind}/${id}.csv`,
        apiJson: `/api/reports/${kind}/${id}.json`,
      };
    }),
    schedules: exportSchedules(),
  });
  return htmlResponse(request, html);
}

async function definitionsPage(request: PageRequest, principal: Principal): Promise<APIGatewayProxyResult> {
  const published = await getReport(definitionsKey('md'));
  const html = renderPage('board/definitions.njk', {
    ...common(request, principal, 'board-definitions'),
    title: 'Definitions of the board’s figures',
    backLink: '/board',
    published: published !== undefined,
    definitionsHtml: markdownToHtml(published ?? definitionsMarkdown(), { headingOffset: 1 }),
  });
  return htmlResponse(request, html);
}

// ---------------------------------------------------------------------------------------------------------
// Markdown (the definitions): headings, paragraphs, lists, tables, `code` and **bold**; everything escaped
// ---------------------------------------------------------------------------------------------------------

function inlineMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code class="app-code">$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function tableCells(line: string): string[] {
  const inner = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll('\\|', '|'));
}

const HEADING_CLASSES = [
  'govuk-heading-l',
  'govuk-heading-m',
  'govuk-heading-s',
  'govuk-heading-s',
  'govuk-heading-s',
  'govuk-heading-s',
];

/**
 * A small, safe Markdown renderer for the published definitions: ATX headings (shifted down by
 * `headingOffset` so the page keeps its own h1), paragraphs, `-`/`*` lists, pipe tables and fenced code.
 * Every character of the source is escaped; no HTML or link in it is honoured.
 */
export function markdownToHtml(markdown: string, options: { headingOffset?: number } = {}): string {
  const offset = options.headingOffset ?? 0;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let lastHeading = 'Table';
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === '') {
      index++;
      continue;
    }
    if (line.startsWith('```')) {
      const code: string[] = [];
      index++;
      while (index < lines.length && !lines[index]!.startsWith('```')) code.push(lines[index++]!);
      index++;
      out.push(`<pre class="app-preformatted"><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1]!.length + offset);
      lastHeading = heading[2]!.trim().replace(/[`*]/g, '');
      out.push(
        `<h${level} class="${HEADING_CLASSES[level - 1]}">${inlineMarkdown(heading[2]!.trim())}</h${level}>`,
      );
      index++;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (index < lines.length && lines[index]!.trim() !== '') {
        const current = lines[index]!;
        if (/^\s*[-*]\s+/.test(current)) items.push(current.replace(/^\s*[-*]\s+/, ''));
        else if (items.length > 0) items[items.length - 1] += ` ${current.trim()}`;
        else break;
        index++;
      }
      out.push(
        `<ul class="govuk-list govuk-list--bullet">${items.map((item) => `<li>${inlineMarkdown(item)}</li>`).join('')}</ul>`,
      );
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      while (index < lines.length && lines[index]!.trimStart().startsWith('|'))
        rows.push(tableCells(lines[index++]!));
      const separator = rows[1]?.every((cell) => /^:?-{1,}:?$/.test(cell)) ?? false;
      const head = separator ? rows[0]! : undefined;
      const body = separator ? rows.slice(2) : rows;
      const headHtml = head
        ? `<thead class="govuk-table__head"><tr class="govuk-table__row">${head.map((cell) => `<th scope="col" class="govuk-table__header">${inlineMarkdown(cell)}</th>`).join('')}</tr></thead>`
        : '';
      const bodyHtml = body
        .map(
          (row) =>
            `<tr class="govuk-table__row">${row.map((cell) => `<td class="govuk-table__cell">${inlineMarkdown(cell)}</td>`).join('')}</tr>`,
        )
        .join('');
      out.push(
        `<div class="app-table-scroll" role="region" aria-label="${escapeHtml(lastHeading)}" tabindex="0"><table class="govuk-table app-table--small">${headHtml}<tbody class="govuk-table__body">${bodyHtml}</tbody></table></div>`,
      );
      continue;
    }
    const paragraph: string[] = [];
    while (
      index < lines.length &&
      lines[index]!.trim() !== '' &&
      !/^(#{1,6})\s|^\s*[-*]\s+|^\s*\||^```/.test(lines[index]!)
    ) {
      paragraph.push(lines[index++]!.trim());
    }
    out.push(`<p class="govuk-body">${inlineMarkdown(paragraph.join(' '))}</p>`);
  }
  return out.join('\n');
}
