/**
 * The shape of the board's export (CONTRACT.md "The board's export"), and the one ordered list of its
 * figures that the disclosure control, the JSON and CSV writers and the definitions all read.
 *
 * Only codes and numbers: every breakdown key is a code from `codes.ts` (or a RAG key), every figure is a
 * count, a percentage, a number of hours or a mean rating. There is no field in which a name, an address, a
 * narrative or a case id could travel, and the writers emit nothing that is not in `FIGURES`.
 */
import {
  AGENCIES,
  type Agency,
  CONCERN_CATEGORIES,
  type ConcernCategory,
  OUTCOMES,
  type Outcome,
  SOURCE_CODES,
  type SourceCode,
  SUBJECT_TYPES,
  type SubjectType,
} from '../codes.ts';
import type { PeriodKind } from './periods.ts';

export const SCHEMA_VERSION = 1;

/** The RAG breakdown: the rating in force, or `unrated` for a referral never rated. */
export const RAG_KEYS = ['red', 'amber', 'green', 'unrated'] as const;
export type RagKey = (typeof RAG_KEYS)[number];

/** A suppressed figure (disclosure control). */
export const SUPPRESSED = 'c';
type Suppressed = typeof SUPPRESSED;

interface RagTimeliness<C, R> {
  decided: C;
  withinTimescale: C;
  pctWithinTimescale: R;
}

interface AgencyResponseFigures<C, R> {
  requested: C;
  answered: C;
  onTime: C;
  pctOnTime: R;
  medianHoursToRespond: R;
}

/** The export with counts of type `C` and rates (percentages, hours, means) of type `R`. */
export interface BoardExport<C, R> {
  period: PeriodKind;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  volume: {
    referrals: C;
    bySource: Record<SourceCode, C>;
    byRag: Record<RagKey, C>;
    byCategory: Record<ConcernCategory, C>;
    bySubjectType: Record<SubjectType, C>;
  };
  timeliness: {
    decided: C;
    withinTimescale: C;
    pctWithinTimescale: R;
    byRag: Record<RagKey, RagTimeliness<C, R>>;
    medianHoursToDecision: R;
    p90HoursToDecision: R;
    openOverdue: C;
  };
  agencyResponses: Record<Agency, AgencyResponseFigures<C, R>>;
  quality: {
    reReferrals: C;
    reReferralRate: R;
    nfa: C;
    nfaRate: R;
    byOutcome: Record<Outcome, C>;
    decidedBySource: Record<SourceCode, C>;
    nfaBySource: Record<SourceCode, C>;
    nfaRateBySource: Record<SourceCode, R>;
    reRated: C;
    pctReRated: R;
  };
  confidence: {
    responses: C;
    helpful: C;
    pctHelpful: R;
    meanRating: R;
    ratings: C;
    toldOutcomeWithinOneWorkingDay: C;
    pctToldOutcomeWithinOneWorkingDay: R;
  };
}

/** What the accumulator computes: exact counts; rates are `null` when their denominator is 0. */
export type RawExport = BoardExport<number, number | null>;
type PublishedCount = number | Suppressed;
type PublishedRate = number | null | Suppressed;
/** What is published: counts and rates after disclosure control. */
export type PublishedExport = BoardExport<PublishedCount, PublishedRate>;

/** The header fields of an export, in their published order (before `generatedAt`). */
export const META_KEYS = ['period', 'periodId', 'periodStart', 'periodEnd'] as const;

// ---------------------------------------------------------------------------------------------------------
// The figures, in the fixed published order
// ---------------------------------------------------------------------------------------------------------

/** count: a whole number of referrals (or requests, or feedback responses); the others are rates. */
export type FigureKind = 'count' | 'percent' | 'hours' | 'mean';

export interface Figure {
  /** Where it sits in the JSON. */
  readonly path: readonly string[];
  /** `path` joined with dots: the figure's unique key. */
  readonly key: string;
  /** The CSV `measure` column: the path without the breakdown key. */
  readonly measure: string;
  /** The CSV `breakdown` column: the code the figure is broken down by, or ''. */
  readonly breakdown: string;
  readonly kind: FigureKind;
  /**
   * For a rate: the keys of the counts it is computed from (numerator and denominator, or the count of
   * values a median or mean is taken over). The rate is withheld ("c") when any of them is.
   */
  readonly basis: readonly string[];
}

function figure(
  path: readonly string[],
  kind: FigureKind,
  basis: readonly (readonly string[])[] = [],
  breakdownIndex = -1,
): Figure {
  return {
    path,
    key: path.join('.'),
    measure: path.filter((_, index) => index !== breakdownIndex).join('.'),
    breakdown: breakdownIndex >= 0 ? (path[breakdownIndex] as string) : '',
    kind,
    basis: basis.map((p) => p.join('.')),
  };
}

function buildFigures(): Figure[] {
  const figures: Figure[] = [];
  const add = (...args: Parameters<typeof figure>): void => {
    figures.push(figure(...args));
  };
  const byCode = (prefix: readonly string[], codes: readonly string[]): void => {
    for (const code of codes) add([...prefix, code], 'count', [], prefix.length);
  };

  // Volume
  add(['volume', 'referrals'], 'count');
  byCode(['volume', 'bySource'], SOURCE_CODES);
  byCode(['volume', 'byRag'], RAG_KEYS);
  byCode(['volume', 'byCategory'], CONCERN_CATEGORIES);
  byCode(['volume', 'bySubjectType'], SUBJECT_TYPES);

  // Timeliness
  add(['timeliness', 'decided'], 'count');
  add(['timeliness', 'withinTimescale'], 'count');
  add(['timeliness', 'pctWithinTimescale'], 'percent', [
    ['timeliness', 'withinTimescale'],
    ['timeliness', 'decided'],
  ]);
  for (const rag of RAG_KEYS) {
    const at = ['timeliness', 'byRag', rag];
    add([...at, 'decided'], 'count', [], 2);
    add([...at, 'withinTimescale'], 'count', [], 2);
    add(
      [...at, 'pctWithinTimescale'],
      'percent',
      [
        [...at, 'withinTimescale'],
        [...at, 'decided'],
      ],
      2,
    );
  }
  add(['timeliness', 'medianHoursToDecision'], 'hours', [['timeliness', 'decided']]);
  add(['timeliness', 'p90HoursToDecision'], 'hours', [['timeliness', 'decided']]);
  add(['timeliness', 'openOverdue'], 'count');

  // Agency responses
  for (const agency of AGENCIES) {
    const at = ['agencyResponses', agency];
    add([...at, 'requested'], 'count', [], 1);
    add([...at, 'answered'], 'count', [], 1);
    add([...at, 'onTime'], 'count', [], 1);
    add(
      [...at, 'pctOnTime'],
      'percent',
      [
        [...at, 'onTime'],
        [...at, 'requested'],
      ],
      1,
    );
    add([...at, 'medianHoursToRespond'], 'hours', [[...at, 'answered']], 1);
  }

  // Quality
  add(['quality', 'reReferrals'], 'count');
  add(['quality', 'reReferralRate'], 'percent', [
    ['quality', 'reReferrals'],
    ['volume', 'referrals'],
  ]);
  add(['quality', 'nfa'], 'count');
  add(['quality', 'nfaRate'], 'percent', [
    ['quality', 'nfa'],
    ['timeliness', 'decided'],
  ]);
  byCode(['quality', 'byOutcome'], OUTCOMES);
  byCode(['quality', 'decidedBySource'], SOURCE_CODES);
  byCode(['quality', 'nfaBySource'], SOURCE_CODES);
  for (const source of SOURCE_CODES) {
    add(
      ['quality', 'nfaRateBySource', source],
      'percent',
      [
        ['quality', 'nfaBySource', source],
        ['quality', 'decidedBySource', source],
      ],
      2,
    );
  }
  add(['quality', 'reRated'], 'count');
  add(['quality', 'pctReRated'], 'percent', [
    ['quality', 'reRated'],
    ['volume', 'referrals'],
  ]);

  // Confidence
  add(['confidence', 'responses'], 'count');
  add(['confidence', 'helpful'], 'count');
  add(['confidence', 'pctHelpful'], 'percent', [
    ['confidence', 'helpful'],
    ['confidence', 'responses'],
  ]);
  add(['confidence', 'meanRating'], 'mean', [['confidence', 'ratings']]);
  add(['confidence', 'ratings'], 'count');
  add(['confidence', 'toldOutcomeWithinOneWorkingDay'], 'count');
  add(['confidence', 'pctToldOutcomeWithinOneWorkingDay'], 'percent', [
    ['confidence', 'toldOutcomeWithinOneWorkingDay'],
    ['volume', 'referrals'],
  ]);
  return figures;
}

/** Every figure of the export, in the published (JSON and CSV) order. */
export const FIGURES: readonly Figure[] = Object.freeze(buildFigures());

export const FIGURES_BY_KEY: ReadonlyMap<string, Figure> = new Map(FIGURES.map((f) => [f.key, f]));

/** The distinct CSV measure names, in order. */
export const MEASURES: readonly string[] = Object.freeze([...new Set(FIGURES.map((f) => f.measure))]);

// ---------------------------------------------------------------------------------------------------------
// Reading and writing figures by path
// ---------------------------------------------------------------------------------------------------------

/** The value at a figure's path; throws when the export lacks it (a shape that drifted from this file). */
export function figureValue(exported: object, fig: Figure): unknown {
  let node: unknown = exported;
  for (const segment of fig.path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) {
      throw new TypeError(`the export has no figure ${fig.key}`);
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Builds the nested export object from figure values (keys in `FIGURES` order). */
export function exportFromFigures<C, R>(
  meta: Pick<BoardExport<C, R>, (typeof META_KEYS)[number]>,
  figureOf: (fig: Figure) => C | R,
): BoardExport<C, R> {
  const root: Record<string, unknown> = {
    period: meta.period,
    periodId: meta.periodId,
    periodStart: meta.periodStart,
    periodEnd: meta.periodEnd,
  };
  for (const fig of FIGURES) {
    let node = root;
    for (const segment of fig.path.slice(0, -1)) {
      if (!Object.hasOwn(node, segment)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[fig.path[fig.path.length - 1] as string] = figureOf(fig);
  }
  return root as unknown as BoardExport<C, R>;
}
