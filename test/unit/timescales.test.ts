import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rag } from '../../src/domain/codes.ts';
import {
  addWorkingDays,
  addWorkingHours,
  agencyResponseDueAt,
  applyTimescale,
  decisionDueAt,
  defaultTimescalePolicy,
  formatLondon,
  isOverdue,
  isWorkingDay,
  londonDateParts,
  londonTime,
  nextOpening,
  type TimescalePolicy,
  workingHoursOn,
} from '../../src/domain/timescales.ts';

// ---------------------------------------------------------------------------------------------------------
// Helpers: every time in these tests is a London wall time "YYYY-MM-DD HH:MM[:SS]"
// ---------------------------------------------------------------------------------------------------------

function at(wall: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!match) throw new Error(`bad wall time ${wall}`);
  const [, y, mo, d, h, mi, s] = match;
  return londonTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** London wall time of an instant, "YYYY-MM-DD HH:MM" (plus ":SS" when the seconds are not zero). */
function wall(instant: Date): string {
  const p = londonDateParts(instant);
  const base = `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
  return p.second === 0 ? base : `${base}:${pad(p.second)}`;
}

const RATINGS: readonly Rag[] = ['red', 'amber', 'green'];
const DECISION_RATINGS: readonly (Rag | 'unrated')[] = ['red', 'amber', 'green', 'unrated'];

// ---------------------------------------------------------------------------------------------------------
// DOMAIN.md's examples
// ---------------------------------------------------------------------------------------------------------

describe('DOMAIN.md examples', () => {
  it('amber received Mon 10:00 is due Tue 10:00', () => {
    expect(wall(decisionDueAt(at('2026-05-18 10:00'), 'amber'))).toBe('2026-05-19 10:00');
  });

  it("amber received Thu 17:00 is due Fri 16:35 (Friday's closing time)", () => {
    expect(wall(decisionDueAt(at('2026-05-21 17:00'), 'amber'))).toBe('2026-05-22 16:35');
  });

  it('amber received Fri 22 May 2026 16:55 starts Tue 26 May 08:45 (bank holiday Monday), due Wed 27 May 08:45', () => {
    const received = at('2026-05-22 16:55');
    expect(isWorkingDay(at('2026-05-25 12:00'))).toBe(false);
    expect(wall(nextOpening(received))).toBe('2026-05-26 08:45');
    expect(wall(decisionDueAt(received, 'amber'))).toBe('2026-05-27 08:45');
  });

  it('green received Mon 10:00 is due Thu 10:00', () => {
    expect(wall(decisionDueAt(at('2026-05-18 10:00'), 'green'))).toBe('2026-05-21 10:00');
  });

  it('amber agency request issued Tue 15:00 (6 working hours) is due Wed 12:15', () => {
    expect(wall(agencyResponseDueAt(at('2026-05-19 15:00'), 'amber'))).toBe('2026-05-20 12:15');
  });

  it('red is due 4 hours after receipt; due 20:55 is not overdue at 20:54:59 and is overdue at 20:55:00', () => {
    const due = decisionDueAt(at('2026-05-19 16:55'), 'red');
    expect(wall(due)).toBe('2026-05-19 20:55');
    expect(isOverdue(due, at('2026-05-19 20:54:59'))).toBe(false);
    expect(isOverdue(due, at('2026-05-19 20:55:00'))).toBe(true);
    expect(isOverdue(due, at('2026-05-19 20:55:01'))).toBe(true);
  });

  it('before it is rated, a decision is due one working day after receipt', () => {
    expect(wall(decisionDueAt(at('2026-05-18 10:00'), 'unrated'))).toBe('2026-05-19 10:00');
    expect(wall(decisionDueAt(at('2026-05-22 16:55'), 'unrated'))).toBe('2026-05-27 08:45');
    expect(wall(decisionDueAt(at('2026-05-23 03:00'), 'unrated'))).toBe('2026-05-27 08:45');
  });

  it('immediate danger (red) is due 4 hours after receipt, at once, even out of hours', () => {
    expect(wall(decisionDueAt(at('2026-05-23 03:00'), 'red'))).toBe('2026-05-23 07:00');
  });

  it('re-rating recomputes from the original receipt time under the new rating', () => {
    const received = at('2026-05-18 10:00');
    expect(wall(decisionDueAt(received, 'amber'))).toBe('2026-05-19 10:00');
    expect(wall(decisionDueAt(received, 'green'))).toBe('2026-05-21 10:00');
    expect(wall(decisionDueAt(received, 'red'))).toBe('2026-05-18 14:00');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Wall-clock (red) timescales across midnight and clock changes
// ---------------------------------------------------------------------------------------------------------

describe('red: 4 hours of real time, 24/7', () => {
  it('runs across midnight', () => {
    expect(wall(decisionDueAt(at('2026-06-09 22:30'), 'red'))).toBe('2026-06-10 02:30');
    expect(wall(agencyResponseDueAt(at('2026-06-09 23:15'), 'red'))).toBe('2026-06-10 01:15');
  });

  it('across the March clock change (clocks go forward at 01:00 GMT) the wall time moves 5 hours', () => {
    const received = at('2026-03-28 23:30'); // GMT
    expect(received.toISOString()).toBe('2026-03-28T23:30:00.000Z');
    const due = decisionDueAt(received, 'red');
    expect(due.toISOString()).toBe('2026-03-29T03:30:00.000Z');
    expect(wall(due)).toBe('2026-03-29 04:30'); // BST
    expect(due.getTime() - received.getTime()).toBe(4 * 3_600_000);
  });

  it('across the October clock change (clocks go back at 02:00 BST) the wall time moves 3 hours', () => {
    const received = at('2026-10-24 23:30'); // BST
    expect(received.toISOString()).toBe('2026-10-24T22:30:00.000Z');
    const due = decisionDueAt(received, 'red');
    expect(due.toISOString()).toBe('2026-10-25T02:30:00.000Z');
    expect(wall(due)).toBe('2026-10-25 02:30'); // GMT
    expect(due.getTime() - received.getTime()).toBe(4 * 3_600_000);
  });

  it('a 2-hour agency response across the October change', () => {
    const issued = at('2026-10-25 00:30'); // BST, 23:30Z
    expect(wall(agencyResponseDueAt(issued, 'red'))).toBe('2026-10-25 01:30'); // the second 01:30, GMT
    expect(agencyResponseDueAt(issued, 'red').toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('working-day deadlines keep the London time of day across a clock change', () => {
    // Fri 27 March 2026 10:00 GMT → Mon 30 March 10:00 BST
    const received = at('2026-03-27 10:00');
    expect(received.toISOString()).toBe('2026-03-27T10:00:00.000Z');
    const due = decisionDueAt(received, 'amber');
    expect(wall(due)).toBe('2026-03-30 10:00');
    expect(due.toISOString()).toBe('2026-03-30T09:00:00.000Z');
    // Fri 23 October 2026 16:00 BST → Mon 26 October 16:00 GMT
    expect(wall(decisionDueAt(at('2026-10-23 16:00'), 'amber'))).toBe('2026-10-26 16:00');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Bank holidays, weekends, Friday afternoons
// ---------------------------------------------------------------------------------------------------------

describe('bank holidays (from date-holidays, England and Wales)', () => {
  function bankHolidays(year: number): string[] {
    const found: string[] = [];
    for (
      let d = at(`${year}-01-01 12:00`);
      londonDateParts(d).year === year;
      d = new Date(d.getTime() + 86_400_000)
    ) {
      const { weekday } = londonDateParts(d);
      if (weekday <= 5 && !isWorkingDay(d)) found.push(wall(d).slice(0, 10));
    }
    return found;
  }

  it('match the gov.uk list for 2026 and 2027', () => {
    expect(bankHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
    expect(bankHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27',
      '2027-12-28',
    ]);
  });

  it('Christmas: amber received Thu 24 Dec 2026 10:00 skips Christmas, the weekend and the Boxing Day substitute', () => {
    expect(wall(decisionDueAt(at('2026-12-24 10:00'), 'amber'))).toBe('2026-12-29 10:00');
  });

  it('Christmas Eve after close: the clock starts Tue 29 Dec', () => {
    expect(wall(nextOpening(at('2026-12-24 18:00')))).toBe('2026-12-29 08:45');
    expect(wall(decisionDueAt(at('2026-12-24 18:00'), 'green'))).toBe('2027-01-04 08:45');
  });

  it('New Year: green received Thu 31 Dec 2026 10:00 is due Wed 6 Jan 2027 10:00', () => {
    expect(wall(decisionDueAt(at('2026-12-31 10:00'), 'green'))).toBe('2027-01-06 10:00');
  });

  it('New Year: amber agency request issued Thu 31 Dec 2026 14:00 is due Mon 4 Jan 2027 11:15', () => {
    // 3.5 h on the Thursday, 2.5 h on Monday (Fri 1 Jan is a bank holiday)
    expect(wall(agencyResponseDueAt(at('2026-12-31 14:00'), 'amber'))).toBe('2027-01-04 11:15');
  });

  it('Easter: amber received Thu 2 Apr 2026 11:00 skips Good Friday and Easter Monday', () => {
    expect(wall(decisionDueAt(at('2026-04-02 11:00'), 'amber'))).toBe('2026-04-07 11:00');
    expect(wall(decisionDueAt(at('2026-04-02 16:00'), 'green'))).toBe('2026-04-09 16:00');
  });

  it('Easter: amber agency request issued Thu 2 Apr 2026 14:00 is due Tue 7 Apr 11:15', () => {
    expect(wall(agencyResponseDueAt(at('2026-04-02 14:00'), 'amber'))).toBe('2026-04-07 11:15');
  });

  it('received on Good Friday: the clock starts Tue 7 Apr 08:45', () => {
    expect(wall(decisionDueAt(at('2026-04-03 10:00'), 'amber'))).toBe('2026-04-08 08:45');
  });
});

describe('weekends and Friday afternoons', () => {
  it('amber received Fri 15:00 is due Mon 15:00', () => {
    expect(wall(decisionDueAt(at('2026-05-29 15:00'), 'amber'))).toBe('2026-06-01 15:00');
  });

  it('amber received Fri 16:34 is due Mon 16:34; at 16:35 Friday is closed', () => {
    expect(wall(decisionDueAt(at('2026-05-29 16:34'), 'amber'))).toBe('2026-06-01 16:34');
    expect(wall(nextOpening(at('2026-05-29 16:35')))).toBe('2026-06-01 08:45');
    expect(wall(decisionDueAt(at('2026-05-29 16:35'), 'amber'))).toBe('2026-06-02 08:45');
  });

  it('a green agency request issued Thu 17:00 is due Fri 16:35', () => {
    expect(wall(agencyResponseDueAt(at('2026-05-28 17:00'), 'green'))).toBe('2026-05-29 16:35');
  });

  it('an amber agency request issued Fri 15:00 is due Mon 13:10', () => {
    // 1 h 35 on Friday, 4 h 25 on Monday
    expect(wall(agencyResponseDueAt(at('2026-05-29 15:00'), 'amber'))).toBe('2026-06-01 13:10');
  });

  it('a weekend receipt starts at Monday 08:45', () => {
    const received = at('2026-05-30 14:00');
    expect(wall(nextOpening(received))).toBe('2026-06-01 08:45');
    expect(wall(decisionDueAt(received, 'amber'))).toBe('2026-06-02 08:45');
    expect(wall(decisionDueAt(received, 'green'))).toBe('2026-06-04 08:45');
    expect(wall(decisionDueAt(received, 'unrated'))).toBe('2026-06-02 08:45');
    expect(wall(decisionDueAt(received, 'red'))).toBe('2026-05-30 18:00');
    expect(wall(agencyResponseDueAt(received, 'amber'))).toBe('2026-06-01 14:45');
  });

  it('an early-morning receipt starts at 08:45 the same day', () => {
    expect(wall(decisionDueAt(at('2026-05-19 06:10'), 'amber'))).toBe('2026-05-20 08:45');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The building blocks
// ---------------------------------------------------------------------------------------------------------

describe('nextOpening, addWorkingDays, addWorkingHours', () => {
  it('nextOpening is the instant itself inside working hours; closing time is outside', () => {
    const inside = at('2026-05-19 12:34:56');
    expect(nextOpening(inside).getTime()).toBe(inside.getTime());
    expect(wall(nextOpening(at('2026-05-19 08:44:59')))).toBe('2026-05-19 08:45');
    expect(wall(nextOpening(at('2026-05-19 08:45')))).toBe('2026-05-19 08:45');
    expect(wall(nextOpening(at('2026-05-19 17:29:59')))).toBe('2026-05-19 17:29:59');
    expect(wall(nextOpening(at('2026-05-19 17:30')))).toBe('2026-05-20 08:45');
  });

  it('addWorkingDays(0) is the clock start; n days clamps to closing time', () => {
    expect(wall(addWorkingDays(at('2026-05-23 10:00'), 0))).toBe('2026-05-26 08:45');
    expect(wall(addWorkingDays(at('2026-05-18 17:15'), 4))).toBe('2026-05-22 16:35');
    expect(wall(addWorkingDays(at('2026-05-18 17:15'), 5))).toBe('2026-05-26 17:15');
    expect(wall(addWorkingDays(at('2026-05-18 10:00:30'), 1))).toBe('2026-05-19 10:00:30');
  });

  it('addWorkingHours counts only time inside working hours and may end exactly at closing', () => {
    expect(wall(addWorkingHours(at('2026-05-19 11:30'), 6))).toBe('2026-05-19 17:30');
    expect(wall(addWorkingHours(at('2026-05-19 11:30'), 6.25))).toBe('2026-05-20 09:00');
    expect(wall(addWorkingHours(at('2026-05-19 17:45'), 0))).toBe('2026-05-20 08:45');
    expect(wall(addWorkingHours(at('2026-05-19 17:45'), 0.5))).toBe('2026-05-20 09:15');
    // a whole working week: 4 × 8h45 + 7h50 = 42h50
    expect(wall(addWorkingHours(at('2026-06-01 08:45'), 42 + 50 / 60))).toBe('2026-06-05 16:35');
  });

  it('isWorkingDay and workingHoursOn read the London date', () => {
    expect(isWorkingDay(at('2026-05-19 23:59'))).toBe(true);
    expect(isWorkingDay(at('2026-05-23 12:00'))).toBe(false);
    // 00:30 BST on Saturday is still Friday in UTC: London's date decides.
    expect(isWorkingDay(new Date('2026-05-22T23:30:00Z'))).toBe(false);
    const friday = workingHoursOn(at('2026-05-22 03:00'));
    expect(friday && wall(friday.opensAt)).toBe('2026-05-22 08:45');
    expect(friday && wall(friday.closesAt)).toBe('2026-05-22 16:35');
    expect(workingHoursOn(at('2026-05-25 12:00'))).toBeNull();
  });

  it('rejects bad input', () => {
    expect(() => addWorkingDays(at('2026-05-19 10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-05-19 10:00'), 1.5)).toThrow(RangeError);
    expect(() => addWorkingHours(at('2026-05-19 10:00'), Number.NaN)).toThrow(RangeError);
    expect(() => decisionDueAt(new Date('nope'), 'amber')).toThrow(RangeError);
    expect(() => decisionDueAt(at('2026-05-19 10:00'), 'purple' as Rag)).toThrow(RangeError);
  });
});

describe('London time', () => {
  it('formatLondon writes GOV.UK style times', () => {
    expect(formatLondon(at('2026-05-26 08:45'))).toBe('Tuesday 26 May 2026 at 8:45am');
    expect(formatLondon(at('2026-05-26 17:30'))).toBe('Tuesday 26 May 2026 at 5:30pm');
    expect(formatLondon(at('2026-05-26 17:00'))).toBe('Tuesday 26 May 2026 at 5pm');
    expect(formatLondon(at('2026-05-26 12:00'))).toBe('Tuesday 26 May 2026 at midday');
    expect(formatLondon(at('2026-05-26 12:05'))).toBe('Tuesday 26 May 2026 at 12:05pm');
    expect(formatLondon(at('2026-05-26 00:00'))).toBe('Tuesday 26 May 2026 at midnight');
    expect(formatLondon(at('2026-05-26 00:30'))).toBe('Tuesday 26 May 2026 at 12:30am');
    expect(formatLondon(new Date('2026-01-05T09:05:00Z'))).toBe('Monday 5 January 2026 at 9:05am');
  });

  it('londonDateParts gives the wall-clock fields and ISO weekday', () => {
    expect(londonDateParts(new Date('2026-05-25T23:30:45Z'))).toEqual({
      year: 2026,
      month: 5,
      day: 26,
      hour: 0,
      minute: 30,
      second: 45,
      weekday: 2,
    });
    expect(londonDateParts(new Date('2026-05-31T12:00:00Z')).weekday).toBe(7);
  });

  it('londonTime resolves the spring gap forward and the autumn overlap to the earlier instant by default', () => {
    expect(londonTime(2026, 3, 29, 1, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
    expect(londonTime(2026, 10, 25, 1, 30).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // BST
    expect(londonTime(2026, 10, 25, 1, 30, 0, 'later').toISOString()).toBe('2026-10-25T01:30:00.000Z'); // GMT
    expect(londonTime(2026, 7, 1, 9).toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(londonTime(2026, 1, 1, 9).toISOString()).toBe('2026-01-01T09:00:00.000Z');
  });
});

describe('a configurable policy', () => {
  const nineToFive = { open: '09:00', close: '17:00' };
  const custom: TimescalePolicy = {
    ...defaultTimescalePolicy,
    workingHours: {
      monday: nineToFive,
      tuesday: nineToFive,
      wednesday: nineToFive,
      thursday: nineToFive,
      friday: { open: '10:00', close: '16:00' },
      saturday: null,
      sunday: null,
    },
    holidays: { ...defaultTimescalePolicy.holidays, extraClosedDates: ['2026-05-26'] },
    decision: { ...defaultTimescalePolicy.decision, green: { kind: 'workingDays', days: 5 } },
    agencyResponse: { ...defaultTimescalePolicy.agencyResponse, amber: { kind: 'workingHours', hours: 3 } },
  };

  it('uses its hours, closures and timescales', () => {
    expect(wall(decisionDueAt(at('2026-05-22 16:55'), 'amber', custom))).toBe('2026-05-28 09:00');
    expect(wall(decisionDueAt(at('2026-05-18 10:00'), 'green', custom))).toBe('2026-05-27 10:00');
    expect(wall(agencyResponseDueAt(at('2026-05-19 15:00'), 'amber', custom))).toBe('2026-05-20 10:00');
    expect(wall(nextOpening(at('2026-05-22 09:30'), custom))).toBe('2026-05-22 10:00');
    expect(isWorkingDay(at('2026-05-26 12:00'), custom)).toBe(false);
    expect(isWorkingDay(at('2026-05-26 12:00'))).toBe(true);
    expect(wall(applyTimescale(at('2026-05-18 10:00'), { kind: 'workingDays', days: 2 }, custom))).toBe(
      '2026-05-20 10:00',
    );
  });

  it('a day that opens later than the start time of day: the deadline is no earlier than its opening', () => {
    expect(wall(decisionDueAt(at('2026-05-21 09:15'), 'amber', custom))).toBe('2026-05-22 10:00');
  });

  it('rejects an impossible policy', () => {
    const closedAlways: TimescalePolicy = {
      ...custom,
      workingHours: {
        monday: null,
        tuesday: null,
        wednesday: null,
        thursday: null,
        friday: null,
        saturday: null,
        sunday: null,
      },
    };
    expect(() => decisionDueAt(at('2026-05-19 10:00'), 'amber', closedAlways)).toThrow(RangeError);
    const backwards: TimescalePolicy = {
      ...custom,
      workingHours: { ...custom.workingHours, monday: { open: '17:00', close: '09:00' } },
    };
    expect(() => isWorkingDay(at('2026-05-19 10:00'), backwards)).toThrow(RangeError);
    const negative: TimescalePolicy = { ...custom, unrated: { kind: 'workingHours', hours: -1 } };
    expect(() => decisionDueAt(at('2026-05-19 10:00'), 'unrated', negative)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------

const RUNS = { numRuns: 500 };

/** Instants anywhere in 2018–2032, or London wall times near the interesting edges (openings, closings, midnight, the clock changes). */
const anInstant: fc.Arbitrary<Date> = fc.oneof(
  fc.date({
    min: new Date('2018-01-01T00:00:00Z'),
    max: new Date('2032-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  fc
    .record({
      year: fc.integer({ min: 2018, max: 2032 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.constantFrom(0, 1, 2, 8, 9, 12, 15, 16, 17, 23),
      minute: fc.constantFrom(0, 29, 30, 34, 35, 36, 44, 45, 46, 59),
      second: fc.constantFrom(0, 59),
    })
    .map((w) => londonTime(w.year, w.month, w.day, w.hour, w.minute, w.second)),
);

/** Two instants, the first no later than the second; often close together. */
const anOrderedPair: fc.Arbitrary<[Date, Date]> = fc.oneof(
  fc.tuple(anInstant, anInstant).map(([a, b]): [Date, Date] => (a <= b ? [a, b] : [b, a])),
  fc
    .tuple(anInstant, fc.integer({ min: 0, max: 4 * 86_400_000 }))
    .map(([a, gap]): [Date, Date] => [a, new Date(a.getTime() + gap)]),
  fc
    .tuple(anInstant, fc.integer({ min: 0, max: 1_000 }))
    .map(([a, gap]): [Date, Date] => [a, new Date(a.getTime() + gap)]),
);

interface DeadlineKind {
  name: string;
  due: (start: Date) => Date;
  working: boolean;
}

const deadlineKinds: DeadlineKind[] = [
  ...DECISION_RATINGS.map((rating) => ({
    name: `decision ${rating}`,
    due: (start: Date) => decisionDueAt(start, rating),
    working: rating !== 'red',
  })),
  ...RATINGS.map((rating) => ({
    name: `agency response ${rating}`,
    due: (start: Date) => agencyResponseDueAt(start, rating),
    working: rating !== 'red',
  })),
];

function insideWorkingHours(instant: Date): boolean {
  const hours = workingHoursOn(instant);
  return hours !== null && hours.opensAt <= instant && instant <= hours.closesAt;
}

describe('properties', () => {
  for (const kind of deadlineKinds) {
    describe(kind.name, () => {
      it('is never before its start', () => {
        fc.assert(
          fc.property(anInstant, (start) => kind.due(start).getTime() >= start.getTime()),
          RUNS,
        );
      });

      it('is monotone: a later start never gives an earlier deadline', () => {
        fc.assert(
          fc.property(anOrderedPair, ([a, b]) => kind.due(a).getTime() <= kind.due(b).getTime()),
          RUNS,
        );
      });

      if (kind.working) {
        it('lands inside working hours on a working day', () => {
          fc.assert(
            fc.property(anInstant, (start) => insideWorkingHours(kind.due(start))),
            RUNS,
          );
        });
      }
    });
  }

  it('addWorkingDays lands inside working hours on a working day, at the clock start’s time of day or the closing time', () => {
    fc.assert(
      fc.property(anInstant, fc.integer({ min: 0, max: 30 }), (start, days) => {
        const due = addWorkingDays(start, days);
        if (!insideWorkingHours(due)) return false;
        const from = londonDateParts(nextOpening(start));
        const to = londonDateParts(due);
        const closes = workingHoursOn(due)?.closesAt as Date;
        const sameTime = from.hour === to.hour && from.minute === to.minute && from.second === to.second;
        return sameTime || due.getTime() === closes.getTime();
      }),
      RUNS,
    );
  });

  it('addWorkingDays is monotone in the start and in the number of days', () => {
    fc.assert(
      fc.property(anOrderedPair, fc.integer({ min: 0, max: 10 }), ([a, b], days) => {
        return (
          addWorkingDays(a, days) <= addWorkingDays(b, days) &&
          addWorkingDays(a, days) < addWorkingDays(a, days + 1)
        );
      }),
      RUNS,
    );
  });

  // Zero hours is excluded on purpose: addWorkingHours(t, 0) is the clock start, nextOpening(t), so a
  // deadline landing exactly on a closing time (still in force then) plus zero moves to the next opening.
  it('addWorkingHours composes: h1 then h2 is h1 + h2, and lands inside working hours', () => {
    fc.assert(
      fc.property(
        anInstant,
        fc.integer({ min: 1, max: 40 * 4 }),
        fc.integer({ min: 1, max: 40 * 4 }),
        (start, q1, q2) => {
          const [h1, h2] = [q1 / 4, q2 / 4];
          const once = addWorkingHours(start, h1 + h2);
          const twice = addWorkingHours(addWorkingHours(start, h1), h2);
          return once.getTime() === twice.getTime() && insideWorkingHours(once);
        },
      ),
      RUNS,
    );
  });

  it('addWorkingHours matches a minute-by-minute count of working time (2026–2027, checked against the gov.uk bank holidays)', () => {
    const govUk = new Set([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27',
      '2027-12-28',
    ]);
    const isWorkingMinute = (instant: Date): boolean => {
      const p = londonDateParts(instant);
      if (p.weekday > 5 || govUk.has(`${p.year}-${pad(p.month)}-${pad(p.day)}`)) return false;
      const minuteOfDay = p.hour * 60 + p.minute;
      return minuteOfDay >= 8 * 60 + 45 && minuteOfDay < (p.weekday === 5 ? 16 * 60 + 35 : 17 * 60 + 30);
    };
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-12-15T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 12 * 4 }),
        (rawStart, quarters) => {
          const start = new Date(Math.floor(rawStart.getTime() / 60_000) * 60_000);
          let counted = 0;
          let t = start.getTime();
          while (counted < quarters * 15) {
            if (isWorkingMinute(new Date(t))) counted++;
            t += 60_000;
          }
          return addWorkingHours(start, quarters / 4).getTime() === t;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('londonDateParts agrees with Intl.DateTimeFormat for Europe/London, and londonTime inverts it', () => {
    const intl = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    const isoWeekday: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1980-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (instant) => {
          const parts = Object.fromEntries(intl.formatToParts(instant).map((p) => [p.type, p.value]));
          const mine = londonDateParts(instant);
          const expected = {
            year: Number(parts.year),
            month: Number(parts.month),
            day: Number(parts.day),
            hour: Number(parts.hour),
            minute: Number(parts.minute),
            second: Number(parts.second),
            weekday: isoWeekday[parts.weekday as string],
          };
          expect(mine).toEqual(expected);
          const wholeSecond = Math.floor(instant.getTime() / 1000) * 1000;
          const back = [
            londonTime(
              mine.year,
              mine.month,
              mine.day,
              mine.hour,
              mine.minute,
              mine.second,
              'earlier',
            ).getTime(),
            londonTime(
              mine.year,
              mine.month,
              mine.day,
              mine.hour,
              mine.minute,
              mine.second,
              'later',
            ).getTime(),
          ];
          expect(back).toContain(wholeSecond);
        },
      ),
      RUNS,
    );
  });
});
