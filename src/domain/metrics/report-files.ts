/**
 * How the board's exports are named: `PERIOD/PERIOD_ID.FORMAT`, e.g. `monthly/2026-10.json`. The reports
 * bucket keeps each export at `reports/` + its name (src/store/report-store.ts), the API serves it at
 * `/api/reports/` + its name and the board's pages at `/board/downloads/` + its name. Each of them reads a
 * name with parseReportFile, so only a known period kind, a real period of that kind and a known format
 * name an export: no caller-made path reaches the bucket.
 */
import { isValidPeriodId, PERIOD_KINDS, type PeriodKind } from './periods.ts';

const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What an export's name says: its period kind, its period and its format. */
export interface ReportFile {
  period: PeriodKind;
  periodId: string;
  format: ReportFormat;
}

/** `monthly`, `2026-10`, `json` → `monthly/2026-10.json`. */
export function reportFileName(period: PeriodKind, periodId: string, format: ReportFormat): string {
  return `${period}/${periodId}.${format}`;
}

const FILE_NAME = /^([a-z]+)\/([0-9]{4}-[0-9W-]+)\.([a-z]+)$/;

/**
 * `monthly/2026-10.json` → `{ period: 'monthly', periodId: '2026-10', format: 'json' }`; undefined for
 * anything else: another kind or format, an id of another kind or that is not a real period (`2026-13`,
 * `2026-W54`, `2026-02-30`), capitals, dot segments, extra slashes or characters.
 */
export function parseReportFile(name: string): ReportFile | undefined {
  const match = FILE_NAME.exec(name);
  if (!match) return undefined;
  const [, kindText, periodId, formatText] = match as unknown as [string, string, string, string];
  const period = PERIOD_KINDS.find((kind) => kind === kindText);
  const format = REPORT_FORMATS.find((known) => known === formatText);
  if (!period || !format || !isValidPeriodId(period, periodId)) return undefined;
  return { period, periodId, format };
}
