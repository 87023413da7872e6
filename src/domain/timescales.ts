/**
 * The timescale engine: when a decision or an agency response is due.
 *
 * Specification: DOMAIN.md, "Timescales". All wall times are Europe/London.
 *
 * - Wall-clock timescales (red) are elapsed real time, 24/7: 4 hours after receipt is 4 hours later on a
 *   stopwatch, so across a clock change the London wall time moves by 5 (March) or 3 (October) hours.
 * - Working hours are the half-open interval [opening, closing): at exactly the closing time the hub is
 *   closed, so a clock started then starts at the next opening. A deadline may fall exactly at closing.
 * - n working days: the clock starts at the next opening (or at once, inside working hours); the deadline
 *   is the same London time of day on the n-th working day after that, no later than that day's closing
 *   time (and no earlier than its opening time, which only matters for a policy whose opening times
 *   differ between weekdays).
 * - n working hours: only time inside working hours counts.
 *
 * Every function takes the policy as an optional last argument; policies are treated as immutable (they
 * are compiled once and the compiled form is cached by object identity).
 */
import type { Rag } from './codes.ts';
import {
  assertValidDate,
  DAY_MS,
  dayNumberOfLocal,
  fromLondonLocalMs,
  HOUR_MS,
  type HolidayCalendar,
  HolidayLookup,
  jsWeekdayOfDay,
  londonDateParts,
  MINUTE_MS,
  toLondonLocalMs,
} from './working-calendar.ts';

export { formatLondon, londonDateParts, londonTime } from './working-calendar.ts';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours of one weekday as London wall times "HH:MM" (24-hour; closing may be "24:00"). */
interface OpeningHours {
  readonly open: string;
  readonly close: string;
}

/** How long something has: elapsed (wall-clock, 24/7) hours, working hours or working days. */
export type Timescale =
  | { readonly kind: 'wallClockHours'; readonly hours: number }
  | { readonly kind: 'workingHours'; readonly hours: number }
  | { readonly kind: 'workingDays'; readonly days: number };

export interface TimescalePolicy {
  /** Opening hours per weekday; `null` for a day the hub is closed. */
  readonly workingHours: Readonly<Record<Weekday, OpeningHours | null>>;
  /** Days the hub is closed whatever the weekday. */
  readonly holidays: HolidayCalendar;
  /** Decision due, counted from receipt, per RAG rating. */
  readonly decision: Readonly<Record<Rag, Timescale>>;
  /** Decision due for a contact not yet rated, counted from receipt. */
  readonly unrated: Timescale;
  /** Agency response due, counted from when the request is issued, per RAG rating. */
  readonly agencyResponse: Readonly<Record<Rag, Timescale>>;
}

const weekdayHours: OpeningHours = Object.freeze({ open: '08:45', close: '17:30' });

/** DOMAIN.md's defaults. */
export const defaultTimescalePolicy: TimescalePolicy = Object.freeze({
  workingHours: Object.freeze({
    monday: weekdayHours,
    tuesday: weekdayHours,
    wednesday: weekdayHours,
    thursday: weekdayHours,
    friday: Object.freeze({ open: '08:45', close: '16:35' }),
    saturday: null,
    sunday: null,
  }),
  holidays: Object.freeze({ country: 'GB', state: 'ENG', types: Object.freeze(['public', 'bank'] as const) }),
  decision: Object.freeze({
    red: Object.freeze({ kind: 'wallClockHours', hours: 4 }),
    amber: Object.freeze({ kind: 'workingDays', days: 1 }),
    green: Object.freeze({ kind: 'workingDays', days: 3 }),
  }),
  unrated: Object.freeze({ kind: 'workingDays', days: 1 }),
  agencyResponse: Object.freeze({
    red: Object.freeze({ kind: 'wallClockHours', hours: 2 }),
    amber: Object.freeze({ kind: 'workingHours', hours: 6 }),
    green: Object.freeze({ kind: 'workingDays', days: 1 }),
  }),
});

// ---------------------------------------------------------------------------------------------------------
// Compiled policy
// ---------------------------------------------------------------------------------------------------------

interface DayHours {
  /** ms after local midnight */
  readonly open: number;
  readonly close: number;
}

interface CompiledPolicy {
  /** Indexed by JS weekday, 0 = Sunday. */
  readonly hours: readonly (DayHours | null)[];
  readonly holidays: HolidayLookup;
}

/** At most this many consecutive closed days before we conclude the policy never opens. */
const MAX_CLOSED_RUN_DAYS = 3_700;

const compiledPolicies = new WeakMap<TimescalePolicy, CompiledPolicy>();
const holidayLookups = new Map<string, HolidayLookup>();

function parseWallTime(value: string, what: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours * 60 + minutes > 24 * 60) {
    throw new RangeError(`${what} must be a wall time "HH:MM" between 00:00 and 24:00, not "${value}"`);
  }
  return hours * HOUR_MS + minutes * MINUTE_MS;
}

function checkTimescale(timescale: Timescale, what: string): void {
  const amount = timescale.kind === 'workingDays' ? timescale.days : timescale.hours;
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`${what} must be a non-negative number`);
  if (timescale.kind === 'workingDays' && !Number.isInteger(amount)) {
    throw new RangeError(`${what} must be a whole number of working days`);
  }
}

function compile(policy: TimescalePolicy): CompiledPolicy {
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const hours: (DayHours | null)[] = [];
  WEEKDAYS.forEach((weekday, index) => {
    const day = policy.workingHours[weekday];
    const jsDay = (index + 1) % 7;
    if (day === null || day === undefined) {
      hours[jsDay] = null;
      return;
    }
    const open = parseWallTime(day.open, `${weekday} opening time`);
    const close = parseWallTime(day.close, `${weekday} closing time`);
    if (close <= open) throw new RangeError(`${weekday} closes (${day.close}) before it opens (${day.open})`);
    hours[jsDay] = { open, close };
  });
  if (hours.every((h) => h === null)) throw new RangeError('the policy has no working weekday');
  for (const rating of ['red', 'amber', 'green'] as const) {
    checkTimescale(policy.decision[rating], `decision timescale for ${rating}`);
    checkTimescale(policy.agencyResponse[rating], `agency response timescale for ${rating}`);
  }
  checkTimescale(policy.unrated, 'unrated decision timescale');

  const holidayKey = JSON.stringify([
    policy.holidays.country,
    policy.holidays.state ?? null,
    [...policy.holidays.types].sort(),
    [...(policy.holidays.extraClosedDates ?? [])].sort(),
  ]);
  let holidays = holidayLookups.get(holidayKey);
  if (!holidays) {
    holidays = new HolidayLookup(policy.holidays);
    holidayLookups.set(holidayKey, holidays);
  }
  const compiled: CompiledPolicy = { hours, holidays };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar primitives on day numbers (London dates) and epoch ms
// ---------------------------------------------------------------------------------------------------------

function hoursOfDay(c: CompiledPolicy, day: number): DayHours | null {
  const hours = c.hours[jsWeekdayOfDay(day)] ?? null;
  if (hours === null || c.holidays.isHoliday(day)) return null;
  return hours;
}

/** The first working day strictly after `day`. */
function nextWorkingDayAfter(c: CompiledPolicy, day: number): number {
  for (let candidate = day + 1; candidate <= day + MAX_CLOSED_RUN_DAYS; candidate++) {
    if (hoursOfDay(c, candidate) !== null) return candidate;
  }
  throw new RangeError('the policy has no working day within ten years');
}

function instantOnDay(day: number, msOfDay: number): number {
  return fromLondonLocalMs(day * DAY_MS + msOfDay);
}

/** The working day and opening instant at which a clock started at `utcMs` starts. */
function clockStart(c: CompiledPolicy, utcMs: number): { day: number; at: number } {
  const local = toLondonLocalMs(utcMs);
  const day = dayNumberOfLocal(local);
  const hours = hoursOfDay(c, day);
  if (hours !== null) {
    const opensAt = instantOnDay(day, hours.open);
    if (utcMs < opensAt) return { day, at: opensAt };
    if (utcMs < instantOnDay(day, hours.close)) return { day, at: utcMs };
  }
  const next = nextWorkingDayAfter(c, day);
  return { day: next, at: instantOnDay(next, (hoursOfDay(c, next) as DayHours).open) };
}

function addWorkingDaysMs(c: CompiledPolicy, utcMs: number, days: number): number {
  const start = clockStart(c, utcMs);
  const timeOfDay = toLondonLocalMs(start.at) - start.day * DAY_MS;
  let day = start.day;
  for (let i = 0; i < days; i++) day = nextWorkingDayAfter(c, day);
  const hours = hoursOfDay(c, day) as DayHours;
  return instantOnDay(day, Math.min(Math.max(timeOfDay, hours.open), hours.close));
}

function addWorkingMs(c: CompiledPolicy, utcMs: number, ms: number): number {
  let { day, at } = clockStart(c, utcMs);
  let remaining = ms;
  for (;;) {
    const closesAt = instantOnDay(day, (hoursOfDay(c, day) as DayHours).close);
    const available = closesAt - at;
    if (remaining <= available) return at + remaining;
    remaining -= available;
    day = nextWorkingDayAfter(c, day);
    at = instantOnDay(day, (hoursOfDay(c, day) as DayHours).open);
  }
}

function applyTimescaleMs(c: CompiledPolicy, utcMs: number, timescale: Timescale): number {
  switch (timescale.kind) {
    case 'wallClockHours':
      return utcMs + Math.round(timescale.hours * HOUR_MS);
    case 'workingHours':
      return addWorkingMs(c, utcMs, Math.round(timescale.hours * HOUR_MS));
    case 'workingDays':
      return addWorkingDaysMs(c, utcMs, timescale.days);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

/** Whether the London date of `date` is a working day (an open weekday that is not a bank holiday). */
export function isWorkingDay(date: Date, policy: TimescalePolicy = defaultTimescalePolicy): boolean {
  const c = compile(policy);
  return hoursOfDay(c, dayNumberOfLocal(toLondonLocalMs(assertValidDate(date, 'date')))) !== null;
}

/**
 * The opening and closing instants of the London date of `date`, or `null` when it is not a working day.
 */
export function workingHoursOn(
  date: Date,
  policy: TimescalePolicy = defaultTimescalePolicy,
): { opensAt: Date; closesAt: Date } | null {
  const c = compile(policy);
  const day = dayNumberOfLocal(toLondonLocalMs(assertValidDate(date, 'date')));
  const hours = hoursOfDay(c, day);
  if (hours === null) return null;
  return {
    opensAt: new Date(instantOnDay(day, hours.open)),
    closesAt: new Date(instantOnDay(day, hours.close)),
  };
}

/** When a working clock started at `instant` starts: `instant` itself inside working hours, else the next opening. */
export function nextOpening(instant: Date, policy: TimescalePolicy = defaultTimescalePolicy): Date {
  return new Date(clockStart(compile(policy), assertValidDate(instant)).at);
}

/**
 * The same London time of day on the `days`-th working day after the clock starts (see `nextOpening`),
 * or that day's closing time if that is earlier. `days` must be a whole number ≥ 0; 0 gives the clock start.
 */
export function addWorkingDays(
  start: Date,
  days: number,
  policy: TimescalePolicy = defaultTimescalePolicy,
): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a whole number ≥ 0');
  return new Date(addWorkingDaysMs(compile(policy), assertValidDate(start, 'start'), days));
}

/**
 * The instant at which `hours` of working time (time inside working hours only) have passed since `start`.
 * Fractions of an hour are allowed (to the millisecond); 0 gives the clock start (see `nextOpening`).
 */
export function addWorkingHours(
  start: Date,
  hours: number,
  policy: TimescalePolicy = defaultTimescalePolicy,
): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError('hours must be a number ≥ 0');
  return new Date(
    addWorkingMs(compile(policy), assertValidDate(start, 'start'), Math.round(hours * HOUR_MS)),
  );
}

/** When a timescale counted from `start` runs out. */
export function applyTimescale(
  start: Date,
  timescale: Timescale,
  policy: TimescalePolicy = defaultTimescalePolicy,
): Date {
  checkTimescale(timescale, 'timescale');
  return new Date(applyTimescaleMs(compile(policy), assertValidDate(start, 'start'), timescale));
}

/**
 * When the hub's decision on a contact is due, counted from its receipt. A re-rated contact's deadline is
 * this function of the original receipt time and the new rating.
 */
export function decisionDueAt(
  receivedAt: Date,
  rating: Rag | 'unrated',
  policy: TimescalePolicy = defaultTimescalePolicy,
): Date {
  const c = compile(policy);
  const timescale = rating === 'unrated' ? policy.unrated : policy.decision[rating];
  if (timescale === undefined) throw new RangeError(`unknown rating: ${String(rating)}`);
  return new Date(applyTimescaleMs(c, assertValidDate(receivedAt, 'receivedAt'), timescale));
}

/** When an agency's response to an information request is due, counted from when the request was issued. */
export function agencyResponseDueAt(
  issuedAt: Date,
  rating: Rag,
  policy: TimescalePolicy = defaultTimescalePolicy,
): Date {
  const c = compile(policy);
  const timescale = policy.agencyResponse[rating];
  if (timescale === undefined) throw new RangeError(`unknown rating: ${String(rating)}`);
  return new Date(applyTimescaleMs(c, assertValidDate(issuedAt, 'issuedAt'), timescale));
}

/** Overdue means now ≥ due (whether it is done is the caller's business). */
export function isOverdue(dueAt: Date, now: Date): boolean {
  return assertValidDate(now, 'now') >= assertValidDate(dueAt, 'dueAt');
}

/** The London calendar date of an instant, as YYYY-MM-DD: "today" for date-of-birth checks and re-referral windows. */
export function londonIsoDate(instant: Date): string {
  const { year, month, day } = londonDateParts(instant);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
