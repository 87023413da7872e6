import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENCIES, CONCERN_CATEGORIES, OUTCOMES, SOURCE_CODES } from '../../src/domain/codes.ts';
import {
  ADDITIVE_GROUPS,
  type AdditiveGroup,
  applyDisclosureControl,
  determinedCounts,
  suppressCounts,
} from '../../src/domain/metrics/disclosure.ts';
import { FIGURES, type Figure, figureValue, type RawExport } from '../../src/domain/metrics/export-schema.ts';
import type { ReferralFacts } from '../../src/domain/metrics/facts.ts';
import {
  type AccumulatorOptions,
  computeMeasures,
  createAccumulator,
} from '../../src/domain/metrics/measures.ts';
import { periodBounds } from '../../src/domain/metrics/periods.ts';

// ---------------------------------------------------------------------------------------------------------
// Small tables
// ---------------------------------------------------------------------------------------------------------

/** One additive group `total = a + b + …` over the given cells (in this order), with its counts. */
function table(
  cells: Record<string, number>,
  name = 't',
): { counts: Map<string, number>; group: AdditiveGroup } {
  const keys = Object.keys(cells).map((k) => `${name}.${k}`);
  const counts = new Map<string, number>(Object.entries(cells).map(([k, v]) => [`${name}.${k}`, v]));
  const total = Object.values(cells).reduce((a, b) => a + b, 0);
  counts.set(`${name}.total`, total);
  return { counts, group: { name, description: name, total: `${name}.total`, cells: keys } };
}

function suppressedOf(cells: Record<string, number>): string[] {
  const { counts, group } = table(cells);
  return [...suppressCounts(counts, [group])].map((k) => k.slice(2)).sort();
}

describe('primary and secondary suppression on small tables', () => {
  it('a group with one suppressed cell gets a second: the next smallest non-zero cell', () => {
    expect(suppressedOf({ a: 3, b: 10, c: 7 })).toEqual(['a', 'c']);
  });

  it('a group with two suppressed cells needs nothing more', () => {
    expect(suppressedOf({ a: 3, b: 2, c: 10, d: 40 })).toEqual(['a', 'b']);
  });

  it('zero stays 0, and is never chosen for secondary suppression', () => {
    expect(suppressedOf({ a: 0, b: 3, c: 0, d: 9, e: 12 })).toEqual(['b', 'd']);
    expect(suppressedOf({ a: 0, b: 0, c: 9 })).toEqual([]);
  });

  it('counts from 1 to 5 are suppressed, 6 is not', () => {
    expect(suppressedOf({ a: 1, b: 5, c: 6 })).toEqual(['a', 'b']);
    expect(suppressedOf({ a: 6, b: 6 })).toEqual([]);
  });

  it('a total from 1 to 5 is suppressed; its cells are primary-suppressed and need nothing more', () => {
    expect(suppressedOf({ a: 2, b: 3 })).toEqual(['a', 'b', 'total']);
    expect(suppressedOf({ a: 4, b: 0 })).toEqual(['a', 'total']);
  });

  it('ties go to the first cell in the fixed key order, whatever the input order', () => {
    expect(suppressedOf({ a: 3, b: 7, c: 7 })).toEqual(['a', 'b']);
    expect(suppressedOf({ a: 3, c: 7, b: 7 })).toEqual(['a', 'c']); // the group's order decides
    const { counts, group } = table({ a: 3, b: 7, c: 7, d: 20 });
    const reversedMap = new Map([...counts].reverse());
    expect([...suppressCounts(reversedMap, [group])].sort()).toEqual(
      [...suppressCounts(counts, [group])].sort(),
    );
  });

  it('a lone suppressed cell with no other non-zero cell to suppress takes the total with it', () => {
    // Linked: y is suppressed by group one (x = 3 is alone there); in group two, y is then the only
    // suppressed member and its other cell is 0, so the total of group two is suppressed.
    const counts = new Map([
      ['one.x', 3],
      ['one.y', 8],
      ['one.total', 11],
      ['two.z', 0],
      ['two.total', 8],
    ]);
    const groups: AdditiveGroup[] = [
      { name: 'one', description: '', total: 'one.total', cells: ['one.x', 'one.y'] },
      { name: 'two', description: '', total: 'two.total', cells: ['one.y', 'two.z'] },
    ];
    expect([...suppressCounts(counts, groups)].sort()).toEqual(['one.x', 'one.y', 'two.total']);
  });
});

describe('linked groups', () => {
  // NFA 4 and ADULT_NFA 2 and S17 3 are suppressed; nfa = 6 and decided = 29 are published. Without the
  // difference group, S17 = decided − nfa − EARLY_HELP = 29 − 6 − 20 = 3 could be worked out.
  const counts = new Map<string, number>([
    ['decided', 29],
    ['nfa', 6],
    ['NFA', 4],
    ['ADULT_NFA', 2],
    ['S17', 3],
    ['EARLY_HELP', 20],
  ]);
  const byOutcome: AdditiveGroup = {
    name: 'byOutcome',
    description: '',
    total: 'decided',
    cells: ['NFA', 'ADULT_NFA', 'S17', 'EARLY_HELP'],
  };
  const nfa: AdditiveGroup = { name: 'nfa', description: '', total: 'nfa', cells: ['NFA', 'ADULT_NFA'] };
  const difference: AdditiveGroup = {
    name: 'other',
    description: '',
    total: 'decided',
    minus: ['nfa'],
    cells: ['S17', 'EARLY_HELP'],
  };

  it('the joint solve finds a count that no single group reveals', () => {
    expect(determinedCounts(new Set(['NFA', 'ADULT_NFA', 'S17']), [byOutcome, nfa])).toEqual(['S17']);
    expect(determinedCounts(new Set(['NFA', 'ADULT_NFA', 'S17', 'EARLY_HELP']), [byOutcome, nfa])).toEqual(
      [],
    );
  });

  it('the difference group protects it by rule 2', () => {
    expect([...suppressCounts(counts, [byOutcome, nfa, difference])].sort()).toEqual([
      'ADULT_NFA',
      'EARLY_HELP',
      'NFA',
      'S17',
    ]);
  });

  it('without the difference group, rule 3 (the joint solve) protects it all the same', () => {
    const suppressed = suppressCounts(counts, [byOutcome, nfa]);
    expect([...suppressed].sort()).toEqual(['ADULT_NFA', 'EARLY_HELP', 'NFA', 'S17']);
    expect(determinedCounts(suppressed, [byOutcome, nfa])).toEqual([]);
  });

  it('the export’s groups: additive groups and their totals', () => {
    expect(ADDITIVE_GROUPS.map((g) => [g.name, g.total, ...(g.minus ?? [])])).toEqual([
      ['volume.bySource', 'volume.referrals'],
      ['volume.byRag', 'volume.referrals'],
      ['volume.bySubjectType', 'volume.referrals'],
      ['timeliness.byRag.decided', 'timeliness.decided'],
      ['timeliness.byRag.withinTimescale', 'timeliness.withinTimescale'],
      ['quality.byOutcome', 'timeliness.decided'],
      ['quality.byOutcome.nfa', 'quality.nfa'],
      ['quality.byOutcome.other', 'timeliness.decided', 'quality.nfa'],
      ['quality.decidedBySource', 'timeliness.decided'],
      ['quality.nfaBySource', 'quality.nfa'],
    ]);
    // byCategory is not additive: never a group.
    expect(ADDITIVE_GROUPS.flatMap((g) => g.cells).some((k) => k.startsWith('volume.byCategory'))).toBe(
      false,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// On exports
// ---------------------------------------------------------------------------------------------------------

const DAY: AccumulatorOptions = {
  period: 'daily',
  periodId: '2026-11-30',
  ...periodBounds('daily', '2026-11-30'),
};

function emptyRaw(): RawExport {
  return createAccumulator(DAY).finish();
}

describe('applyDisclosureControl', () => {
  it('suppresses small counts, adds secondary cells, withholds rates over withheld counts, keeps null', () => {
    const raw = emptyRaw();
    raw.volume.referrals = 20;
    raw.volume.bySource['2A'] = 12;
    raw.volume.bySource['6'] = 7;
    raw.volume.bySource['9'] = 1;
    raw.volume.byRag = { red: 0, amber: 20, green: 0, unrated: 0 };
    raw.volume.bySubjectType = { child: 20, adult: 0 };
    raw.quality.reReferralRate = 0;
    raw.volume.byCategory.neglect = 3; // non-additive: primary only
    raw.volume.byCategory['domestic-abuse'] = 19;
    raw.timeliness.decided = 4;
    raw.timeliness.withinTimescale = 4;
    raw.timeliness.pctWithinTimescale = 100;
    raw.timeliness.byRag.amber = { decided: 4, withinTimescale: 4, pctWithinTimescale: 100 };
    raw.timeliness.medianHoursToDecision = 3.5;
    raw.timeliness.p90HoursToDecision = 6;
    raw.quality.byOutcome.EARLY_HELP = 4;
    raw.quality.decidedBySource['2A'] = 4;
    raw.quality.nfaRateBySource['2A'] = 0;
    raw.agencyResponses.police = {
      requested: 9,
      answered: 8,
      onTime: 8,
      pctOnTime: 88.9,
      medianHoursToRespond: 1.5,
    };
    raw.agencyResponses.health = {
      requested: 6,
      answered: 3,
      onTime: 3,
      pctOnTime: 50,
      medianHoursToRespond: 2,
    };

    const published = applyDisclosureControl(raw);
    expect(published.volume.referrals).toBe(20);
    // 9 → "c" alone, so 6 (7, the next smallest non-zero) goes too; 2A stays.
    expect(published.volume.bySource['9']).toBe('c');
    expect(published.volume.bySource['6']).toBe('c');
    expect(published.volume.bySource['2A']).toBe(12);
    expect(published.volume.bySource['1A']).toBe(0);
    expect(published.volume.byCategory.neglect).toBe('c');
    expect(published.volume.byCategory['domestic-abuse']).toBe(19);
    // decided = 4 → "c", and every rate and median over it.
    expect(published.timeliness.decided).toBe('c');
    expect(published.timeliness.pctWithinTimescale).toBe('c');
    expect(published.timeliness.medianHoursToDecision).toBe('c');
    expect(published.timeliness.p90HoursToDecision).toBe('c');
    expect(published.timeliness.byRag.amber).toEqual({
      decided: 'c',
      withinTimescale: 'c',
      pctWithinTimescale: 'c',
    });
    // A rate with a denominator of 0 stays null, not "c".
    expect(published.timeliness.byRag.red).toEqual({
      decided: 0,
      withinTimescale: 0,
      pctWithinTimescale: null,
    });
    expect(published.quality.reReferralRate).toBe(0);
    expect(published.quality.nfaRateBySource['2A']).toBe('c'); // 0 of "c"
    expect(published.quality.nfaRateBySource['6']).toBeNull();
    expect(published.agencyResponses.police).toEqual(raw.agencyResponses.police);
    expect(published.agencyResponses.health).toEqual({
      requested: 6,
      answered: 'c',
      onTime: 'c',
      pctOnTime: 'c',
      medianHoursToRespond: 'c',
    });
    // The raw export is not changed.
    expect(raw.volume.bySource['9']).toBe(1);
  });

  it('refuses a raw export that is not whole counts', () => {
    const raw = emptyRaw();
    raw.volume.referrals = 2.5;
    expect(() => applyDisclosureControl(raw)).toThrow(TypeError);
    const missing = emptyRaw() as unknown as { volume: Record<string, unknown> };
    delete missing.volume.bySource;
    expect(() => applyDisclosureControl(missing as unknown as RawExport)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------

/**
 * Independent check (not the module's method): a suppressed count is derivable exactly when adding the
 * unit row for it does not raise the rank of the groups' coefficient matrix over the suppressed counts.
 * Fraction-free integer elimination, with BigInt so nothing overflows.
 */
function derivable(suppressed: ReadonlySet<string>, groups: readonly AdditiveGroup[]): string[] {
  const unknowns = [
    ...new Set(
      groups.flatMap((g) => [g.total, ...(g.minus ?? []), ...g.cells]).filter((k) => suppressed.has(k)),
    ),
  ];
  const rows = groups.map((g) =>
    unknowns.map((k) => {
      let c = 0n;
      if (g.total === k) c += 1n;
      for (const m of g.minus ?? []) if (m === k) c -= 1n;
      for (const cell of g.cells) if (cell === k) c -= 1n;
      return c;
    }),
  );
  const rank = (matrix: bigint[][]): number => {
    const m = matrix.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < unknowns.length && r < m.length; c++) {
      const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
      if (p < 0) continue;
      [m[r], m[p]] = [m[p] as bigint[], m[r] as bigint[]];
      const pivot = m[r] as bigint[];
      for (let i = r + 1; i < m.length; i++) {
        const row = m[i] as bigint[];
        const f = row[c] as bigint;
        if (f === 0n) continue;
        const pc = pivot[c] as bigint;
        for (let j = 0; j < row.length; j++) row[j] = (row[j] as bigint) * pc - f * (pivot[j] as bigint);
      }
      r++;
    }
    return r;
  };
  const base = rank(rows);
  return unknowns.filter((k) => rank([...rows, unknowns.map((u) => (u === k ? 1n : 0n))]) === base);
}

const small = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 4 },
  { arbitrary: fc.integer({ min: 6, max: 40 }), weight: 3 },
);

describe('properties', () => {
  it('random single groups: no published count in 1..5, never exactly one suppressed member, zeros stay', () => {
    fc.assert(
      fc.property(fc.array(small, { minLength: 1, maxLength: 12 }), (values) => {
        const { counts, group } = table(Object.fromEntries(values.map((v, i) => [`k${i}`, v])));
        const suppressed = suppressCounts(counts, [group]);
        for (const [key, value] of counts) {
          if (!suppressed.has(key)) expect(value === 0 || value > 5).toBe(true);
          if (value === 0) expect(suppressed.has(key)).toBe(false);
        }
        const hidden = [group.total, ...group.cells].filter((k) => suppressed.has(k)).length;
        expect(hidden).not.toBe(1);
        expect(derivable(suppressed, [group])).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('random linked groups sharing cells and totals: nothing derivable', () => {
    fc.assert(
      fc.property(
        fc.array(small, { minLength: 4, maxLength: 10 }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (values, subsets) => {
          // Cells c0..cn with a grand total, and sub-totals over random subsets of the cells.
          const cells = values.map((_, i) => `c${i}`);
          const counts = new Map<string, number>(values.map((v, i) => [`c${i}`, v]));
          counts.set(
            'total',
            values.reduce((a, b) => a + b, 0),
          );
          const groups: AdditiveGroup[] = [{ name: 'all', description: '', total: 'total', cells }];
          subsets.forEach((indexes, s) => {
            const members = [...new Set(indexes.map((i) => i % cells.length))].sort((a, b) => a - b);
            counts.set(
              `sub${s}`,
              members.reduce((a, i) => a + (values[i] as number), 0),
            );
            groups.push({
              name: `sub${s}`,
              description: '',
              total: `sub${s}`,
              cells: members.map((i) => `c${i}`),
            });
          });
          const suppressed = suppressCounts(counts, groups);
          for (const [key, value] of counts)
            if (!suppressed.has(key)) expect(value === 0 || value > 5).toBe(true);
          expect(derivable(suppressed, groups)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  const skewed = <T>(common: readonly T[], all: readonly T[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...common), weight: 4 },
      { arbitrary: fc.constantFrom(...all), weight: 1 },
    );
  const minute = 60_000;
  const start = Date.parse(DAY.periodStart);
  const referralArb = fc
    .record({
      source: skewed(['2A', '6', '3A'] as const, SOURCE_CODES),
      rag: fc.constantFrom('red', 'amber', 'green', null),
      categories: fc.subarray([...CONCERN_CATEGORIES], { minLength: 1, maxLength: 3 }),
      subjectTypes: fc.constantFrom<('child' | 'adult')[]>(['child'], ['adult'], ['adult', 'child']),
      receivedMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      dueMinutes: fc.integer({ min: 0, max: 3000 }),
      decision: fc.option(
        fc.record({
          outcome: skewed(['NFA', 'EARLY_HELP', 'ADULT_NFA'] as const, OUTCOMES),
          afterMinutes: fc.integer({ min: 0, max: 3000 }),
          withinTimescale: fc.boolean(),
        }),
      ),
      reReferral: fc.boolean(),
      reRated: fc.boolean(),
      requests: fc.array(
        fc.record({
          agency: skewed(['police', 'health'] as const, AGENCIES),
          dueMinutes: fc.integer({ min: 0, max: 600 }),
          answeredMinutes: fc.option(fc.integer({ min: 0, max: 900 })),
        }),
        { maxLength: 3 },
      ),
      feedback: fc.option(fc.tuple(fc.boolean(), fc.option(fc.integer({ min: 1, max: 5 })))),
    })
    .map((r): Omit<ReferralFacts, 'id'> => {
      const received = start + r.receivedMinute * minute;
      const iso = (ms: number) => new Date(ms).toISOString();
      const facts: Omit<ReferralFacts, 'id'> = {
        receivedAt: iso(received),
        source: r.source,
        rag: r.rag,
        categories: r.categories,
        subjectTypes: r.subjectTypes,
        decisionDueAt: iso(received + r.dueMinutes * minute),
        reReferral: r.reReferral,
        reRated: r.reRated,
        requests: r.requests.map((q) => ({
          agency: q.agency,
          issuedAt: iso(received),
          dueAt: iso(received + q.dueMinutes * minute),
          ...(q.answeredMinutes === null ? {} : { answeredAt: iso(received + q.answeredMinutes * minute) }),
        })),
        feedback: r.feedback
          ? {
              responses: 1,
              helpful: r.feedback[0] ? 1 : 0,
              ratingSum: r.feedback[1] ?? 0,
              ratingCount: r.feedback[1] === null ? 0 : 1,
            }
          : { responses: 0, helpful: 0, ratingSum: 0, ratingCount: 0 },
      };
      if (r.decision) {
        facts.decision = {
          outcome: r.decision.outcome,
          decidedAt: iso(received + r.decision.afterMinutes * minute),
          withinTimescale: r.decision.withinTimescale,
        };
      }
      return facts;
    });

  it('random exports: no published count in 1..5, no suppressed count derivable, rates withheld with their counts', () => {
    fc.assert(
      fc.property(fc.array(referralArb, { maxLength: 80 }), (referrals) => {
        const raw = computeMeasures(
          DAY,
          referrals.map((r, i) => ({ id: `case-${i}`, ...r })),
        );
        const published = applyDisclosureControl(raw);
        const suppressed = new Set<string>();
        const value = (exported: object, fig: Figure) => figureValue(exported, fig);
        for (const fig of FIGURES) {
          const before = value(raw, fig);
          const after = value(published, fig);
          if (fig.kind === 'count') {
            if (after === 'c') {
              suppressed.add(fig.key);
              expect(before).toBeGreaterThan(0); // "c" never stands for 0
            } else {
              expect(after).toBe(before);
              expect(before === 0 || (before as number) > 5).toBe(true);
            }
          }
        }
        for (const fig of FIGURES) {
          if (fig.kind === 'count') continue;
          const before = value(raw, fig);
          const after = value(published, fig);
          if (before === null) expect(after).toBeNull();
          else if (fig.basis.some((b) => suppressed.has(b))) expect(after).toBe('c');
          else expect(after).toBe(before);
        }
        for (const group of ADDITIVE_GROUPS) {
          const hidden = [group.total, ...(group.minus ?? []), ...group.cells].filter((k) =>
            suppressed.has(k),
          );
          expect(hidden.length, group.name).not.toBe(1);
        }
        expect(derivable(suppressed, ADDITIVE_GROUPS)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
