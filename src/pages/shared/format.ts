/**
 * How pages write dates, times and durations: always London time, in GOV.UK style ("2 March 2015",
 * "10:00am on Tuesday 26 May 2026"). The API keeps UTC; only pages convert.
 */
const LONDON = 'Europe/London';

export { londonIsoDate } from '../../domain/timescales.ts';

// The formatters are built on first use: loading time zone data at import would slow every cold start,
// including those that only serve an asset.
let longDate: Intl.DateTimeFormat | undefined;
let londonDateTime: Intl.DateTimeFormat | undefined;

/** `2015-03-02` → `2 March 2015`; anything that is not an ISO date is returned as it is. */
export function formatIsoDate(isoDate: string | undefined): string {
  if (!isoDate) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  longDate ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return longDate.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
}

/** An instant in London time, in plain words: `10:00am on Tuesday 26 May 2026`. */
export function formatLondonDateTime(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return '';
  const parts: Record<string, string> = {};
  londonDateTime ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h12',
  });
  for (const part of londonDateTime.formatToParts(date)) parts[part.type] = part.value;
  const hour = Number(parts.hour) === 0 ? 12 : Number(parts.hour);
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return `${hour}:${parts.minute}${period} on ${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

/** "3 hours 20 minutes", "2 days 1 hour", "45 minutes", "less than a minute". */
export function describeDuration(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const mins = minutes % 60;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return [plural(days, 'day'), hours ? plural(hours, 'hour') : ''].filter(Boolean).join(' ');
  return [hours ? plural(hours, 'hour') : '', mins ? plural(mins, 'minute') : ''].filter(Boolean).join(' ');
}
