/**
 * The board's reporting periods: a London calendar day, an ISO week (Monday to Sunday) or a calendar month.
 *
 * Specification: DOMAIN.md "Measures for the board" (periods by receipt date) and CONTRACT.md
 * (`/_local/schedules`: each schedule exports the last complete period before "now"; period ids
 * `2026-11-25`, `2026-W48`, `2026-11`).
 *
 * - A period is a range of London calendar dates. Its bounds are the instants of London midnight at the
 *   start of its first day (`periodStart`) and at the start of the next period (`periodEnd`, exclusive),
 *   written as UTC ISO instants. Across a clock change a day is 23 or 25 hours long; midnight never falls in
 *   the UK's gap or overlap (changes happen at 01:00 UTC), so the bounds are always well defined.
 * - Ids are strict: `YYYY-MM-DD` (a real date), `YYYY-Www` (ISO 8601 week-numbering year and week; week 53
 *   exists only in years that have it, and `YYYY` is the ISO week-year, which can differ from the calendar
 *   year near New Year), `YYYY-MM`. Years 1970 to 9999. Anything else is a `PeriodError`, which a caller
 *   turns into a 400.
 */
import { londonDateParts, londonTime } from '../timescales.ts';

export const PERIOD_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface PeriodBounds {
  /** London midnight at the start of the period, as a UTC ISO instant. */
  periodStart: string;
  /** London midnight at the start of the next period (exclusive), as a UTC ISO instant. */
  periodEnd: string;
}

/** A period id that is malformed, not a real date or week, or of the wrong kind: a client mistake (400). */
export class PeriodError extends Error {
  readonly code = 'INVALID_PERIOD';
  override readonly name = 'PeriodError';
}

export interface Period extends PeriodBounds {
  kind: PeriodKind;
  id: string;
  /** The first London date of the period, YYYY-MM-DD. */
  firstDate: string;
  /** The last London date of the period (inclusive), YYYY-MM-DD. */
  lastDate: string;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;
const DAY_MS = 86_400_000;

const DAILY_ID = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKLY_ID = /^(\d{4})-W(\d{2})$/;
const MONTHLY_ID = /^(\d{4})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01 in the proleptic Gregorian calendar)
// ---------------------------------------------------------------------------------------------------------

function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

function dateOfDay(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** ISO weekday: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function isoWeekOf(day: number): { year: number; week: number } {
  const thursday = day - isoWeekday(day) + 4;
  const year = dateOfDay(thursday).year;
  return { year, week: Math.floor((thursday - dayNumber(year, 1, 1)) / 7) + 1 };
}

/** 52 or 53: the ISO week of 28 December is always the year's last. */
export function isoWeeksInYear(year: number): number {
  return isoWeekOf(dayNumber(year, 12, 28)).week;
}

function mondayOfIsoWeek(year: number, week: number): number {
  const january4 = dayNumber(year, 1, 4);
  return january4 - (isoWeekday(january4) - 1) + (week - 1) * 7;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoDateOfDay(day: number): string {
  const d = dateOfDay(day);
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------------------

interface DayRange {
  /** First day (day number), inclusive. */
  start: number;
  /** First day of the next period (day number). */
  end: number;
}

function checkYear(year: number, id: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PeriodError(`period id "${id}" has a year outside ${MIN_YEAR}–${MAX_YEAR}`);
  }
}

function rangeOf(kind: PeriodKind, id: string): DayRange {
  if (typeof id !== 'string') throw new PeriodError('a period id must be a string');
  switch (kind) {
    case 'daily': {
      const match = DAILY_ID.exec(id);
      if (!match) throw new PeriodError(`a daily period id is YYYY-MM-DD, not "${id}"`);
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      checkYear(year, id);
      const start = dayNumber(year, month, day);
      if (month < 1 || month > 12 || day < 1 || isoDateOfDay(start) !== id) {
        throw new PeriodError(`"${id}" is not a real date`);
      }
      return { start, end: start + 1 };
    }
    case 'weekly': {
      const match = WEEKLY_ID.exec(id);
      if (!match) throw new PeriodError(`a weekly period id is YYYY-Www (ISO week), not "${id}"`);
      const [year, week] = [Number(match[1]), Number(match[2])];
      checkYear(year, id);
      const weeks = isoWeeksInYear(year);
      if (week < 1 || week > weeks) {
        throw new PeriodError(`ISO week-year ${year} has weeks 01 to ${weeks}, so "${id}" does not exist`);
      }
      const start = mondayOfIsoWeek(year, week);
      return { start, end: start + 7 };
    }
    case 'monthly': {
      const match = MONTHLY_ID.exec(id);
      if (!match) throw new PeriodError(`a monthly period id is YYYY-MM, not "${id}"`);
      const [year, month] = [Number(match[1]), Number(match[2])];
      checkYear(year, id);
      if (month < 1 || month > 12) throw new PeriodError(`"${id}" is not a real month`);
      return { start: dayNumber(year, month, 1), end: dayNumber(year, month + 1, 1) };
    }
    default:
      throw new PeriodError(`the period kind is daily, weekly or monthly, not "${String(kind)}"`);
  }
}

function idOfDay(kind: PeriodKind, day: number): string {
  switch (kind) {
    case 'daily':
      return isoDateOfDay(day);
    case 'weekly': {
      const { year, week } = isoWeekOf(day);
      return `${pad(year, 4)}-W${pad(week)}`;
    }
    case 'monthly': {
      const d = dateOfDay(day);
      return `${pad(d.year, 4)}-${pad(d.month)}`;
    }
    default:
      throw new PeriodError(`the period kind is daily, weekly or monthly, not "${String(kind)}"`);
  }
}

export function isPeriodKind(value: unknown): value is PeriodKind {
  return typeof value === 'string' && (PERIOD_KINDS as readonly string[]).includes(value);
}

/** The kind whose id syntax `id` has (not whether it is a real period), or `null`. */
export function periodKindOfId(id: string): PeriodKind | null {
  if (DAILY_ID.test(id)) return 'daily';
  if (WEEKLY_ID.test(id)) return 'weekly';
  if (MONTHLY_ID.test(id)) return 'monthly';
  return null;
}

/** Parses and validates a period id of the given kind; throws `PeriodError` when it is not one. */
export function parsePeriodId(kind: PeriodKind, id: string): Period {
  const { start, end } = rangeOf(kind, id);
  return {
    kind,
    id,
    firstDate: isoDateOfDay(start),
    lastDate: isoDateOfDay(end - 1),
    ...boundsOf(start, end),
  };
}

export function isValidPeriodId(kind: PeriodKind, id: string): boolean {
  try {
    rangeOf(kind, id);
    return true;
  } catch (error) {
    if (error instanceof PeriodError) return false;
    throw error;
  }
}

function midnightLondon(day: number): string {
  const d = dateOfDay(day);
  return londonTime(d.year, d.month, d.day, 0, 0, 0).toISOString();
}

function boundsOf(start: number, end: number): PeriodBounds {
  return { periodStart: midnightLondon(start), periodEnd: midnightLondon(end) };
}

/** The UTC instants of the London midnights that bound the period: start inclusive, end exclusive. */
export function periodBounds(kind: PeriodKind, id: string): PeriodBounds {
  const { start, end } = rangeOf(kind, id);
  return boundsOf(start, end);
}

function londonDayOf(instant: Date): number {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('the instant must be a valid Date');
  }
  const { year, month, day } = londonDateParts(instant);
  return dayNumber(year, month, day);
}

/** The id of the period that contains `instant` (by its London date). */
export function periodContaining(kind: PeriodKind, instant: Date): string {
  return idOfDay(kind, londonDayOf(instant));
}

/** The id of the period immediately after `id`. */
export function nextPeriodId(kind: PeriodKind, id: string): string {
  return idOfDay(kind, rangeOf(kind, id).end);
}

/** The id of the period immediately before `id`. */
export function previousPeriodId(kind: PeriodKind, id: string): string {
  return idOfDay(kind, rangeOf(kind, id).start - 1);
}

/**
 * The last complete period before `now`: the London day, ISO week or month before the one that contains
 * `now` (so at 00:30 London on 1 December the last complete month is November, and on any day of a week the
 * last complete week is the previous Monday-to-Sunday).
 */
export function lastCompletePeriod(kind: PeriodKind, now: Date): string {
  const current = rangeOf(kind, periodContaining(kind, now));
  return idOfDay(kind, current.start - 1);
}

/** Every period id from `fromId` to `toId` inclusive, in order (for backfills); at most `max` of them. */
export function periodsBetween(kind: PeriodKind, fromId: string, toId: string, max = 10_000): string[] {
  const from = rangeOf(kind, fromId);
  const to = rangeOf(kind, toId);
  if (from.start > to.start) throw new PeriodError(`"${fromId}" is after "${toId}"`);
  const ids: string[] = [];
  for (let day = from.start; day <= to.start; day = rangeOf(kind, idOfDay(kind, day)).end) {
    if (ids.length >= max) throw new PeriodError(`more than ${max} periods from "${fromId}" to "${toId}"`);
    ids.push(idOfDay(kind, day));
  }
  return ids;
}
