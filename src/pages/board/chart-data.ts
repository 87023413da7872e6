/**
 * What the dashboard's charts show, taken from the published exports (oldest first): one `ChartData` per
 * chart with its heading and words, which charts.ts draws as SVG and as a table. Figures are read as
 * published (numbers, "c" or null); nothing here derives a figure the export withholds, except summing a
 * family of source codes, which is "c" only when every non-zero cell of it is.
 */
import { AGENCIES, AGENCY_LABELS, SOURCE_CODES, type SourceCode } from '../../domain/codes.ts';
import type { PeriodKind } from '../../domain/metrics/periods.ts';
import type { ReportListing } from '../../store/report-store.ts';
import {
  type Category,
  type ChartData,
  chartTable,
  type Datum,
  gapNotes,
  renderHorizontalBarChart,
  renderLineChart,
  renderSmallMultiples,
  renderStackedBarChart,
  type Series,
} from './charts.ts';
import { PERIOD_LABELS, periodCategory } from './period-labels.ts';

/**
 * The hub's own (local) targets for the share of decisions made within timescale: every red referral,
 * and nine in ten overall. Local targets agreed for this dashboard, not national standards.
 */
export const LOCAL_TIMELINESS_TARGETS = { red: 100, overall: 90 } as const;

/** England's re-referral rate for 2024 (children's social care referrals within 12 months of a previous one). */
const ENGLAND_RE_REFERRAL_RATE_2024 = 22;

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

/** A published export as the dashboard read it: its listing and its parsed JSON. */
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
