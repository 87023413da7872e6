/**
 * When the board's exports are made, in words, from the schedules themselves (src/resources.ts): a small
 * translator from EventBridge Scheduler cron expressions to English, for the simple shapes the hub uses.
 */
import { PERIOD_KINDS, type PeriodKind } from '../../domain/metrics/periods.ts';
import { schedules } from '../../resources.ts';
import { PERIOD_LABELS } from './period-labels.ts';

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
