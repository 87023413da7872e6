/**
 * The board's exports: for one period, stream the facts of the referrals received in it from the
 * receipt index (never a scan; memory bounded by the accumulator, not the table), compute the
 * measures, apply disclosure control, and write JSON, CSV and the definitions to the reports bucket.
 */
import { DEFINITIONS, definitionsMarkdown } from '../domain/metrics/definitions.ts';
import { applyDisclosureControl } from '../domain/metrics/disclosure.ts';
import { toCsv, toJson } from '../domain/metrics/export-format.ts';
import { createAccumulator } from '../domain/metrics/measures.ts';
import { lastCompletePeriod, type PeriodKind, parsePeriodId } from '../domain/metrics/periods.ts';
import { hubClock } from '../platform/clock.ts';
import { definitionsKey, putReport, reportKey } from '../store/report-store.ts';
import { caseStore } from './store.ts';

export interface ExportResult {
  period: PeriodKind;
  periodId: string;
  jsonKey: string;
  csvKey: string;
  referrals: number;
  generatedAt: string;
}

/** Exports one period: the one asked for, or the last complete one before the hub's "now". Throws PeriodError for a bad id. */
export async function exportPeriod(period: PeriodKind, periodId?: string): Promise<ExportResult> {
  const now = hubClock.now();
  const id = periodId ?? lastCompletePeriod(period, now);
  const bounds = parsePeriodId(period, id);
  const accumulator = createAccumulator({
    period,
    periodId: bounds.id,
    periodStart: bounds.periodStart,
    periodEnd: bounds.periodEnd,
  });
  for await (const facts of caseStore().streamReceived(bounds.periodStart, bounds.periodEnd))
    accumulator.add(facts);
  const published = applyDisclosureControl(accumulator.finish());
  const generatedAt = now.toISOString();
  const jsonKey = reportKey(period, bounds.id, 'json');
  const csvKey = reportKey(period, bounds.id, 'csv');
  await Promise.all([
    putReport(jsonKey, toJson(published, generatedAt), 'json', generatedAt),
    putReport(csvKey, toCsv(published, generatedAt), 'csv', generatedAt),
    putReport(definitionsKey('json'), `${JSON.stringify(DEFINITIONS, null, 2)}\n`, 'json', generatedAt),
    putReport(definitionsKey('md'), definitionsMarkdown(), 'md', generatedAt),
  ]);
  return { period, periodId: bounds.id, jsonKey, csvKey, referrals: accumulator.count, generatedAt };
}
