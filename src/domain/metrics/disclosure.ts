/**
 * Statistical disclosure control for the board's export (DOMAIN.md "Disclosure control").
 *
 * The rules, applied to the raw export in this order:
 *
 * 1. Primary suppression. Every count from 1 to 5 inclusive is replaced by "c". Zero stays 0 (a zero
 *    reveals no one, and an export must show the same keys every period).
 * 2. Secondary suppression, over the additive groups below. Each is an equation between published counts,
 *    `total (− the counts in minus) = Σ cells`. If exactly one of its members (the total, a count in
 *    minus, or a cell) is suppressed, it could be worked out from the others, so one more is suppressed:
 *    the smallest non-zero published cell (ties go to the cell that comes first in the fixed code order of
 *    the breakdown, so the result never depends on the input's order); if no cell is left to suppress, the
 *    total (or a count in minus). A group whose total is suppressed by rule 1 always has at least two
 *    suppressed members (its non-zero cells are all ≤ 5, so all suppressed), so it needs nothing more, as
 *    DOMAIN.md says; its cells stay primary-suppressed. Groups share counts (`timeliness.decided` is the
 *    total of four groups; NFA and ADULT_NFA sit in two), so the groups are gone through again, in their
 *    fixed order, until none changes.
 * 3. Linked groups. Groups that share counts can together reveal a count that no group reveals alone
 *    (e.g. decided − nfa − the published non-NFA outcomes). After rule 2, the equations of all groups are
 *    solved as one linear system (reduced row echelon form over the suppressed counts); while any
 *    suppressed count is determined by it, one more count is suppressed: the smallest non-zero published
 *    cell (cells before totals; ties in group order) whose suppression leaves that count undetermined, and
 *    rules 2 and 3 run again.
 *    With the groups below, rule 2 alone already leaves nothing determined (the difference group makes the
 *    known linked case explicit); rule 3 is the safety net, and the tests check it independently.
 * 4. Rates. A percentage, a median or 90th percentile of hours, or the mean rating is "c" whenever a count
 *    it is computed from is "c" (see `Figure.basis`: its numerator and denominator, or the count of values
 *    it is taken over). A rate whose denominator is 0 stays `null` (undefined, not withheld).
 *
 * Non-additive breakdowns get rule 1 only: `volume.byCategory` (a referral counts once in each of its
 * categories), and the agency figures (`requested`, `answered`, `onTime` are nested, not parts of a
 * published total; no total over agencies is published).
 *
 * Known limit (as in most published statistics that suppress small cells): because zero is shown as 0,
 * "c" means "at least 1", so bounds can sometimes be inferred (two suppressed cells that must add up to 2
 * are both 1). The rules above protect against exact derivation by addition and subtraction.
 */
import { OUTCOMES, SOURCE_CODES, SUBJECT_TYPES } from '../codes.ts';
import {
  exportFromFigures,
  FIGURES,
  FIGURES_BY_KEY,
  type Figure,
  figureValue,
  type PublishedExport,
  RAG_KEYS,
  type RawExport,
  SUPPRESSED,
} from './export-schema.ts';

/** Counts from 1 to this inclusive are suppressed. */
export const SUPPRESSION_THRESHOLD = 5;

/** A published equation `total − Σ minus = Σ cells`, by figure keys (see `FIGURES`). */
export interface AdditiveGroup {
  readonly name: string;
  readonly description: string;
  readonly total: string;
  /** Counts subtracted from the total (a difference group); usually none. */
  readonly minus?: readonly string[];
  /** In the fixed order that breaks ties. */
  readonly cells: readonly string[];
}

const NFA_KEYS = ['quality.byOutcome.NFA', 'quality.byOutcome.ADULT_NFA'];

const keys = (prefix: string, codes: readonly string[], suffix = ''): string[] =>
  codes.map((code) => `${prefix}.${code}${suffix}`);

/** Every additive group of the export and the total it adds up to. */
export const ADDITIVE_GROUPS: readonly AdditiveGroup[] = Object.freeze([
  {
    name: 'volume.bySource',
    description: 'referrals by source add up to volume.referrals',
    total: 'volume.referrals',
    cells: keys('volume.bySource', SOURCE_CODES),
  },
  {
    name: 'volume.byRag',
    description: 'referrals by rating (red, amber, green, unrated) add up to volume.referrals',
    total: 'volume.referrals',
    cells: keys('volume.byRag', RAG_KEYS),
  },
  {
    name: 'volume.bySubjectType',
    description: 'referrals by subject type (child, adult) add up to volume.referrals',
    total: 'volume.referrals',
    cells: keys('volume.bySubjectType', SUBJECT_TYPES),
  },
  {
    name: 'timeliness.byRag.decided',
    description: 'decisions by rating add up to timeliness.decided',
    total: 'timeliness.decided',
    cells: keys('timeliness.byRag', RAG_KEYS, '.decided'),
  },
  {
    name: 'timeliness.byRag.withinTimescale',
    description: 'decisions within timescale by rating add up to timeliness.withinTimescale',
    total: 'timeliness.withinTimescale',
    cells: keys('timeliness.byRag', RAG_KEYS, '.withinTimescale'),
  },
  {
    name: 'quality.byOutcome',
    description: 'decisions by outcome add up to timeliness.decided',
    total: 'timeliness.decided',
    cells: keys('quality.byOutcome', OUTCOMES),
  },
  {
    name: 'quality.byOutcome.nfa',
    description: 'the NFA and ADULT_NFA outcomes add up to quality.nfa',
    total: 'quality.nfa',
    cells: NFA_KEYS,
  },
  {
    name: 'quality.byOutcome.other',
    description: 'the outcomes other than NFA and ADULT_NFA add up to timeliness.decided − quality.nfa',
    total: 'timeliness.decided',
    minus: ['quality.nfa'],
    cells: keys('quality.byOutcome', OUTCOMES).filter((key) => !NFA_KEYS.includes(key)),
  },
  {
    name: 'quality.decidedBySource',
    description: 'decisions by source add up to timeliness.decided',
    total: 'timeliness.decided',
    cells: keys('quality.decidedBySource', SOURCE_CODES),
  },
  {
    name: 'quality.nfaBySource',
    description: 'NFA decisions by source add up to quality.nfa',
    total: 'quality.nfa',
    cells: keys('quality.nfaBySource', SOURCE_CODES),
  },
]);

/** Breakdowns that do not add up to a published total: primary suppression only. */
export const NON_ADDITIVE_BREAKDOWNS: readonly { name: string; reason: string }[] = Object.freeze([
  {
    name: 'volume.byCategory',
    reason: 'a referral counts once in each of its concern categories, so the categories do not add up',
  },
  {
    name: 'agencyResponses',
    reason:
      'requested, answered and on time are nested counts per agency, and no total over agencies is published',
  },
]);

/** Whether rule 1 suppresses a count. */
export function isPrimarySuppressed(count: number): boolean {
  return count >= 1 && count <= SUPPRESSION_THRESHOLD;
}

function membersOf(group: AdditiveGroup): string[] {
  return [group.total, ...(group.minus ?? []), ...group.cells];
}

/**
 * The keys of the suppressed counts (those in some group) that the groups' equations, solved together,
 * determine, in the order of `order`. Reduced row echelon form over the suppressed counts: a count is
 * determined exactly when some row of the reduced form has it as its only non-zero entry.
 */
export function determinedCounts(
  suppressed: ReadonlySet<string>,
  groups: readonly AdditiveGroup[] = ADDITIVE_GROUPS,
): string[] {
  const unknowns: string[] = [];
  for (const group of groups) {
    for (const key of membersOf(group))
      if (suppressed.has(key) && !unknowns.includes(key)) unknowns.push(key);
  }
  const column = new Map(unknowns.map((key, index) => [key, index]));
  const rows = groups.map((group) => {
    const row = new Array<number>(unknowns.length).fill(0);
    const add = (key: string, coefficient: number): void => {
      const index = column.get(key);
      if (index !== undefined) row[index] = (row[index] as number) + coefficient;
    };
    add(group.total, 1);
    for (const key of group.minus ?? []) add(key, -1);
    for (const key of group.cells) add(key, -1);
    return row;
  });
  const EPSILON = 1e-9;
  let pivotRow = 0;
  for (let col = 0; col < unknowns.length && pivotRow < rows.length; col++) {
    let best = -1;
    for (let r = pivotRow; r < rows.length; r++) {
      if (Math.abs((rows[r] as number[])[col] as number) > EPSILON) {
        best = r;
        break;
      }
    }
    if (best < 0) continue;
    [rows[pivotRow], rows[best]] = [rows[best] as number[], rows[pivotRow] as number[]];
    const pivot = rows[pivotRow] as number[];
    const scale = pivot[col] as number;
    for (let c = 0; c < pivot.length; c++) pivot[c] = (pivot[c] as number) / scale;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as number[];
      const factor = row[col] as number;
      if (r === pivotRow || Math.abs(factor) <= EPSILON) continue;
      for (let c = 0; c < row.length; c++) row[c] = (row[c] as number) - factor * (pivot[c] as number);
    }
    pivotRow++;
  }
  const determined = new Set<string>();
  for (const row of rows) {
    const nonZero = row.flatMap((value, index) => (Math.abs(value) > EPSILON ? [index] : []));
    if (nonZero.length === 1) determined.add(unknowns[nonZero[0] as number] as string);
  }
  return unknowns.filter((key) => determined.has(key));
}

/**
 * Rules 1 to 3 over any set of counts and additive groups: the keys of the counts to publish as "c".
 * Deterministic: depends only on the counts and the order of `groups` and their cells.
 */
export function suppressCounts(
  counts: ReadonlyMap<string, number>,
  groups: readonly AdditiveGroup[] = ADDITIVE_GROUPS,
): Set<string> {
  const value = (key: string): number => {
    const v = counts.get(key);
    if (v === undefined) throw new TypeError(`no count ${key}`);
    return v;
  };
  const suppressed = new Set<string>();
  for (const [key, count] of counts) if (isPrimarySuppressed(count)) suppressed.add(key);

  /** The smallest non-zero published cell of the group, else its first non-zero published total. */
  const nextToSuppress = (group: AdditiveGroup): string | undefined => {
    let pick: string | undefined;
    for (const cell of group.cells) {
      if (suppressed.has(cell) || value(cell) === 0) continue;
      if (pick === undefined || value(cell) < value(pick)) pick = cell;
    }
    return pick ?? [group.total, ...(group.minus ?? [])].find((k) => !suppressed.has(k) && value(k) > 0);
  };

  for (;;) {
    // Rule 2, to a fixed point.
    for (let changed = true; changed; ) {
      changed = false;
      for (const group of groups) {
        if (membersOf(group).filter((key) => suppressed.has(key)).length !== 1) continue;
        const pick = nextToSuppress(group);
        if (pick !== undefined) {
          suppressed.add(pick);
          changed = true;
        }
      }
    }
    // Rule 3.
    const [exposed] = determinedCounts(suppressed, groups);
    if (exposed === undefined) return suppressed;
    suppressed.add(protectorOf(exposed));
  }

  /**
   * What to suppress so that `exposed` can no longer be worked out: among the non-zero published members
   * of all groups, cells before totals, smallest first, ties in group order, the first whose suppression
   * leaves `exposed` undetermined; if no single one does, the first of them (and rule 3 runs again).
   */
  function protectorOf(exposed: string): string {
    const cells = new Set(groups.flatMap((group) => group.cells));
    const candidates: string[] = [];
    for (const group of groups) {
      for (const key of membersOf(group)) {
        if (!suppressed.has(key) && value(key) > 0 && !candidates.includes(key)) candidates.push(key);
      }
    }
    const rank = (key: string): number => (cells.has(key) ? 0 : 1);
    candidates.sort((a, b) => rank(a) - rank(b) || value(a) - value(b));
    const protects = candidates.find(
      (key) => !determinedCounts(new Set([...suppressed, key]), groups).includes(exposed),
    );
    const pick = protects ?? candidates[0];
    if (pick === undefined) throw new Error(`cannot protect ${exposed}: the counts do not add up`);
    return pick;
  }
}

function rawCount(raw: RawExport, fig: Figure): number {
  const value = figureValue(raw, fig);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${fig.key} must be a whole number ≥ 0`);
  }
  return value;
}

function rawRate(raw: RawExport, fig: Figure): number | null {
  const value = figureValue(raw, fig);
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new TypeError(`${fig.key} must be a finite number or null`);
  }
  return value;
}

/** The published export: the raw export after rules 1 to 3. */
export function applyDisclosureControl(raw: RawExport): PublishedExport {
  const counts = new Map<string, number>();
  for (const fig of FIGURES) if (fig.kind === 'count') counts.set(fig.key, rawCount(raw, fig));
  const suppressed = suppressCounts(counts);

  return exportFromFigures<PublishedExport['volume']['referrals'], PublishedExport['quality']['nfaRate']>(
    raw,
    (fig) => {
      if (fig.kind === 'count') return suppressed.has(fig.key) ? SUPPRESSED : (counts.get(fig.key) as number);
      const value = rawRate(raw, fig);
      if (value === null) return null;
      for (const basis of fig.basis) {
        if (!FIGURES_BY_KEY.has(basis)) throw new TypeError(`${fig.key} is computed from unknown ${basis}`);
        if (suppressed.has(basis)) return SUPPRESSED;
      }
      return value;
    },
  ) as PublishedExport;
}
