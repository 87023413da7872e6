/**
 * The bank holidays the functions read come from date-holidays (issue #2), by way of the generated list:
 * these tests fail when the list drifts from what the installed date-holidays gives, so an update of the
 * package cannot go unnoticed. The fix is always to regenerate, never to edit the list by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dateHolidaysVersion,
  FIRST_YEAR,
  GENERATE_COMMAND,
  GENERATED_CALENDAR,
  GENERATED_FILE,
  holidaysOfYear,
  LAST_YEAR,
  renderGeneratedFile,
} from '../../scripts/generate-bank-holidays.ts';
import {
  BANK_HOLIDAYS,
  BANK_HOLIDAYS_CALENDAR,
  BANK_HOLIDAYS_FIRST_YEAR,
  BANK_HOLIDAYS_LAST_YEAR,
  BANK_HOLIDAYS_SOURCE,
} from '../../src/domain/bank-holidays.generated.ts';
import { defaultTimescalePolicy, isWorkingDay, londonTime } from '../../src/domain/timescales.ts';
import { dayNumberOfIsoDate, HolidayLookup } from '../../src/domain/working-calendar.ts';

const STALE = `src/domain/bank-holidays.generated.ts is stale: run \`${GENERATE_COMMAND}\` (npm run generate:holidays)`;

const england = defaultTimescalePolicy.holidays;

describe('bank-holidays.generated.ts', () => {
  it('was generated from the installed date-holidays', () => {
    expect(BANK_HOLIDAYS_SOURCE, STALE).toBe(`date-holidays ${dateHolidaysVersion()}`);
    expect([BANK_HOLIDAYS_FIRST_YEAR, BANK_HOLIDAYS_LAST_YEAR], STALE).toEqual([FIRST_YEAR, LAST_YEAR]);
    expect(BANK_HOLIDAYS_CALENDAR, STALE).toEqual(GENERATED_CALENDAR);
  });

  it('lists the calendar the default policy uses (GB, ENG, public and bank)', () => {
    expect(england.country).toBe(BANK_HOLIDAYS_CALENDAR.country);
    expect(england.state).toBe(BANK_HOLIDAYS_CALENDAR.state);
    expect([...england.types].sort()).toEqual([...BANK_HOLIDAYS_CALENDAR.types].sort());
  });

  it('equals what date-holidays gives today, year by year', () => {
    const listed = new Map<number, { date: string; name: string }[]>();
    for (const [date, name] of BANK_HOLIDAYS) {
      const year = Number(date.slice(0, 4));
      listed.set(year, [...(listed.get(year) ?? []), { date, name }]);
    }
    expect(
      [...listed.keys()].every((year) => year >= FIRST_YEAR && year <= LAST_YEAR),
      STALE,
    ).toBe(true);
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      expect(listed.get(year) ?? [], `${year}: ${STALE}`).toEqual(holidaysOfYear(year));
    }
  });

  it('is sorted by date and holds at least the eight regular bank holidays each year', () => {
    const dates = BANK_HOLIDAYS.map(([date]) => date);
    expect(dates).toEqual([...dates].sort());
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      expect(new Set(dates.filter((d) => d.startsWith(`${year}-`))).size).toBeGreaterThanOrEqual(8);
    }
  });

  it('is, byte for byte, what the generator writes today', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8') === renderGeneratedFile(), STALE).toBe(true);
  });
});

describe('HolidayLookup (from the generated list)', () => {
  it('knows every listed holiday and only those, in the generated range', () => {
    const lookup = new HolidayLookup(england);
    const listed = new Set(BANK_HOLIDAYS.map(([date]) => dayNumberOfIsoDate(date)));
    const first = dayNumberOfIsoDate(`${FIRST_YEAR}-01-01`);
    const last = dayNumberOfIsoDate(`${LAST_YEAR}-12-31`);
    for (let day = first; day <= last; day++) expect(lookup.isHoliday(day)).toBe(listed.has(day));
  });

  it('adds the extra closed dates', () => {
    const lookup = new HolidayLookup({ ...england, extraClosedDates: ['2026-05-26'] });
    expect(lookup.isHoliday(dayNumberOfIsoDate('2026-05-26'))).toBe(true);
    expect(lookup.isHoliday(dayNumberOfIsoDate('2026-05-25'))).toBe(true);
    expect(lookup.isHoliday(dayNumberOfIsoDate('2026-05-27'))).toBe(false);
  });

  it('throws for a year outside the generated range, never treating it as holiday-free', () => {
    const lookup = new HolidayLookup(england);
    for (const date of [`${FIRST_YEAR - 1}-12-31`, `${LAST_YEAR + 1}-01-01`, `${LAST_YEAR + 1}-06-15`]) {
      expect(() => lookup.isHoliday(dayNumberOfIsoDate(date))).toThrow(RangeError);
      expect(() => lookup.isHoliday(dayNumberOfIsoDate(date))).toThrow(/no bank holidays for \d{4}/);
    }
    expect(() => lookup.isHoliday(dayNumberOfIsoDate(`${LAST_YEAR + 1}-01-01`))).toThrow(GENERATE_COMMAND);
    // and so do the timescales
    expect(() => isWorkingDay(londonTime(LAST_YEAR + 1, 3, 2, 12))).toThrow(RangeError);
    expect(isWorkingDay(londonTime(LAST_YEAR, 3, 2, 12))).toBe(true); // Tuesday 2 March 2060
  });

  it('throws for a calendar that was not generated', () => {
    expect(() => new HolidayLookup({ country: 'GB', state: 'SCT', types: ['public', 'bank'] })).toThrow(
      /no generated holidays for country GB, state SCT/,
    );
    expect(() => new HolidayLookup({ country: 'GB', state: 'ENG', types: ['public'] })).toThrow(RangeError);
    expect(() => new HolidayLookup({ country: 'FR', types: ['public', 'bank'] })).toThrow(RangeError);
    expect(() => new HolidayLookup({ ...england, types: ['bank', 'public'] })).not.toThrow();
  });
});
