/** Small statistics helpers for the bench. */

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface Figure {
  value: number;
  target: string;
  /** null: reported beside a target figure, with no target of its own. */
  met: boolean | null;
  note?: string;
}

export function figure(value: number, comparator: '<=' | '>=', limit: number, note?: string): Figure {
  const met = Number.isFinite(value) && (comparator === '<=' ? value <= limit : value >= limit);
  return { value: round(value), target: `${comparator} ${limit}`, met, ...(note ? { note } : {}) };
}

/** A figure reported without a target (beside one that has a target, to explain it). */
export function reported(value: number, note?: string): Figure {
  return { value: round(value), target: 'none (reported)', met: null, ...(note ? { note } : {}) };
}

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
