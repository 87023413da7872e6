/**
 * How the board's pages name periods: `Monthly` exports of a `month`; `October 2026`,
 * `Week 44 2026 (26 October to 1 November)` in tables, and short ticks under a chart's axis.
 */
import { type PeriodKind, parsePeriodId } from '../../domain/metrics/periods.ts';
import { formatIsoDate } from '../shared/format.ts';
import type { Category } from './charts.ts';

/** A period kind in words: `Monthly exports`, `each month`. */
export const PERIOD_LABELS: Record<PeriodKind, { adjective: string; noun: string }> = {
  monthly: { adjective: 'Monthly', noun: 'month' },
  weekly: { adjective: 'Weekly', noun: 'week' },
  daily: { adjective: 'Daily', noun: 'day' },
};

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
