import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isoWeeksInYear,
  isValidPeriodId,
  lastCompletePeriod,
  nextPeriodId,
  PERIOD_KINDS,
  PeriodError,
  type PeriodKind,
  parsePeriodId,
  periodBounds,
  periodContaining,
  periodKindOfId,
  periodsBetween,
  previousPeriodId,
} from '../../src/domain/metrics/periods.ts';
import { londonTime } from '../../src/domain/timescales.ts';

const HOUR = 3_600_000;
const hoursLong = (kind: PeriodKind, id: string): number => {
  const { periodStart, periodEnd } = periodBounds(kind, id);
  return (Date.parse(periodEnd) - Date.parse(periodStart)) / HOUR;
};

describe('period bounds are London midnights, as UTC instants', () => {
  it('a GMT month that ends in BST: March 2026 (clocks go forward on 29 March)', () => {
    expect(periodBounds('monthly', '2026-03')).toEqual({
      periodStart: '2026-03-01T00:00:00.000Z',
      periodEnd: '2026-03-31T23:00:00.000Z',
    });
    expect(hoursLong('monthly', '2026-03')).toBe(31 * 24 - 1);
  });

  it('a BST month that ends in GMT: October 2026 (clocks go back on 25 October)', () => {
    expect(periodBounds('monthly', '2026-10')).toEqual({
      periodStart: '2026-09-30T23:00:00.000Z',
      periodEnd: '2026-11-01T00:00:00.000Z',
    });
    expect(hoursLong('monthly', '2026-10')).toBe(31 * 24 + 1);
  });

  it('the ISO week containing 29 March 2026 is 2026-W13, Monday 23 to Sunday 29 March, 167 hours', () => {
    expect(periodContaining('weekly', londonTime(2026, 3, 29, 12))).toBe('2026-W13');
    expect(periodBounds('weekly', '2026-W13')).toEqual({
      periodStart: '2026-03-23T00:00:00.000Z',
      periodEnd: '2026-03-29T23:00:00.000Z',
    });
    expect(hoursLong('weekly', '2026-W13')).toBe(167);
  });

  it('the week of 25 October 2026 (2026-W43) is 169 hours; the days of the changes are 23 and 25 hours', () => {
    expect(periodContaining('weekly', londonTime(2026, 10, 25, 12))).toBe('2026-W43');
    expect(hoursLong('weekly', '2026-W43')).toBe(169);
    expect(periodBounds('daily', '2026-03-29')).toEqual({
      periodStart: '2026-03-29T00:00:00.000Z',
      periodEnd: '2026-03-29T23:00:00.000Z',
    });
    expect(periodBounds('daily', '2026-10-25')).toEqual({
      periodStart: '2026-10-24T23:00:00.000Z',
      periodEnd: '2026-10-26T00:00:00.000Z',
    });
    expect(hoursLong('daily', '2026-03-29')).toBe(23);
    expect(hoursLong('daily', '2026-10-25')).toBe(25);
  });

  it('a summer day and the CONTRACT examples', () => {
    expect(periodBounds('daily', '2026-07-01')).toEqual({
      periodStart: '2026-06-30T23:00:00.000Z',
      periodEnd: '2026-07-01T23:00:00.000Z',
    });
    expect(periodBounds('daily', '2026-11-25')).toEqual({
      periodStart: '2026-11-25T00:00:00.000Z',
      periodEnd: '2026-11-26T00:00:00.000Z',
    });
    expect(periodBounds('weekly', '2026-W48')).toEqual({
      periodStart: '2026-11-23T00:00:00.000Z',
      periodEnd: '2026-11-30T00:00:00.000Z',
    });
    expect(periodBounds('monthly', '2026-11')).toEqual({
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
    });
  });

  it('parsePeriodId gives the first and last London dates too', () => {
    expect(parsePeriodId('weekly', '2026-W01')).toEqual({
      kind: 'weekly',
      id: '2026-W01',
      firstDate: '2025-12-29',
      lastDate: '2026-01-04',
      periodStart: '2025-12-29T00:00:00.000Z',
      periodEnd: '2026-01-05T00:00:00.000Z',
    });
    expect(parsePeriodId('monthly', '2028-02').lastDate).toBe('2028-02-29');
  });

  it('consecutive periods tile time: each end is the next start (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PERIOD_KINDS),
        fc.date({
          min: new Date('1971-01-01T00:00:00Z'),
          max: new Date('2098-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (kind, instant) => {
          const id = periodContaining(kind, instant);
          const { periodStart, periodEnd } = periodBounds(kind, id);
          expect(Date.parse(periodStart)).toBeLessThanOrEqual(instant.getTime());
          expect(Date.parse(periodEnd)).toBeGreaterThan(instant.getTime());
          expect(periodBounds(kind, nextPeriodId(kind, id)).periodStart).toBe(periodEnd);
          expect(previousPeriodId(kind, nextPeriodId(kind, id))).toBe(id);
          expect(isValidPeriodId(kind, id)).toBe(true);
        },
      ),
    );
  });
});

describe('ISO weeks', () => {
  it('week 53 exists only in years that have it', () => {
    // A year has 53 ISO weeks when 1 January is a Thursday, or a Wednesday in a leap year.
    expect(isoWeeksInYear(2020)).toBe(53); // Wednesday, leap year
    expect(isoWeeksInYear(2026)).toBe(53); // 1 January 2026 is a Thursday
    expect(isoWeeksInYear(2025)).toBe(52);
    expect(isoWeeksInYear(2027)).toBe(52);
    expect(isValidPeriodId('weekly', '2020-W53')).toBe(true);
    expect(isValidPeriodId('weekly', '2026-W53')).toBe(true);
    expect(isValidPeriodId('weekly', '2025-W53')).toBe(false);
    expect(isValidPeriodId('weekly', '2027-W53')).toBe(false);
    expect(periodBounds('weekly', '2020-W53')).toEqual({
      periodStart: '2020-12-28T00:00:00.000Z',
      periodEnd: '2021-01-04T00:00:00.000Z',
    });
    expect(periodBounds('weekly', '2026-W53')).toEqual({
      periodStart: '2026-12-28T00:00:00.000Z',
      periodEnd: '2027-01-04T00:00:00.000Z',
    });
  });

  it('days near New Year belong to the ISO week-year of their Thursday', () => {
    expect(periodContaining('weekly', londonTime(2027, 1, 3, 12))).toBe('2026-W53');
    expect(periodContaining('weekly', londonTime(2027, 1, 4, 0))).toBe('2027-W01');
    expect(periodContaining('weekly', londonTime(2025, 12, 29, 0))).toBe('2026-W01');
    expect(periodContaining('weekly', londonTime(2025, 12, 28, 23, 59, 59))).toBe('2025-W52');
  });
});

describe('ids are strict', () => {
  const invalid: [PeriodKind, string][] = [
    ['daily', '2026-02-29'],
    ['daily', '2026-04-31'],
    ['daily', '2026-13-01'],
    ['daily', '2026-00-10'],
    ['daily', '2026-11-00'],
    ['daily', '2026-11-5'],
    ['daily', '2026-11-25T00:00'],
    ['daily', '2026-11'],
    ['daily', ' 2026-11-25'],
    ['daily', '2026-11-25\n'],
    ['daily', '1969-12-31'],
    ['weekly', '2026-W00'],
    ['weekly', '2026-W54'],
    ['weekly', '2026-W4'],
    ['weekly', '2026-w48'],
    ['weekly', '2026W48'],
    ['weekly', '2026-W48-1'],
    ['weekly', '2026-11'],
    ['monthly', '2026-13'],
    ['monthly', '2026-00'],
    ['monthly', '2026-1'],
    ['monthly', '26-11'],
    ['monthly', '+2026-11'],
    ['monthly', '2026-11-25'],
    ['monthly', '２０２６-11'],
    ['monthly', ''],
  ];
  it.each(invalid)('%s %j is refused with a PeriodError', (kind, id) => {
    expect(isValidPeriodId(kind, id)).toBe(false);
    expect(() => periodBounds(kind, id)).toThrow(PeriodError);
    expect(() => parsePeriodId(kind, id)).toThrow(PeriodError);
  });

  it('real dates are accepted, including leap days', () => {
    expect(isValidPeriodId('daily', '2028-02-29')).toBe(true);
    expect(isValidPeriodId('daily', '2026-12-31')).toBe(true);
    expect(isValidPeriodId('monthly', '2026-12')).toBe(true);
  });

  it('an unknown kind is a PeriodError with a code a caller can map to 400', () => {
    let error: unknown;
    try {
      periodBounds('yearly' as PeriodKind, '2026');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PeriodError);
    expect((error as PeriodError).code).toBe('INVALID_PERIOD');
  });

  it('periodKindOfId tells the kind from the syntax', () => {
    expect(periodKindOfId('2026-11-25')).toBe('daily');
    expect(periodKindOfId('2026-W48')).toBe('weekly');
    expect(periodKindOfId('2026-11')).toBe('monthly');
    expect(periodKindOfId('2026')).toBeNull();
  });
});

describe('the last complete period', () => {
  it('on 1 December 2026 at 00:30 London it is November, 30 November, and 2026-W48', () => {
    const now = londonTime(2026, 12, 1, 0, 30);
    expect(lastCompletePeriod('monthly', now)).toBe('2026-11');
    expect(lastCompletePeriod('daily', now)).toBe('2026-11-30');
    expect(lastCompletePeriod('weekly', now)).toBe('2026-W48');
  });

  it('on a Monday the last complete week is the one before; on the Sunday before, the one before that', () => {
    expect(lastCompletePeriod('weekly', londonTime(2026, 11, 30, 0, 0, 0))).toBe('2026-W48');
    expect(lastCompletePeriod('weekly', londonTime(2026, 11, 30, 23, 59))).toBe('2026-W48');
    expect(lastCompletePeriod('weekly', londonTime(2026, 11, 29, 23, 59, 59))).toBe('2026-W47');
  });

  it('uses London time, not UTC, across the clock changes', () => {
    // 31 March 2026 23:30 UTC is 1 April 00:30 BST: March is complete.
    expect(lastCompletePeriod('monthly', new Date('2026-03-31T23:30:00Z'))).toBe('2026-03');
    expect(lastCompletePeriod('daily', new Date('2026-03-31T23:30:00Z'))).toBe('2026-03-31');
    // 30 September 2026 22:59 UTC is 23:59 BST on the 30th: September is not complete.
    expect(lastCompletePeriod('monthly', new Date('2026-09-30T22:59:00Z'))).toBe('2026-08');
    expect(lastCompletePeriod('monthly', new Date('2026-09-30T23:00:00Z'))).toBe('2026-09');
  });

  it('across New Year and week 53', () => {
    expect(lastCompletePeriod('weekly', londonTime(2027, 1, 4, 9))).toBe('2026-W53');
    expect(lastCompletePeriod('monthly', londonTime(2027, 1, 1, 0))).toBe('2026-12');
    expect(lastCompletePeriod('daily', londonTime(2027, 1, 1, 0))).toBe('2026-12-31');
  });

  it('refuses an invalid instant', () => {
    expect(() => lastCompletePeriod('daily', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('periodsBetween (backfills)', () => {
  it('lists every period inclusive, in order', () => {
    expect(periodsBetween('weekly', '2026-W52', '2027-W02')).toEqual([
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ]);
    expect(periodsBetween('monthly', '2026-11', '2027-02')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(periodsBetween('daily', '2026-03-28', '2026-03-31')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
    ]);
    expect(periodsBetween('daily', '2028-02-28', '2028-03-01')).toEqual([
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    expect(periodsBetween('monthly', '2026-05', '2026-05')).toEqual(['2026-05']);
    expect(periodsBetween('daily', '2026-01-01', '2026-12-31')).toHaveLength(365);
    expect(periodsBetween('weekly', '2026-W01', '2026-W53')).toHaveLength(53);
  });

  it('refuses a reversed range, invalid ids and more than the maximum', () => {
    expect(() => periodsBetween('monthly', '2026-12', '2026-11')).toThrow(PeriodError);
    expect(() => periodsBetween('monthly', '2026-13', '2027-01')).toThrow(PeriodError);
    expect(() => periodsBetween('weekly', '2026-W01', '2025-W53')).toThrow(PeriodError);
    expect(() => periodsBetween('daily', '2026-01-01', '2026-01-31', 30)).toThrow(PeriodError);
    expect(periodsBetween('daily', '2026-01-01', '2026-01-30', 30)).toHaveLength(30);
  });
});
