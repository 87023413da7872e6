/**
 * The board's measures (DOMAIN.md "Measures for the board"), computed in one pass over the referrals
 * received in a period.
 *
 * The accumulator keeps running counts, plus, for the medians and the 90th percentile, one number per
 * decided referral (milliseconds from receipt to decision) and one per answered agency request
 * (milliseconds from issue to answer). Nothing else about a referral is kept.
 *
 * Rules (the definitions document says the same, in words):
 * - Every measure counts the referrals received in the period, whatever happened since (a referral
 *   received 30 April and decided 1 May counts in April, including its decision and its agency requests).
 *   The accumulator refuses a referral received outside the period.
 * - `bySubjectType` classifies each referral once: `child` when it names any child, otherwise `adult`, so the
 *   breakdown adds up to `referrals`. `byCategory` counts a referral once in each of its categories, so it
 *   does not add up. `byRag` uses the rating in force, `unrated` when never rated.
 * - `openOverdue` is as at `periodEnd`: not decided before `periodEnd` (no decision, or decided at or after
 *   it) and `decisionDueAt` ≤ `periodEnd` (DOMAIN.md: overdue means now ≥ due and not yet done).
 * - Hours are wall-clock (elapsed) hours. The median is the middle value, or the mean of the two middle
 *   values when there is an even number of them; the 90th percentile is the nearest-rank one: the value at
 *   rank ⌈0.9 × n⌉ in ascending order (the smallest value that at least 90% of values are at or below).
 * - Percentages are 0–100 and, like hours and the mean rating, rounded to one decimal place, halves away
 *   from zero, from the exact ratio. A rate whose denominator is 0 (or a median of no values) is `null`.
 */
import {
  AGENCIES,
  type Agency,
  CONCERN_CATEGORIES,
  OUTCOMES,
  type Outcome,
  SOURCE_CODES,
  type SourceCode,
  SUBJECT_TYPES,
} from '../codes.ts';
import { addWorkingDays, defaultTimescalePolicy, type TimescalePolicy } from '../timescales.ts';
import { RAG_KEYS, type RagKey, type RawExport } from './export-schema.ts';
import type { ReferralFacts } from './facts.ts';
import { isPeriodKind, type PeriodKind, periodBounds } from './periods.ts';

export type { RawExport } from './export-schema.ts';

const TENTH_HOUR_MS = 360_000;

// ---------------------------------------------------------------------------------------------------------
// Rounding, rates and percentiles
// ---------------------------------------------------------------------------------------------------------

/** `tenths` rounded to a whole number of tenths, halves away from zero, as a number with one decimal. */
function fromTenths(tenths: number): number {
  const rounded = Math.round(Math.abs(tenths)) / 10;
  return tenths < 0 ? -rounded : rounded;
}

/** `numerator ÷ denominator` as a percentage with one decimal, or `null` when the denominator is 0. */
export function percent(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  // One division of whole numbers: when the exact ratio is a tie (k + ½ tenths) it is representable, so
  // the division gives it exactly and the rounding is exact.
  return fromTenths((numerator * 1000) / denominator);
}

/** The mean to one decimal, or `null` when there are no values. */
function mean(sum: number, count: number): number | null {
  if (count === 0) return null;
  return fromTenths((sum * 10) / count);
}

/** The median of ascending `sorted`: the middle value, or the mean of the two middle values; `null` if empty. */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const upper = sorted[Math.floor(n / 2)] as number;
  if (n % 2 === 1) return upper;
  return ((sorted[n / 2 - 1] as number) + upper) / 2;
}

/**
 * The nearest-rank `p`th percentile (0 < p ≤ 100) of ascending `sorted`: the value at rank ⌈p/100 × n⌉
 * (1-based); `null` if empty.
 */
export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError('p must be in (0, 100]');
  const n = sorted.length;
  if (n === 0) return null;
  // (p × n) ÷ 100 with whole p and n is exact whenever it is a whole number, so ⌈ ⌉ never moves an exact
  // rank up by a floating-point error.
  const rank = Math.max(1, Math.ceil((p * n) / 100));
  return sorted[Math.min(rank, n) - 1] as number;
}

/** Milliseconds as hours with one decimal (one division, so exact ties round exactly). */
function hours(ms: number | null): number | null {
  return ms === null ? null : fromTenths(ms / TENTH_HOUR_MS);
}

function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------
// The accumulator
// ---------------------------------------------------------------------------------------------------------

export interface AccumulatorOptions {
  period: PeriodKind;
  periodId: string;
  /** Must be `periodBounds(period, periodId).periodStart` (any ISO form of that instant). */
  periodStart: string;
  /** Must be `periodBounds(period, periodId).periodEnd` (any ISO form of that instant). */
  periodEnd: string;
  /** The timescale policy for "told the outcome within one working day"; DOMAIN.md's defaults if absent. */
  policy?: TimescalePolicy;
}

export interface MeasuresAccumulator {
  /** Counts one referral received in the period; throws a RangeError for one received outside it. */
  add(facts: ReferralFacts): void;
  /** The raw (unsuppressed) export of everything added so far. May be called more than once. */
  finish(): RawExport;
  /** How many referrals have been added. */
  readonly count: number;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function instant(value: unknown, what: string, id: string): number {
  const ms = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`referral ${id}: ${what} is not an ISO instant`);
  return ms;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  const record = {} as Record<K, number>;
  for (const key of keys) record[key] = 0;
  return record;
}

function increment<K extends string>(record: Record<K, number>, key: K, what: string, id: string): void {
  if (!Object.hasOwn(record, key)) throw new RangeError(`referral ${id}: unknown ${what} "${String(key)}"`);
  record[key] += 1;
}

function wholeCount(value: unknown, what: string, id: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`referral ${id}: ${what} must be a whole number ≥ 0`);
  }
  return value;
}

interface AgencyTally {
  requested: number;
  answered: number;
  onTime: number;
  msToRespond: number[];
}

const NFA_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['NFA', 'ADULT_NFA']);

export function createAccumulator(options: AccumulatorOptions): MeasuresAccumulator {
  const { period, periodId } = options;
  if (!isPeriodKind(period)) throw new RangeError(`unknown period kind "${String(period)}"`);
  const bounds = periodBounds(period, periodId);
  const startMs = Date.parse(bounds.periodStart);
  const endMs = Date.parse(bounds.periodEnd);
  if (Date.parse(options.periodStart) !== startMs || Date.parse(options.periodEnd) !== endMs) {
    throw new RangeError(
      `the bounds of ${period} ${periodId} are ${bounds.periodStart} to ${bounds.periodEnd}, ` +
        `not ${options.periodStart} to ${options.periodEnd}`,
    );
  }
  const policy = options.policy ?? defaultTimescalePolicy;

  // Volume
  let referrals = 0;
  const bySource = zeros(SOURCE_CODES);
  const byRag = zeros(RAG_KEYS);
  const byCategory = zeros(CONCERN_CATEGORIES);
  const bySubjectType = zeros(SUBJECT_TYPES);
  // Timeliness
  const decidedByRag = zeros(RAG_KEYS);
  const withinByRag = zeros(RAG_KEYS);
  const msToDecision: number[] = [];
  let openOverdue = 0;
  // Agency responses
  const agencies = new Map<Agency, AgencyTally>(
    AGENCIES.map((agency) => [agency, { requested: 0, answered: 0, onTime: 0, msToRespond: [] }]),
  );
  // Quality
  let reReferrals = 0;
  let reRated = 0;
  const byOutcome = zeros(OUTCOMES);
  const decidedBySource = zeros(SOURCE_CODES);
  const nfaBySource = zeros(SOURCE_CODES);
  // Confidence
  let responses = 0;
  let helpful = 0;
  let ratingSum = 0;
  let ratings = 0;
  let toldWithinOneWorkingDay = 0;

  function add(facts: ReferralFacts): void {
    const id = String(facts.id);
    const receivedMs = instant(facts.receivedAt, 'receivedAt', id);
    if (receivedMs < startMs || receivedMs >= endMs) {
      throw new RangeError(`referral ${id} was not received in ${period} ${periodId}`);
    }
    const dueMs = instant(facts.decisionDueAt, 'decisionDueAt', id);
    const rag: RagKey = facts.rag ?? 'unrated';
    const feedback = facts.feedback;
    const feedbackResponses = wholeCount(feedback.responses, 'feedback.responses', id);
    const feedbackHelpful = wholeCount(feedback.helpful, 'feedback.helpful', id);
    const feedbackRatings = wholeCount(feedback.ratingCount, 'feedback.ratingCount', id);
    const feedbackRatingSum = wholeCount(feedback.ratingSum, 'feedback.ratingSum', id);
    const categories = new Set(facts.categories);
    for (const category of categories) {
      if (!Object.hasOwn(byCategory, category)) {
        throw new RangeError(`referral ${id}: unknown concern category "${String(category)}"`);
      }
    }
    if (!Object.hasOwn(bySource, facts.source)) {
      throw new RangeError(`referral ${id}: unknown source "${String(facts.source)}"`);
    }
    if (!Object.hasOwn(byRag, rag)) throw new RangeError(`referral ${id}: unknown rating "${String(rag)}"`);
    const decision = facts.decision;
    let decidedMs: number | null = null;
    if (decision) {
      decidedMs = instant(decision.decidedAt, 'decision.decidedAt', id);
      if (!Object.hasOwn(byOutcome, decision.outcome)) {
        throw new RangeError(`referral ${id}: unknown outcome "${String(decision.outcome)}"`);
      }
    }
    const requests = facts.requests.map((request) => {
      if (!agencies.has(request.agency)) {
        throw new RangeError(`referral ${id}: unknown agency "${String(request.agency)}"`);
      }
      return {
        agency: request.agency,
        issuedMs: instant(request.issuedAt, 'request issuedAt', id),
        dueMs: instant(request.dueAt, 'request dueAt', id),
        answeredMs:
          request.answeredAt === undefined || request.answeredAt === null
            ? null
            : instant(request.answeredAt, 'request answeredAt', id),
      };
    });
    // Everything is valid: count it (so a refused referral leaves no partial trace).

    referrals += 1;
    increment(bySource, facts.source, 'source', id);
    increment(byRag, rag, 'rating', id);
    for (const category of categories) increment(byCategory, category, 'concern category', id);
    increment(bySubjectType, facts.subjectTypes.includes('child') ? 'child' : 'adult', 'subject type', id);

    if (decision && decidedMs !== null) {
      increment(decidedByRag, rag, 'rating', id);
      if (decision.withinTimescale === true) increment(withinByRag, rag, 'rating', id);
      msToDecision.push(decidedMs - receivedMs);
      increment(byOutcome, decision.outcome, 'outcome', id);
      increment(decidedBySource, facts.source, 'source', id);
      if (NFA_OUTCOMES.has(decision.outcome)) increment(nfaBySource, facts.source, 'source', id);
      if (decidedMs <= addWorkingDays(new Date(receivedMs), 1, policy).getTime()) {
        toldWithinOneWorkingDay += 1;
      }
    }
    const openAtEnd = decidedMs === null || decidedMs >= endMs;
    if (openAtEnd && dueMs <= endMs) openOverdue += 1;

    for (const request of requests) {
      const tally = agencies.get(request.agency) as AgencyTally;
      tally.requested += 1;
      if (request.answeredMs !== null) {
        tally.answered += 1;
        tally.msToRespond.push(request.answeredMs - request.issuedMs);
        if (request.answeredMs <= request.dueMs) tally.onTime += 1;
      }
    }

    if (facts.reReferral === true) reReferrals += 1;
    if (facts.reRated === true) reRated += 1;

    responses += feedbackResponses;
    helpful += feedbackHelpful;
    ratings += feedbackRatings;
    ratingSum += feedbackRatingSum;
  }

  function finish(): RawExport {
    const sum = (record: Record<string, number>): number =>
      Object.values(record).reduce((total, value) => total + value, 0);
    const decided = sum(decidedByRag);
    const withinTimescale = sum(withinByRag);
    const nfa = sum(nfaBySource);
    const sortedToDecision = ascending(msToDecision);

    const timelinessByRag = {} as RawExport['timeliness']['byRag'];
    for (const rag of RAG_KEYS) {
      timelinessByRag[rag] = {
        decided: decidedByRag[rag],
        withinTimescale: withinByRag[rag],
        pctWithinTimescale: percent(withinByRag[rag], decidedByRag[rag]),
      };
    }
    const agencyResponses = {} as RawExport['agencyResponses'];
    for (const agency of AGENCIES) {
      const tally = agencies.get(agency) as AgencyTally;
      agencyResponses[agency] = {
        requested: tally.requested,
        answered: tally.answered,
        onTime: tally.onTime,
        pctOnTime: percent(tally.onTime, tally.requested),
        medianHoursToRespond: hours(median(ascending(tally.msToRespond))),
      };
    }
    const nfaRateBySource = {} as Record<SourceCode, number | null>;
    for (const source of SOURCE_CODES) {
      nfaRateBySource[source] = percent(nfaBySource[source], decidedBySource[source]);
    }

    return {
      period,
      periodId,
      periodStart: bounds.periodStart,
      periodEnd: bounds.periodEnd,
      volume: {
        referrals,
        bySource: { ...bySource },
        byRag: { ...byRag },
        byCategory: { ...byCategory },
        bySubjectType: { ...bySubjectType },
      },
      timeliness: {
        decided,
        withinTimescale,
        pctWithinTimescale: percent(withinTimescale, decided),
        byRag: timelinessByRag,
        medianHoursToDecision: hours(median(sortedToDecision)),
        p90HoursToDecision: hours(nearestRankPercentile(sortedToDecision, 90)),
        openOverdue,
      },
      agencyResponses,
      quality: {
        reReferrals,
        reReferralRate: percent(reReferrals, referrals),
        nfa,
        nfaRate: percent(nfa, decided),
        byOutcome: { ...byOutcome },
        decidedBySource: { ...decidedBySource },
        nfaBySource: { ...nfaBySource },
        nfaRateBySource,
        reRated,
        pctReRated: percent(reRated, referrals),
      },
      confidence: {
        responses,
        helpful,
        pctHelpful: percent(helpful, responses),
        meanRating: mean(ratingSum, ratings),
        ratings,
        toldOutcomeWithinOneWorkingDay: toldWithinOneWorkingDay,
        pctToldOutcomeWithinOneWorkingDay: percent(toldWithinOneWorkingDay, referrals),
      },
    };
  }

  return {
    add,
    finish,
    get count() {
      return referrals;
    },
  };
}

/** The raw export of `facts` (all received in the period) in one call. */
export function computeMeasures(options: AccumulatorOptions, facts: Iterable<ReferralFacts>): RawExport {
  const accumulator = createAccumulator(options);
  for (const referral of facts) accumulator.add(referral);
  return accumulator.finish();
}
