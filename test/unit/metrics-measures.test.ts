/**
 * The board's measures on a fixture month built and worked out by hand: November 2026 (all GMT, so London
 * wall time = UTC), 32 referrals. Every expected figure below was computed by hand from the notes on the
 * fixture (not by the code under test).
 *
 * November 2026: Sunday 1, Monday 2, … Monday 30; no bank holidays. Working hours Mon–Thu 08:45–17:30,
 * Fri 08:45–16:35.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENCIES,
  type Agency,
  CONCERN_CATEGORIES,
  type ConcernCategory,
  OUTCOMES,
  type Outcome,
  type Rag,
  SOURCE_CODES,
  type SourceCode,
  type SubjectType,
} from '../../src/domain/codes.ts';
import { applyDisclosureControl } from '../../src/domain/metrics/disclosure.ts';
import { toCsv, toJson } from '../../src/domain/metrics/export-format.ts';
import type { PublishedExport, RawExport } from '../../src/domain/metrics/export-schema.ts';
import type { ReferralFacts, RequestFacts } from '../../src/domain/metrics/facts.ts';
import {
  type AccumulatorOptions,
  computeMeasures,
  createAccumulator,
  median,
  nearestRankPercentile,
  percent,
} from '../../src/domain/metrics/measures.ts';
import { periodBounds } from '../../src/domain/metrics/periods.ts';

// ---------------------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------------------

/** "MM-DD HH:MM" in 2026, GMT only (November, 1 December). */
function t(wall: string): string {
  const match = /^(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(wall);
  if (!match) throw new Error(`bad wall time ${wall}`);
  return `2026-${match[1]}-${match[2]}T${match[3]}:${match[4]}:00.000Z`;
}

interface Spec {
  source: SourceCode;
  rag: Rag | null;
  subjects?: SubjectType[];
  categories: ConcernCategory[];
  received: string;
  due: string;
  decided?: [Outcome, string, boolean];
  reReferral?: boolean;
  reRated?: boolean;
  /** [agency, issued, due, answered?] */
  requests?: [Agency, string, string, string?][];
  /** [responses, helpful, ratingSum, ratingCount] */
  feedback?: [number, number, number, number];
}

function referral(id: string, spec: Spec): ReferralFacts {
  const [responses, helpful, ratingSum, ratingCount] = spec.feedback ?? [0, 0, 0, 0];
  const facts: ReferralFacts = {
    id,
    receivedAt: t(spec.received),
    source: spec.source,
    rag: spec.rag,
    categories: spec.categories,
    subjectTypes: spec.subjects ?? ['child'],
    decisionDueAt: t(spec.due),
    reReferral: spec.reReferral ?? false,
    reRated: spec.reRated ?? false,
    requests: (spec.requests ?? []).map(([agency, issued, due, answered]) => {
      const request: RequestFacts = { agency, issuedAt: t(issued), dueAt: t(due) };
      if (answered !== undefined) request.answeredAt = t(answered);
      return request;
    }),
    feedback: { responses, helpful, ratingSum, ratingCount },
  };
  if (spec.decided) {
    const [outcome, decidedAt, withinTimescale] = spec.decided;
    facts.decision = { outcome, decidedAt: t(decidedAt), withinTimescale };
  }
  return facts;
}

// Notes per referral: hours to decision; "told" = decided no later than one working day after receipt.
const NOVEMBER_2026: readonly ReferralFacts[] = [
  // Red: due 4 hours after receipt. All 7 decided, 6 within.
  // 2.0 h, told (by Tue 10:00).
  referral('r01', {
    source: '6',
    rag: 'red',
    subjects: ['child', 'child'],
    categories: ['physical-abuse', 'domestic-abuse'],
    received: '11-02 10:00',
    due: '11-02 14:00',
    decided: ['IMMEDIATE_PROTECTION', '11-02 12:00', true],
    requests: [
      ['police', '11-02 10:30', '11-02 12:30', '11-02 11:30'], // 1.0 h, on time
      ['childrens-social-care', '11-02 10:30', '11-02 12:30', '11-02 11:00'], // 0.5 h, on time
    ],
    feedback: [1, 1, 5, 1],
  }),
  // 3.0 h; received out of hours: clock starts Wed 08:45, told by Thu 08:45.
  referral('r02', {
    source: '6',
    rag: 'red',
    categories: ['domestic-abuse'],
    received: '11-03 22:00',
    due: '11-04 02:00',
    decided: ['STRATEGY_DISCUSSION_S47', '11-04 01:00', true],
    reReferral: true,
    requests: [['police', '11-03 22:30', '11-04 00:30', '11-04 00:30']], // 2.0 h, on time (at the due time)
  }),
  // 4.0 h (at the deadline), told.
  referral('r03', {
    source: '6',
    rag: 'red',
    categories: ['sexual-abuse'],
    received: '11-04 09:00',
    due: '11-04 13:00',
    decided: ['STRATEGY_DISCUSSION_S47', '11-04 13:00', true],
    requests: [
      ['police', '11-04 09:30', '11-04 11:30', '11-04 12:00'], // 2.5 h, late
      ['childrens-social-care', '11-04 09:30', '11-04 11:30', '11-04 10:30'], // 1.0 h, on time
    ],
  }),
  // 1.5 h, told.
  referral('r04', {
    source: '2A',
    rag: 'red',
    categories: ['physical-abuse'],
    received: '11-05 14:00',
    due: '11-05 18:00',
    decided: ['S17_ASSESSMENT', '11-05 15:30', true],
    requests: [['education', '11-05 14:15', '11-05 16:15', '11-05 15:15']], // 1.0 h, on time
    feedback: [1, 1, 4, 1],
  }),
  // 6.0 h, late; told (Fri 16:00 + 1 working day = Mon 16:00).
  referral('r05', {
    source: '3A',
    rag: 'red',
    categories: ['neglect', 'physical-abuse'],
    received: '11-06 16:00',
    due: '11-06 20:00',
    decided: ['S17_ASSESSMENT', '11-06 22:00', false],
    reRated: true,
    requests: [['health', '11-06 16:30', '11-06 18:30', '11-06 17:30']], // 1.0 h, on time
  }),
  // 3.5 h; Saturday: told by Tue 08:45. Names an adult and a child: counts as child.
  referral('r06', {
    source: '6',
    rag: 'red',
    subjects: ['adult', 'child'],
    categories: ['domestic-abuse', 'parental-mental-health'],
    received: '11-07 11:00',
    due: '11-07 15:00',
    decided: ['EARLY_HELP', '11-07 14:30', true],
    reReferral: true,
    requests: [
      ['police', '11-07 11:30', '11-07 13:30', '11-07 12:00'], // 0.5 h, on time
      ['mental-health', '11-07 11:30', '11-07 13:30', '11-07 14:30'], // 3.0 h, late
    ],
  }),
  // 2.5 h, told.
  referral('r07', {
    source: '5A',
    rag: 'red',
    categories: ['cse', 'missing'],
    received: '11-09 10:00',
    due: '11-09 14:00',
    decided: ['S17_ASSESSMENT', '11-09 12:30', true],
    requests: [['health', '11-09 10:15', '11-09 12:15', '11-09 11:45']], // 1.5 h, on time
    feedback: [1, 1, 0, 0],
  }),

  // Amber: due 1 working day after receipt. 13 referrals, 11 decided, 9 within.
  // 5.0 h, told.
  referral('a01', {
    source: '2A',
    rag: 'amber',
    categories: ['neglect'],
    received: '11-09 11:00',
    due: '11-10 11:00',
    decided: ['NFA', '11-09 16:00', true],
    requests: [['education', '11-09 11:30', '11-09 17:30', '11-10 09:00']], // 21.5 h, late
    feedback: [1, 1, 5, 1],
  }),
  // 23.0 h, told (by Wed 09:00).
  referral('a02', {
    source: '2A',
    rag: 'amber',
    categories: ['neglect', 'substance-misuse'],
    received: '11-10 09:00',
    due: '11-11 09:00',
    decided: ['EARLY_HELP', '11-11 08:00', true],
    requests: [['mental-health', '11-10 10:00', '11-10 16:00', '11-11 09:00']], // 23.0 h, late
    feedback: [2, 2, 9, 2],
  }),
  // 23.0 h, told (by Wed 15:00).
  referral('a03', {
    source: '2A',
    rag: 'amber',
    categories: ['emotional-abuse'],
    received: '11-10 15:00',
    due: '11-11 15:00',
    decided: ['ADVICE_SIGNPOSTING', '11-11 14:00', true],
    requests: [['childrens-social-care', '11-10 15:30', '11-11 12:45', '11-11 10:00']], // 18.5 h, on time
    feedback: [1, 0, 2, 1],
  }),
  // 8.0 h, told.
  referral('a04', {
    source: '6',
    rag: 'amber',
    categories: ['domestic-abuse', 'emotional-abuse'],
    received: '11-11 10:00',
    due: '11-12 10:00',
    decided: ['EARLY_HELP', '11-11 18:00', true],
    reReferral: true,
    requests: [['police', '11-11 11:00', '11-11 17:00', '11-11 15:00']], // 4.0 h, on time
  }),
  // 30.0 h, late, not told (limit Fri 10:00).
  referral('a05', {
    source: '2A',
    rag: 'amber',
    categories: ['neglect'],
    received: '11-12 10:00',
    due: '11-13 10:00',
    decided: ['NFA', '11-13 16:00', false],
    reReferral: true,
    reRated: true,
    requests: [['childrens-social-care', '11-12 11:00', '11-12 17:00', '11-12 16:00']], // 5.0 h, on time
    feedback: [1, 0, 1, 1],
  }),
  // 71.5 h; Fri 09:00 + 1 working day = Mon 09:00, decided Mon 08:30: told.
  referral('a06', {
    source: '3A',
    rag: 'amber',
    categories: ['neglect', 'parental-mental-health'],
    received: '11-13 09:00',
    due: '11-16 09:00',
    decided: ['EARLY_HELP', '11-16 08:30', true],
    requests: [
      ['health', '11-13 10:00', '11-13 16:00', '11-13 15:00'], // 5.0 h, on time
      ['mental-health', '11-13 10:00', '11-13 16:00', '11-16 09:00'], // 71.0 h, late
    ],
  }),
  // 55.0 h; Saturday: clock starts Mon 08:45, told by Tue 08:45. An adult.
  referral('a07', {
    source: '3A',
    rag: 'amber',
    subjects: ['adult'],
    categories: ['neglect'],
    received: '11-14 10:00',
    due: '11-17 08:45',
    decided: ['S42_ENQUIRY', '11-16 17:00', true],
    requests: [
      ['health', '11-16 09:00', '11-16 15:00', '11-16 12:00'], // 3.0 h, on time
      ['adult-social-care', '11-16 09:00', '11-16 15:00', '11-16 14:00'], // 5.0 h, on time
    ],
  }),
  // 6.0 h, told.
  referral('a08', {
    source: '1A',
    rag: 'amber',
    categories: ['emotional-abuse'],
    received: '11-16 12:00',
    due: '11-17 12:00',
    decided: ['NFA', '11-16 18:00', true],
    requests: [['mental-health', '11-16 12:30', '11-17 09:45', '11-17 12:30']], // 24.0 h, late
    feedback: [1, 1, 4, 1],
  }),
  // 24.0 h; Tue 17:00 + 1 working day = Wed 17:00, decided exactly then: told. An adult.
  referral('a09', {
    source: '8',
    rag: 'amber',
    subjects: ['adult'],
    categories: ['other'],
    received: '11-17 17:00',
    due: '11-18 17:00',
    decided: ['ADULT_NFA', '11-18 17:00', true],
    requests: [['adult-social-care', '11-18 09:00', '11-18 15:00', '11-18 16:00']], // 7.0 h, late
    feedback: [1, 1, 0, 0],
  }),
  // Decided on 1 December (after the period): 312.0 h, late, not told; open and overdue at periodEnd.
  referral('a10', {
    source: '6',
    rag: 'amber',
    categories: ['domestic-abuse'],
    received: '11-18 10:00',
    due: '11-19 10:00',
    decided: ['ADVICE_SIGNPOSTING', '12-01 10:00', false],
    reReferral: true,
    requests: [['police', '11-18 11:00', '11-18 17:00', '11-18 16:00']], // 5.0 h, on time
  }),
  // 7.0 h, told.
  referral('a11', {
    source: '9',
    rag: 'amber',
    categories: ['neglect'],
    received: '11-19 16:00',
    due: '11-20 16:00',
    decided: ['NFA', '11-19 23:00', true],
  }),
  // Undecided, due after periodEnd: not overdue.
  referral('a12', {
    source: '6',
    rag: 'amber',
    categories: ['domestic-abuse', 'substance-misuse'],
    received: '11-30 10:00',
    due: '12-01 10:00',
    reReferral: true,
    requests: [
      ['police', '11-30 11:00', '11-30 17:00'],
      ['childrens-social-care', '11-30 11:00', '11-30 17:00'],
    ],
  }),
  // Undecided, due 24 November: overdue.
  referral('a13', {
    source: '1A',
    rag: 'amber',
    categories: ['neglect'],
    received: '11-23 12:00',
    due: '11-24 12:00',
    requests: [['childrens-social-care', '11-23 13:00', '11-24 10:15']],
  }),

  // Green: due 3 working days after receipt. 7 referrals, 6 decided, all within.
  // 48.0 h, not told. Its category listed twice counts once.
  referral('g01', {
    source: '2A',
    rag: 'green',
    categories: ['neglect', 'neglect'],
    received: '11-16 09:00',
    due: '11-19 09:00',
    decided: ['EARLY_HELP', '11-18 09:00', true],
    requests: [['education', '11-16 09:30', '11-17 09:30', '11-17 09:00']], // 23.5 h, on time
  }),
  // 4.0 h, told.
  referral('g02', {
    source: '2A',
    rag: 'green',
    categories: ['emotional-abuse'],
    received: '11-17 10:00',
    due: '11-20 10:00',
    decided: ['NFA', '11-17 14:00', true],
    requests: [['childrens-social-care', '11-17 10:30', '11-18 10:30', '11-17 12:30']], // 2.0 h, on time
    feedback: [2, 2, 10, 2],
  }),
  // 24 h 1 min (24.0 h); limit Thu 11:00, decided 11:01: not told.
  referral('g03', {
    source: '3A',
    rag: 'green',
    categories: ['self-harm'],
    received: '11-18 11:00',
    due: '11-23 11:00',
    decided: ['ADVICE_SIGNPOSTING', '11-19 11:01', true],
    reRated: true,
    requests: [
      ['health', '11-18 12:00', '11-19 12:00', '11-19 12:00'], // 24.0 h, on time (at the due time)
      ['mental-health', '11-18 12:00', '11-19 12:00', '11-19 12:01'], // 24 h 1 min, late
    ],
  }),
  // 96.0 h, not told.
  referral('g04', {
    source: '6',
    rag: 'green',
    categories: ['domestic-abuse'],
    received: '11-19 09:30',
    due: '11-24 09:30',
    decided: ['EARLY_HELP', '11-23 09:30', true],
    reReferral: true,
    requests: [['police', '11-19 10:00', '11-20 10:00', '11-20 09:00']], // 23.0 h, on time
  }),
  // 71.0 h; received after Friday's close (16:35): clock starts Mon 08:45, told by Tue 08:45.
  referral('g05', {
    source: '1A',
    rag: 'green',
    categories: ['neglect'],
    received: '11-20 17:00',
    due: '11-26 08:45',
    decided: ['ADVICE_SIGNPOSTING', '11-23 16:00', true],
    requests: [['health', '11-23 09:00', '11-24 09:00', '11-23 15:00']], // 6.0 h, on time
    feedback: [1, 1, 4, 1],
  }),
  // 23.0 h, told.
  referral('g06', {
    source: '5A',
    rag: 'green',
    categories: ['young-carer'],
    received: '11-23 10:00',
    due: '11-26 10:00',
    decided: ['EARLY_HELP', '11-24 09:00', true],
    requests: [['mental-health', '11-23 10:30', '11-24 10:30', '11-24 11:30']], // 25.0 h, late
  }),
  // Undecided, due 1 December 15:00: not overdue.
  referral('g07', {
    source: '2A',
    rag: 'green',
    categories: ['neglect', 'emotional-abuse'],
    received: '11-26 15:00',
    due: '12-01 15:00',
    requests: [['education', '11-26 15:30', '11-27 15:30']],
  }),

  // Never rated: due 1 working day after receipt. 5 referrals, 2 decided, 1 within.
  // 5.0 h, told. An adult.
  referral('u01', {
    source: '3A',
    rag: null,
    subjects: ['adult'],
    categories: ['other'],
    received: '11-24 10:00',
    due: '11-25 10:00',
    decided: ['ADULT_NFA', '11-24 15:00', true],
  }),
  // Decided exactly at periodEnd (1 December 00:00): 134.0 h, late, not told; open and overdue at periodEnd.
  referral('u02', {
    source: '2A',
    rag: null,
    categories: ['online-harm'],
    received: '11-25 10:00',
    due: '11-26 10:00',
    decided: ['NFA', '12-01 00:00', false],
    feedback: [1, 0, 2, 1],
  }),
  // Undecided, due 30 November: overdue.
  referral('u03', {
    source: '8',
    rag: null,
    categories: ['neglect'],
    received: '11-27 14:00',
    due: '11-30 14:00',
    reReferral: true,
  }),
  // Undecided, due 1 December 08:45: not overdue.
  referral('u04', {
    source: '3A',
    rag: null,
    categories: ['emotional-abuse', 'self-harm'],
    received: '11-29 20:00',
    due: '12-01 08:45',
  }),
  // Undecided, due 1 December 16:00: not overdue.
  referral('u05', {
    source: '2A',
    rag: null,
    categories: ['domestic-abuse'],
    received: '11-30 16:00',
    due: '12-01 16:00',
  }),
];

const NOVEMBER: AccumulatorOptions = {
  period: 'monthly',
  periodId: '2026-11',
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
};

/** A record over `codes` with `rest` for every code not in `values`. */
function fill<K extends string, V>(
  codes: readonly K[],
  rest: V,
  values: Partial<Record<K, V>>,
): Record<K, V> {
  const record = {} as Record<K, V>;
  for (const code of codes) record[code] = (values[code] ?? rest) as V;
  return record;
}

const NO_REQUESTS = { requested: 0, answered: 0, onTime: 0, pctOnTime: null, medianHoursToRespond: null };

// ---------------------------------------------------------------------------------------------------------
// The expected figures, by hand
// ---------------------------------------------------------------------------------------------------------

/*
 * Hours to decision, ascending (26 decided):
 *   1.5 2 2.5 3 3.5 4 4 5 5 6 6 7 8 | 23 23 23 24 24.02 30 48 55 71 71.5 96 134 312
 * Median: n = 26 is even, so the mean of the 13th (8) and 14th (23) values = 15.5.
 * 90th percentile, nearest rank: ⌈0.9 × 26⌉ = ⌈23.4⌉ = 24th value = 96.0.
 *
 * Agency medians (answered only): police 0.5 1 2 2.5 4 5 23 → 2.5; health 1 1.5 3 5 6 24 → (3+5)/2 = 4.0;
 * education 1 21.5 23.5 → 21.5; children's social care 0.5 1 2 5 18.5 → 2.0; adult social care 5 7 → 6.0;
 * mental health 3 23 24 24.017 25 71 → (24 + 24.017)/2 = 24.008 → 24.0.
 *
 * Told within one working day: red 7 of 7; amber a01–a04, a06–a09, a11 (9; not a05, a10); green g02, g05,
 * g06 (3); unrated u01 (1): 20 of 32 = 62.5%.
 *
 * Open and overdue at 1 December 00:00: a13 (due 24 Nov), u03 (due 30 Nov), a10 (decided 1 Dec 10:00,
 * due 19 Nov), u02 (decided at 1 Dec 00:00 exactly, due 26 Nov) = 4.
 */
const EXPECTED_RAW: RawExport = {
  period: 'monthly',
  periodId: '2026-11',
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
  volume: {
    referrals: 32,
    bySource: fill(SOURCE_CODES, 0, { '1A': 3, '2A': 10, '3A': 6, '5A': 2, '6': 8, '8': 2, '9': 1 }),
    byRag: { red: 7, amber: 13, green: 7, unrated: 5 },
    byCategory: fill(CONCERN_CATEGORIES, 0, {
      'physical-abuse': 3,
      'emotional-abuse': 6,
      'sexual-abuse': 1,
      neglect: 12,
      'domestic-abuse': 8,
      'parental-mental-health': 2,
      'substance-misuse': 2,
      cse: 1,
      missing: 1,
      'self-harm': 2,
      'online-harm': 1,
      'young-carer': 1,
      other: 2,
    }),
    bySubjectType: { child: 29, adult: 3 },
  },
  timeliness: {
    decided: 26,
    withinTimescale: 22,
    pctWithinTimescale: 84.6, // 22/26 = 84.615…
    byRag: {
      red: { decided: 7, withinTimescale: 6, pctWithinTimescale: 85.7 }, // 85.714…
      amber: { decided: 11, withinTimescale: 9, pctWithinTimescale: 81.8 }, // 81.818…
      green: { decided: 6, withinTimescale: 6, pctWithinTimescale: 100 },
      unrated: { decided: 2, withinTimescale: 1, pctWithinTimescale: 50 },
    },
    medianHoursToDecision: 15.5,
    p90HoursToDecision: 96,
    openOverdue: 4,
  },
  agencyResponses: {
    police: { requested: 8, answered: 7, onTime: 6, pctOnTime: 75, medianHoursToRespond: 2.5 },
    health: { requested: 6, answered: 6, onTime: 6, pctOnTime: 100, medianHoursToRespond: 4 },
    education: { requested: 4, answered: 3, onTime: 2, pctOnTime: 50, medianHoursToRespond: 21.5 },
    'childrens-social-care': {
      requested: 7,
      answered: 5,
      onTime: 5,
      pctOnTime: 71.4,
      medianHoursToRespond: 2,
    },
    'adult-social-care': { requested: 2, answered: 2, onTime: 1, pctOnTime: 50, medianHoursToRespond: 6 },
    probation: NO_REQUESTS,
    housing: NO_REQUESTS,
    'mental-health': { requested: 6, answered: 6, onTime: 0, pctOnTime: 0, medianHoursToRespond: 24 },
    'domestic-abuse': NO_REQUESTS,
    'youth-justice': NO_REQUESTS,
  },
  quality: {
    reReferrals: 8,
    reReferralRate: 25, // 8/32
    nfa: 8, // NFA 6 + ADULT_NFA 2
    nfaRate: 30.8, // 8/26 = 30.769…
    byOutcome: fill(OUTCOMES, 0, {
      NFA: 6,
      ADVICE_SIGNPOSTING: 4,
      EARLY_HELP: 7,
      S17_ASSESSMENT: 3,
      STRATEGY_DISCUSSION_S47: 2,
      IMMEDIATE_PROTECTION: 1,
      S42_ENQUIRY: 1,
      ADULT_NFA: 2,
    }),
    decidedBySource: fill(SOURCE_CODES, 0, { '1A': 2, '2A': 8, '3A': 5, '5A': 2, '6': 7, '8': 1, '9': 1 }),
    nfaBySource: fill(SOURCE_CODES, 0, { '1A': 1, '2A': 4, '3A': 1, '8': 1, '9': 1 }),
    nfaRateBySource: fill(SOURCE_CODES, null, {
      '1A': 50,
      '2A': 50,
      '3A': 20,
      '5A': 0,
      '6': 0,
      '8': 100,
      '9': 100,
    }),
    reRated: 3,
    pctReRated: 9.4, // 3/32 = 9.375
  },
  confidence: {
    responses: 14,
    helpful: 11,
    pctHelpful: 78.6, // 11/14 = 78.571…
    meanRating: 3.8, // 46/12 = 3.833…
    ratings: 12,
    toldOutcomeWithinOneWorkingDay: 20,
    pctToldOutcomeWithinOneWorkingDay: 62.5, // 20/32
  },
};

/*
 * Disclosure control, by hand:
 * - bySource: 1A 3, 5A 2, 8 2, 9 1 are "c" (four cells): no secondary suppression needed.
 * - volume.byRag: unrated 5 is "c", alone, so the smallest other non-zero cell goes too: red 7 and green 7
 *   tie, red comes first in the key order: red "c", green 7 published.
 * - bySubjectType: adult 3 is "c", alone; child 29 is the only other non-zero cell: "c".
 * - timeliness.byRag decided: unrated 2 "c" alone → green 6 (smallest) "c".
 *   withinTimescale: unrated 1 "c" alone → red 6 and green 6 tie → red "c".
 * - byOutcome: six cells of 1–5 "c"; but NFA (6) + ADULT_NFA ("c") = nfa (8, published) would reveal
 *   ADULT_NFA, so NFA is suppressed too.
 * - decidedBySource and nfaBySource: several cells "c" each, totals published: nothing more.
 * - Rates: "c" when a count they use is "c" (byRag red, green and unrated pcts; agency figures over 1–5;
 *   nfaRateBySource where a source's NFA or decided count is "c"; pctReRated). nfaRateBySource of source 6
 *   (0 of 7) is published as 0; sources with no decisions stay null.
 */
const EXPECTED_PUBLISHED: PublishedExport = {
  period: 'monthly',
  periodId: '2026-11',
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
  volume: {
    referrals: 32,
    bySource: fill<SourceCode, number | 'c'>(SOURCE_CODES, 0, {
      '1A': 'c',
      '2A': 10,
      '3A': 6,
      '5A': 'c',
      '6': 8,
      '8': 'c',
      '9': 'c',
    }),
    byRag: { red: 'c', amber: 13, green: 7, unrated: 'c' },
    byCategory: fill<ConcernCategory, number | 'c'>(CONCERN_CATEGORIES, 0, {
      'physical-abuse': 'c',
      'emotional-abuse': 6,
      'sexual-abuse': 'c',
      neglect: 12,
      'domestic-abuse': 8,
      'parental-mental-health': 'c',
      'substance-misuse': 'c',
      cse: 'c',
      missing: 'c',
      'self-harm': 'c',
      'online-harm': 'c',
      'young-carer': 'c',
      other: 'c',
    }),
    bySubjectType: { child: 'c', adult: 'c' },
  },
  timeliness: {
    decided: 26,
    withinTimescale: 22,
    pctWithinTimescale: 84.6,
    byRag: {
      red: { decided: 7, withinTimescale: 'c', pctWithinTimescale: 'c' },
      amber: { decided: 11, withinTimescale: 9, pctWithinTimescale: 81.8 },
      green: { decided: 'c', withinTimescale: 6, pctWithinTimescale: 'c' },
      unrated: { decided: 'c', withinTimescale: 'c', pctWithinTimescale: 'c' },
    },
    medianHoursToDecision: 15.5,
    p90HoursToDecision: 96,
    openOverdue: 'c',
  },
  agencyResponses: {
    police: { requested: 8, answered: 7, onTime: 6, pctOnTime: 75, medianHoursToRespond: 2.5 },
    health: { requested: 6, answered: 6, onTime: 6, pctOnTime: 100, medianHoursToRespond: 4 },
    education: { requested: 'c', answered: 'c', onTime: 'c', pctOnTime: 'c', medianHoursToRespond: 'c' },
    'childrens-social-care': {
      requested: 7,
      answered: 'c',
      onTime: 'c',
      pctOnTime: 'c',
      medianHoursToRespond: 'c',
    },
    'adult-social-care': {
      requested: 'c',
      answered: 'c',
      onTime: 'c',
      pctOnTime: 'c',
      medianHoursToRespond: 'c',
    },
    probation: NO_REQUESTS,
    housing: NO_REQUESTS,
    'mental-health': { requested: 6, answered: 6, onTime: 0, pctOnTime: 0, medianHoursToRespond: 24 },
    'domestic-abuse': NO_REQUESTS,
    'youth-justice': NO_REQUESTS,
  },
  quality: {
    reReferrals: 8,
    reReferralRate: 25,
    nfa: 8,
    nfaRate: 30.8,
    byOutcome: fill<Outcome, number | 'c'>(OUTCOMES, 0, {
      NFA: 'c',
      ADVICE_SIGNPOSTING: 'c',
      EARLY_HELP: 7,
      S17_ASSESSMENT: 'c',
      STRATEGY_DISCUSSION_S47: 'c',
      IMMEDIATE_PROTECTION: 'c',
      S42_ENQUIRY: 'c',
      ADULT_NFA: 'c',
    }),
    decidedBySource: fill<SourceCode, number | 'c'>(SOURCE_CODES, 0, {
      '1A': 'c',
      '2A': 8,
      '3A': 'c',
      '5A': 'c',
      '6': 7,
      '8': 'c',
      '9': 'c',
    }),
    nfaBySource: fill<SourceCode, number | 'c'>(SOURCE_CODES, 0, {
      '1A': 'c',
      '2A': 'c',
      '3A': 'c',
      '8': 'c',
      '9': 'c',
    }),
    nfaRateBySource: fill<SourceCode, number | null | 'c'>(SOURCE_CODES, null, {
      '1A': 'c',
      '2A': 'c',
      '3A': 'c',
      '5A': 'c',
      '6': 0,
      '8': 'c',
      '9': 'c',
    }),
    reRated: 'c',
    pctReRated: 'c',
  },
  confidence: {
    responses: 14,
    helpful: 11,
    pctHelpful: 78.6,
    meanRating: 3.8,
    ratings: 12,
    toldOutcomeWithinOneWorkingDay: 20,
    pctToldOutcomeWithinOneWorkingDay: 62.5,
  },
};

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

describe('the fixture month (November 2026, figures by hand)', () => {
  it('has 32 referrals received in the period', () => {
    expect(NOVEMBER_2026).toHaveLength(32);
    expect(periodBounds('monthly', '2026-11')).toEqual({
      periodStart: NOVEMBER.periodStart,
      periodEnd: NOVEMBER.periodEnd,
    });
  });

  it('raw measures', () => {
    const raw = computeMeasures(NOVEMBER, NOVEMBER_2026);
    // Section by section first, for readable failures; then the whole.
    expect(raw.volume).toEqual(EXPECTED_RAW.volume);
    expect(raw.timeliness).toEqual(EXPECTED_RAW.timeliness);
    expect(raw.agencyResponses).toEqual(EXPECTED_RAW.agencyResponses);
    expect(raw.quality).toEqual(EXPECTED_RAW.quality);
    expect(raw.confidence).toEqual(EXPECTED_RAW.confidence);
    expect(raw).toEqual(EXPECTED_RAW);
  });

  it('published export (disclosure control)', () => {
    const published = applyDisclosureControl(computeMeasures(NOVEMBER, NOVEMBER_2026));
    expect(published.volume).toEqual(EXPECTED_PUBLISHED.volume);
    expect(published.timeliness).toEqual(EXPECTED_PUBLISHED.timeliness);
    expect(published.agencyResponses).toEqual(EXPECTED_PUBLISHED.agencyResponses);
    expect(published.quality).toEqual(EXPECTED_PUBLISHED.quality);
    expect(published.confidence).toEqual(EXPECTED_PUBLISHED.confidence);
    expect(published).toEqual(EXPECTED_PUBLISHED);
  });

  it('published files carry the same figures', () => {
    const published = applyDisclosureControl(computeMeasures(NOVEMBER, NOVEMBER_2026));
    const json = JSON.parse(toJson(published, '2026-12-01T02:00:00.000Z'));
    expect(json).toEqual({
      schemaVersion: 1,
      generatedAt: '2026-12-01T02:00:00.000Z',
      ...EXPECTED_PUBLISHED,
    });
    const csv = toCsv(published);
    expect(csv).toContain('\nvolume.referrals,,32\n');
    expect(csv).toContain('\nvolume.bySource,2A,10\n');
    expect(csv).toContain('\nvolume.bySource,1A,c\n');
    expect(csv).toContain('\nvolume.byRag,red,c\n');
    expect(csv).toContain('\ntimeliness.byRag.pctWithinTimescale,amber,81.8\n');
    expect(csv).toContain('\ntimeliness.p90HoursToDecision,,96.0\n');
    expect(csv).toContain('\nagencyResponses.pctOnTime,police,75.0\n');
    expect(csv).toContain('\nagencyResponses.pctOnTime,probation,\n');
    expect(csv).toContain('\nquality.nfaRateBySource,6,0.0\n');
    expect(csv).toContain('\nconfidence.meanRating,,3.8\n');
  });

  it('does not depend on the order of the referrals (same JSON and CSV bytes)', () => {
    const generatedAt = '2026-12-01T02:00:00.000Z';
    const published = applyDisclosureControl(computeMeasures(NOVEMBER, NOVEMBER_2026));
    const json = toJson(published, generatedAt);
    const csv = toCsv(published, generatedAt);
    const reversed = applyDisclosureControl(computeMeasures(NOVEMBER, [...NOVEMBER_2026].reverse()));
    expect(toJson(reversed, generatedAt)).toBe(json);
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...NOVEMBER_2026], { minLength: NOVEMBER_2026.length }),
        (shuffled) => {
          const again = applyDisclosureControl(computeMeasures(NOVEMBER, shuffled));
          expect(toJson(again, generatedAt)).toBe(json);
          expect(toCsv(again, generatedAt)).toBe(csv);
        },
      ),
      { numRuns: 25 },
    );
    // Exported again later: only generatedAt differs.
    const later = toJson(reversed, '2027-01-15T09:30:00.000Z');
    expect(later.replace('2027-01-15T09:30:00.000Z', generatedAt)).toBe(json);
  });
});

describe('percentiles and rounding', () => {
  it('median: the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 10, 11])).toBe(6);
    expect(median([1, 1, 1, 100])).toBe(1);
  });

  it('90th percentile: nearest rank ⌈0.9 × n⌉', () => {
    const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRankPercentile(oneToTen, 90)).toBe(9); // rank 9 exactly
    expect(nearestRankPercentile([...oneToTen, 11], 90)).toBe(10); // ⌈9.9⌉ = 10
    expect(nearestRankPercentile([5], 90)).toBe(5);
    expect(nearestRankPercentile([1, 2], 90)).toBe(2); // ⌈1.8⌉ = 2
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRankPercentile(oneToTwenty, 90)).toBe(18);
    expect(nearestRankPercentile(oneToTwenty, 50)).toBe(10);
    expect(nearestRankPercentile(oneToTwenty, 100)).toBe(20);
    expect(nearestRankPercentile([], 90)).toBeNull();
    expect(() => nearestRankPercentile(oneToTen, 0)).toThrow(RangeError);
  });

  it('90th percentile: at least 90% of values are at or below it, and it is the smallest such value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const p90 = nearestRankPercentile(sorted, 90) as number;
        expect(sorted.filter((v) => v <= p90).length * 10).toBeGreaterThanOrEqual(sorted.length * 9);
        expect(sorted.filter((v) => v < p90).length * 10).toBeLessThan(sorted.length * 9);
      }),
    );
  });

  it('percentages: one decimal, halves up, null for a zero denominator', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(1, 16)).toBe(6.3); // 6.25 → 6.3
    expect(percent(1, 80)).toBe(1.3); // 1.25 → 1.3
    expect(percent(0, 5)).toBe(0);
    expect(percent(5, 5)).toBe(100);
    expect(percent(0, 0)).toBeNull();
  });

  it('hours to decision are wall-clock hours to one decimal, halves up', () => {
    const day: AccumulatorOptions = {
      period: 'daily',
      periodId: '2026-11-02',
      ...periodBounds('daily', '2026-11-02'),
    };
    const decidedAfter = (id: string, minutes: number): ReferralFacts =>
      referral(id, {
        source: '2A',
        rag: 'amber',
        categories: ['neglect'],
        received: '11-02 10:00',
        due: '11-03 10:00',
        decided: ['NFA', `11-02 10:${String(minutes).padStart(2, '0')}`, true],
      });
    // 9 minutes = 0.15 h → 0.2; 3 minutes = 0.05 h → 0.1.
    expect(computeMeasures(day, [decidedAfter('x', 9)]).timeliness.medianHoursToDecision).toBe(0.2);
    expect(computeMeasures(day, [decidedAfter('x', 3)]).timeliness.medianHoursToDecision).toBe(0.1);
    // Median of 6 and 12 minutes = 9 minutes = 0.15 h → 0.2; p90 = the 12 minutes = 0.2.
    const two = computeMeasures(day, [decidedAfter('x', 6), decidedAfter('y', 12)]);
    expect(two.timeliness.medianHoursToDecision).toBe(0.2);
    expect(two.timeliness.p90HoursToDecision).toBe(0.2);
  });

  it('hours across the clock change are elapsed hours, not wall-clock differences', () => {
    // Received Sat 24 Oct 2026 23:00 BST (22:00Z), decided Sun 25 Oct 02:00 GMT: 4 hours, not 3.
    const week: AccumulatorOptions = {
      period: 'weekly',
      periodId: '2026-W43',
      ...periodBounds('weekly', '2026-W43'),
    };
    const raw = computeMeasures(week, [
      {
        id: 'bst',
        receivedAt: '2026-10-24T22:00:00.000Z',
        source: '6',
        rag: 'red',
        categories: ['missing'],
        subjectTypes: ['child'],
        decisionDueAt: '2026-10-25T02:00:00.000Z',
        decision: { outcome: 'S17_ASSESSMENT', decidedAt: '2026-10-25T02:00:00.000Z', withinTimescale: true },
        reReferral: false,
        reRated: false,
        requests: [],
        feedback: { responses: 0, helpful: 0, ratingSum: 0, ratingCount: 0 },
      },
    ]);
    expect(raw.timeliness.medianHoursToDecision).toBe(4);
  });
});

describe('an empty period', () => {
  it('all counts 0, every code present, rates null; published the same', () => {
    const options: AccumulatorOptions = {
      period: 'weekly',
      periodId: '2026-W13',
      periodStart: '2026-03-23T00:00:00.000Z',
      periodEnd: '2026-03-29T23:00:00.000Z',
    };
    const raw = createAccumulator(options).finish();
    const zeroAgency = NO_REQUESTS;
    const expected: RawExport = {
      ...options,
      volume: {
        referrals: 0,
        bySource: fill(SOURCE_CODES, 0, {}),
        byRag: { red: 0, amber: 0, green: 0, unrated: 0 },
        byCategory: fill(CONCERN_CATEGORIES, 0, {}),
        bySubjectType: { child: 0, adult: 0 },
      },
      timeliness: {
        decided: 0,
        withinTimescale: 0,
        pctWithinTimescale: null,
        byRag: {
          red: { decided: 0, withinTimescale: 0, pctWithinTimescale: null },
          amber: { decided: 0, withinTimescale: 0, pctWithinTimescale: null },
          green: { decided: 0, withinTimescale: 0, pctWithinTimescale: null },
          unrated: { decided: 0, withinTimescale: 0, pctWithinTimescale: null },
        },
        medianHoursToDecision: null,
        p90HoursToDecision: null,
        openOverdue: 0,
      },
      agencyResponses: fill(AGENCIES, zeroAgency, {}),
      quality: {
        reReferrals: 0,
        reReferralRate: null,
        nfa: 0,
        nfaRate: null,
        byOutcome: fill(OUTCOMES, 0, {}),
        decidedBySource: fill(SOURCE_CODES, 0, {}),
        nfaBySource: fill(SOURCE_CODES, 0, {}),
        nfaRateBySource: fill(SOURCE_CODES, null, {}),
        reRated: 0,
        pctReRated: null,
      },
      confidence: {
        responses: 0,
        helpful: 0,
        pctHelpful: null,
        meanRating: null,
        ratings: 0,
        toldOutcomeWithinOneWorkingDay: 0,
        pctToldOutcomeWithinOneWorkingDay: null,
      },
    };
    expect(raw).toEqual(expected);
    expect(applyDisclosureControl(raw)).toEqual(expected);
  });
});

describe('counting rules', () => {
  const day: AccumulatorOptions = {
    period: 'daily',
    periodId: '2026-11-30',
    ...periodBounds('daily', '2026-11-30'),
  };
  const base = (id: string, extra: Partial<ReferralFacts> = {}): ReferralFacts => ({
    id,
    receivedAt: '2026-11-30T10:00:00.000Z',
    source: '2A',
    rag: 'amber',
    categories: ['neglect'],
    subjectTypes: ['child'],
    decisionDueAt: '2026-12-01T10:00:00.000Z',
    reReferral: false,
    reRated: false,
    requests: [],
    feedback: { responses: 0, helpful: 0, ratingSum: 0, ratingCount: 0 },
    ...extra,
  });

  it('open and overdue as at periodEnd: due at periodEnd counts, due a millisecond later does not', () => {
    const raw = computeMeasures(day, [
      base('due-at-end', { decisionDueAt: '2026-12-01T00:00:00.000Z' }),
      base('due-after-end', { decisionDueAt: '2026-12-01T00:00:00.001Z' }),
      base('decided-just-before-end', {
        decisionDueAt: '2026-11-30T12:00:00.000Z',
        decision: { outcome: 'NFA', decidedAt: '2026-11-30T23:59:59.999Z', withinTimescale: false },
      }),
      base('decided-at-end', {
        decisionDueAt: '2026-11-30T12:00:00.000Z',
        decision: { outcome: 'NFA', decidedAt: '2026-12-01T00:00:00.000Z', withinTimescale: false },
      }),
    ]);
    expect(raw.timeliness.openOverdue).toBe(2); // due-at-end, decided-at-end
    expect(raw.timeliness.decided).toBe(2);
  });

  it('one working day clamps to closing time: Thu 17:00 → Fri 16:35', () => {
    const thursday: AccumulatorOptions = {
      period: 'daily',
      periodId: '2026-11-26',
      ...periodBounds('daily', '2026-11-26'),
    };
    const decidedAt = (id: string, at: string): ReferralFacts =>
      base(id, {
        receivedAt: '2026-11-26T17:00:00.000Z',
        decisionDueAt: '2026-11-27T16:35:00.000Z',
        decision: { outcome: 'EARLY_HELP', decidedAt: at, withinTimescale: true },
      });
    const raw = computeMeasures(thursday, [
      decidedAt('on-time', '2026-11-27T16:35:00.000Z'),
      decidedAt('late', '2026-11-27T16:35:00.001Z'),
    ]);
    expect(raw.confidence.toldOutcomeWithinOneWorkingDay).toBe(1);
    expect(raw.confidence.pctToldOutcomeWithinOneWorkingDay).toBe(50);
  });

  it('children vs adults: child if it names any child, otherwise adult; adds up to referrals', () => {
    const raw = computeMeasures(day, [
      base('c', { subjectTypes: ['child', 'child'] }),
      base('ca', { subjectTypes: ['adult', 'child'] }),
      base('a', { subjectTypes: ['adult', 'adult'] }),
    ]);
    expect(raw.volume.bySubjectType).toEqual({ child: 2, adult: 1 });
  });

  it('refuses a referral received outside the period, and leaves no trace of it', () => {
    const accumulator = createAccumulator(day);
    accumulator.add(base('start', { receivedAt: '2026-11-30T00:00:00.000Z' }));
    expect(() => accumulator.add(base('end', { receivedAt: '2026-12-01T00:00:00.000Z' }))).toThrow(
      RangeError,
    );
    expect(() => accumulator.add(base('before', { receivedAt: '2026-11-29T23:59:59.999Z' }))).toThrow(
      RangeError,
    );
    expect(() => accumulator.add(base('bad-source', { source: '11' as SourceCode }))).toThrow(RangeError);
    expect(() =>
      accumulator.add(
        base('bad-agency', { requests: [{ agency: 'mi5' as Agency, issuedAt: 'x', dueAt: 'y' }] }),
      ),
    ).toThrow(RangeError);
    expect(() => accumulator.add(base('bad-date', { receivedAt: '30/11/2026' }))).toThrow(RangeError);
    expect(accumulator.count).toBe(1);
    expect(accumulator.finish().volume.referrals).toBe(1);
    expect(accumulator.finish().volume.bySource['11' as SourceCode]).toBeUndefined();
  });

  it('refuses bounds that are not the period’s', () => {
    expect(() => createAccumulator({ ...day, periodEnd: '2026-12-02T00:00:00.000Z' })).toThrow(RangeError);
    expect(() => createAccumulator({ ...day, periodId: '2026-11-31' })).toThrow();
    // The same instants in another ISO form are fine.
    expect(() => createAccumulator({ ...day, periodStart: '2026-11-30T00:00:00Z' })).not.toThrow();
  });
});
