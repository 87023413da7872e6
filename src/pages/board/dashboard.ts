/**
 * The board's dashboard (`/board`, `?period=weekly|daily`): the last exports of one period kind as trends
 * (volume by source, timeliness against the local targets, agency responses, re-referrals against
 * England's rate, referrer confidence), each chart with a data table of the same figures, the latest
 * figures in a summary, downloads of each export and when exports are made.
 *
 * The page reads only the published exports in the reports bucket (src/store/report-store.ts): the
 * figures are already disclosure-controlled.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '../../auth/tokens.ts';
import { logger } from '../../platform/powertools.ts';
import { getReport, listReports, PERIOD_KINDS, type PeriodKind } from '../../store/report-store.ts';
import { formatLondonDateTime } from '../shared/format.ts';
import { htmlResponse, type PageRequest } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';
import { staffView } from '../shared/staff-session.ts';
import { buildBoardCharts, figureAt, type LoadedExport } from './chart-data.ts';
import { formatDatum } from './charts.ts';
import { PERIOD_LABELS, periodCategory } from './period-labels.ts';
import { exportSchedules } from './schedules.ts';

/** How many of the latest exports of a kind the dashboard shows. */
const MAX_PERIODS = 12;

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

function selectedKind(request: PageRequest): PeriodKind {
  return PERIOD_KINDS.find((kind) => kind === request.query.period) ?? 'monthly';
}

export async function dashboardPage(
  request: PageRequest,
  principal: Principal,
): Promise<APIGatewayProxyResult> {
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
    cspNonce: request.cspNonce,
    navCurrent: 'board-dashboard',
    staff: staffView(principal, 'board'),
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
        // Shown as text, where src/pages/shared/base-path.ts does not reach: the base path is written here.
        apiJson: `${request.basePath}/api/reports/${kind}/${id}.json`,
      };
    }),
    schedules: exportSchedules(),
  });
  return htmlResponse(request, html);
}
