/**
 * The hub's clock face: Europe/London wall time and the England and Wales bank holidays.
 *
 * London wall-clock parts are read with `Intl.DateTimeFormat`; the UTC offset it yields is cached per UTC
 * day (with the exact transition instant on the two clock-change days a year), so converting between
 * instants and London wall time is plain arithmetic after the first use of a day.
 *
 * A "local ms" value below is a London wall time written as if it were UTC: `Date.UTC(y, m - 1, d, h, mi)`.
 * A "day number" is a London calendar date as whole days since 1970-01-01.
 */
import {
  BANK_HOLIDAYS,
  BANK_HOLIDAYS_CALENDAR,
  BANK_HOLIDAYS_FIRST_YEAR,
  BANK_HOLIDAYS_LAST_YEAR,
  BANK_HOLIDAYS_SOURCE,
} from './bank-holidays.generated.ts';

const LONDON_TIME_ZONE = 'Europe/London';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface LondonDateParts {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: IsoWeekday;
}

// ---------------------------------------------------------------------------------------------------------
// UTC offset of Europe/London, from Intl, cached per UTC day
// ---------------------------------------------------------------------------------------------------------

/**
 * Built on first use, not at import: loading the time zone data takes ~10 ms, which a request that never
 * needs London time (an asset, the start page, the OpenAPI document) should not pay at cold start.
 */
let londonFormatter: Intl.DateTimeFormat | undefined;
function londonParts(utcMs: number): Intl.DateTimeFormatPart[] {
  londonFormatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON_TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
    era: 'short',
  });
  return londonFormatter.formatToParts(utcMs);
}

/** London offset from UTC (ms) at an instant, read straight from Intl. Second resolution. */
function intlOffset(utcMs: number): number {
  const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const part of londonParts(wholeSecond)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        beforeCommonEra = part.value.startsWith('B');
        break;
    }
  }
  if (beforeCommonEra) year = 1 - year;
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, month - 1, day);
  asUtc.setUTCHours(hour, minute, second, 0);
  return asUtc.getTime() - wholeSecond;
}

/** Either one offset for the whole UTC day, or the day's single clock change. */
type DayOffset = number | { readonly changeAt: number; readonly before: number; readonly after: number };

const offsetCache = new Map<number, DayOffset>();
const OFFSET_CACHE_LIMIT = 200_000;

function computeDayOffset(utcDay: number): DayOffset {
  const start = utcDay * DAY_MS;
  const end = start + DAY_MS - 1000;
  const before = intlOffset(start);
  const after = intlOffset(end);
  if (before === after) return before;
  // Binary search (whole seconds) for the first instant carrying the new offset.
  let lo = start; // offset === before
  let hi = end; // offset === after
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (intlOffset(mid) === before) lo = mid;
    else hi = mid;
  }
  return { changeAt: hi, before, after };
}

/** London offset from UTC (ms) at an instant. */
function londonOffsetMs(utcMs: number): number {
  const utcDay = Math.floor(utcMs / DAY_MS);
  let entry = offsetCache.get(utcDay);
  if (entry === undefined) {
    if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
    entry = computeDayOffset(utcDay);
    offsetCache.set(utcDay, entry);
  }
  if (typeof entry === 'number') return entry;
  return utcMs < entry.changeAt ? entry.before : entry.after;
}

/** The London wall time of an instant, as local ms. */
export function toLondonLocalMs(utcMs: number): number {
  return utcMs + londonOffsetMs(utcMs);
}

/**
 * The instant at which London's clocks show a wall time (local ms).
 *
 * - In the autumn overlap (01:00–01:59 happens twice) `'earlier'` (the default) gives the first, BST,
 *   occurrence and `'later'` the second, GMT, one.
 * - In the spring gap (01:00–01:59 never happens) the wall time is read with the offset in force before the
 *   change, so it moves forward by the length of the gap: 01:30 becomes 02:30 BST. (This is what
 *   `Temporal`'s "compatible" disambiguation does.)
 */
export function fromLondonLocalMs(localMs: number, disambiguation: 'earlier' | 'later' = 'earlier'): number {
  const offsetBefore = londonOffsetMs(localMs - DAY_MS);
  const offsetAfter = londonOffsetMs(localMs + DAY_MS);
  if (offsetBefore === offsetAfter) return localMs - offsetBefore;
  const first = localMs - offsetBefore;
  const second = localMs - offsetAfter;
  const firstValid = toLondonLocalMs(first) === localMs;
  const secondValid = toLondonLocalMs(second) === localMs;
  if (firstValid && secondValid) {
    return disambiguation === 'earlier' ? Math.min(first, second) : Math.max(first, second);
  }
  if (firstValid) return first;
  if (secondValid) return second;
  return first; // in the gap: shift forward by the gap
}

/** The epoch ms of a Date, or a RangeError when it is not a valid Date. */
export function assertValidDate(instant: Date, name = 'instant'): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

/**
 * The instant at which London's clocks show the given wall time (month 1–12). Out-of-range fields roll
 * over as `Date.UTC` does. See `fromLondonLocalMs` for the clock-change gap and overlap.
 */
export function londonTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  disambiguation: 'earlier' | 'later' = 'earlier',
): Date {
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  return new Date(fromLondonLocalMs(local.getTime(), disambiguation));
}

/** The London wall-clock parts of an instant. */
export function londonDateParts(instant: Date): LondonDateParts {
  const local = new Date(toLondonLocalMs(assertValidDate(instant)));
  const jsDay = local.getUTCDay();
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: (jsDay === 0 ? 7 : jsDay) as IsoWeekday,
  };
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * An instant as London wall time in GOV.UK style, for pages: "Tuesday 26 May 2026 at 8:45am",
 * "… at 5pm", "… at midday", "… at midnight". Seconds are not shown.
 */
export function formatLondon(instant: Date): string {
  const local = new Date(toLondonLocalMs(assertValidDate(instant)));
  const date = `${WEEKDAY_NAMES[local.getUTCDay()]} ${local.getUTCDate()} ${MONTH_NAMES[local.getUTCMonth()]} ${local.getUTCFullYear()}`;
  const hour = local.getUTCHours();
  const minute = local.getUTCMinutes();
  let time: string;
  if (minute === 0 && hour === 0) time = 'midnight';
  else if (minute === 0 && hour === 12) time = 'midday';
  else {
    const hour12 = hour % 12 === 0 ? 12 : hour % 12;
    const suffix = hour < 12 ? 'am' : 'pm';
    time = minute === 0 ? `${hour12}${suffix}` : `${hour12}:${String(minute).padStart(2, '0')}${suffix}`;
  }
  return `${date} at ${time}`;
}

// ---------------------------------------------------------------------------------------------------------
// Day numbers
// ---------------------------------------------------------------------------------------------------------

/** The London calendar date (day number) of a local ms value. */
export function dayNumberOfLocal(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** JS weekday (0 = Sunday … 6 = Saturday) of a day number. 1970-01-01 was a Thursday. */
export function jsWeekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function yearOfDay(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCFullYear();
}

/** Day number of an ISO date "YYYY-MM-DD". */
export function dayNumberOfIsoDate(isoDate: string): number {
  const match = /^(-?\d{4,6})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) throw new RangeError(`not an ISO date: ${isoDate}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return dayNumberOfLocal(d.getTime());
}

// ---------------------------------------------------------------------------------------------------------
// Bank holidays, from `date-holidays` by way of the generated list, cached per calendar and year
// ---------------------------------------------------------------------------------------------------------

type HolidayType = 'public' | 'bank' | 'optional' | 'school' | 'observance';

/**
 * Which `date-holidays` calendar supplies the days the hub is closed.
 *
 * The functions do not load `date-holidays` (it and moment-timezone were most of every bundle): they read
 * bank-holidays.generated.ts, which `node scripts/generate-bank-holidays.ts` writes from it. Only the
 * calendar listed there (GB, ENG, types public and bank) is available; another throws.
 */
export interface HolidayCalendar {
  /** ISO 3166-1 country code, e.g. "GB". */
  country: string;
  /** Subdivision, e.g. "ENG" (England and Wales share their bank holidays). */
  state?: string;
  /** Holiday types that close the hub, e.g. `['public', 'bank']`. */
  types: readonly HolidayType[];
  /** Further closure dates (ISO "YYYY-MM-DD", London calendar dates), e.g. a one-off extra bank holiday. */
  extraClosedDates?: readonly string[];
}

const REGENERATE_HINT =
  'widen the years in scripts/generate-bank-holidays.ts and run `node scripts/generate-bank-holidays.ts`';

/** The generated bank holidays (day numbers) by year, built on first use. */
let generatedYears: ReadonlyMap<number, ReadonlySet<number>> | undefined;

function generatedBankHolidays(): ReadonlyMap<number, ReadonlySet<number>> {
  if (generatedYears === undefined) {
    const years = new Map<number, Set<number>>();
    for (let year = BANK_HOLIDAYS_FIRST_YEAR; year <= BANK_HOLIDAYS_LAST_YEAR; year++)
      years.set(year, new Set());
    for (const [date] of BANK_HOLIDAYS) {
      const day = dayNumberOfIsoDate(date);
      years.get(yearOfDay(day))?.add(day);
    }
    generatedYears = years;
  }
  return generatedYears;
}

/** Throws unless the calendar is the one bank-holidays.generated.ts lists. */
function checkGeneratedCalendar(calendar: HolidayCalendar): void {
  const listed = BANK_HOLIDAYS_CALENDAR;
  const types = new Set<string>(calendar.types);
  const sameTypes = types.size === listed.types.length && listed.types.every((type) => types.has(type));
  if (calendar.country !== listed.country || calendar.state !== listed.state || !sameTypes) {
    throw new RangeError(
      `no generated holidays for country ${calendar.country}, state ${calendar.state ?? '(none)'}, ` +
        `types ${[...calendar.types].join(', ')}: bank-holidays.generated.ts lists only country ` +
        `${listed.country}, state ${listed.state}, types ${listed.types.join(', ')} (${BANK_HOLIDAYS_SOURCE})`,
    );
  }
}

/** Closed days (day numbers) of one year, for one calendar. */
function closedDaysOfYear(calendar: HolidayCalendar, year: number): ReadonlySet<number> {
  const bankHolidays = generatedBankHolidays().get(year);
  if (bankHolidays === undefined) {
    throw new RangeError(
      `no bank holidays for ${year}: bank-holidays.generated.ts covers ${BANK_HOLIDAYS_FIRST_YEAR}–` +
        `${BANK_HOLIDAYS_LAST_YEAR} (${BANK_HOLIDAYS_SOURCE}); ${REGENERATE_HINT}`,
    );
  }
  const days = new Set<number>(bankHolidays);
  for (const date of calendar.extraClosedDates ?? []) {
    const day = dayNumberOfIsoDate(date);
    if (yearOfDay(day) === year) days.add(day);
  }
  return days;
}

/**
 * Answers "is this London date a holiday?" for one calendar, caching each year on first use. Throws a
 * RangeError for a calendar other than the generated one, and for a year outside the generated range
 * (never treating it as free of holidays).
 */
export class HolidayLookup {
  readonly #calendar: HolidayCalendar;
  readonly #years = new Map<number, ReadonlySet<number>>();

  constructor(calendar: HolidayCalendar) {
    checkGeneratedCalendar(calendar);
    this.#calendar = calendar;
  }

  isHoliday(dayNumber: number): boolean {
    const year = yearOfDay(dayNumber);
    let days = this.#years.get(year);
    if (days === undefined) {
      days = closedDaysOfYear(this.#calendar, year);
      this.#years.set(year, days);
    }
    return days.has(dayNumber);
  }
}
