/**
 * The board's export as published files: JSON (CONTRACT.md "The board's export") and CSV
 * (`measure,breakdown,value`, one row per figure).
 *
 * Both are written from the fixed figure list (`FIGURES`), never from the object's own keys, so:
 * - the key order is fixed and the bytes depend only on the figures (and `generatedAt`);
 * - nothing that is not a figure of the schema can reach a file (an extra property is ignored), and every
 *   value is checked: a count is a whole number ≥ 0 or "c" and never 1–5 (a raw export that skipped
 *   disclosure control is refused), a rate is a number, `null` or "c"; the header must be a real period
 *   with its own bounds.
 *
 * Numbers: counts as integers; percentages, hours and the mean rating always with one decimal (`75.0`,
 * valid JSON that reads as 75). `null` is JSON null and an empty CSV value; "c" is the string "c".
 */
import { stringify } from 'csv-stringify/sync';
import { isPrimarySuppressed } from './disclosure.ts';
import {
  FIGURES,
  type Figure,
  figureValue,
  type PublishedExport,
  SCHEMA_VERSION,
  SUPPRESSED,
} from './export-schema.ts';
import { isPeriodKind, periodBounds } from './periods.ts';

type Cell = number | null | typeof SUPPRESSED;

interface Header {
  schemaVersion: number;
  period: string;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  generatedAt?: string;
}

function header(published: PublishedExport, generatedAt: Date | string | undefined): Header {
  const { period, periodId, periodStart, periodEnd } = published;
  if (!isPeriodKind(period)) throw new TypeError(`unknown period kind "${String(period)}"`);
  const bounds = periodBounds(period, periodId);
  if (periodStart !== bounds.periodStart || periodEnd !== bounds.periodEnd) {
    throw new TypeError(
      `the bounds of ${period} ${periodId} are ${bounds.periodStart} to ${bounds.periodEnd}`,
    );
  }
  const result: Header = { schemaVersion: SCHEMA_VERSION, period, periodId, periodStart, periodEnd };
  if (generatedAt !== undefined) {
    const instant = generatedAt instanceof Date ? generatedAt : new Date(generatedAt);
    if (Number.isNaN(instant.getTime())) throw new TypeError('generatedAt must be a valid instant');
    result.generatedAt = instant.toISOString();
  }
  return result;
}

function cell(published: PublishedExport, fig: Figure): Cell {
  const value = figureValue(published, fig);
  if (value === SUPPRESSED) return value;
  if (fig.kind === 'count') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TypeError(`${fig.key} must be a whole number ≥ 0 or "c"`);
    }
    if (isPrimarySuppressed(value)) {
      throw new TypeError(`${fig.key} is ${value}: counts from 1 to 5 are never published`);
    }
    return value;
  }
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${fig.key} must be a number, null or "c"`);
  }
  return value;
}

function formatNumber(fig: Figure, value: number): string {
  return fig.kind === 'count' ? String(value) : (Object.is(value, -0) ? 0 : value).toFixed(1);
}

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

interface Branch {
  readonly children: Map<string, Branch | Figure>;
}

function isBranch(node: Branch | Figure): node is Branch {
  return 'children' in node;
}

const TREE: Branch = (() => {
  const root: Branch = { children: new Map() };
  for (const fig of FIGURES) {
    let node = root;
    for (const segment of fig.path.slice(0, -1)) {
      let next = node.children.get(segment);
      if (next === undefined) {
        next = { children: new Map() };
        node.children.set(segment, next);
      }
      node = next as Branch;
    }
    node.children.set(fig.path[fig.path.length - 1] as string, fig);
  }
  return root;
})();

function jsonValue(fig: Figure, value: Cell): string {
  if (value === null) return 'null';
  if (value === SUPPRESSED) return JSON.stringify(SUPPRESSED);
  return formatNumber(fig, value);
}

function writeBranch(published: PublishedExport, branch: Branch, indent: string): string {
  const inner = `${indent}  `;
  const lines = [...branch.children].map(([key, node]) => {
    const text = isBranch(node)
      ? writeBranch(published, node, inner)
      : jsonValue(node, cell(published, node));
    return `${inner}${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/**
 * The export as JSON text: `schemaVersion`, `period`, `periodId`, `periodStart`, `periodEnd`,
 * `generatedAt`, then `volume`, `timeliness`, `agencyResponses`, `quality`, `confidence`, each in the
 * fixed order of `FIGURES`; two-space indentation and a final newline.
 */
export function toJson(published: PublishedExport, generatedAt: Date | string): string {
  const head = header(published, generatedAt);
  const headLines = Object.entries(head).map(
    ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  const body = writeBranch(published, TREE, '');
  // `body` is "{\n  …\n}": splice the header lines in before its first member.
  return `{\n${headLines.join(',\n')},\n${body.slice(2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------------

const CSV_HEADER = ['measure', 'breakdown', 'value'] as const;

export interface FigureRow {
  measure: string;
  breakdown: string;
  value: string;
}

/**
 * The rows of the CSV, in the JSON's order: the header fields (`schemaVersion`, `period`, `periodId`,
 * `periodStart`, `periodEnd`, and `generatedAt` when given), then one row per figure.
 */
export function figureRows(published: PublishedExport, generatedAt?: Date | string): FigureRow[] {
  const rows: FigureRow[] = Object.entries(header(published, generatedAt)).map(([measure, value]) => ({
    measure,
    breakdown: '',
    value: String(value),
  }));
  for (const fig of FIGURES) {
    const value = cell(published, fig);
    rows.push({
      measure: fig.measure,
      breakdown: fig.breakdown,
      value: value === null ? '' : value === SUPPRESSED ? SUPPRESSED : formatNumber(fig, value),
    });
  }
  return rows;
}

/**
 * The export as CSV text (`measure,breakdown,value`, header row first, LF line ends), e.g.
 * `volume.referrals,,40`, `volume.bySource,2A,12`, `agencyResponses.pctOnTime,police,75.0`; `null` is an
 * empty value. Pass `generatedAt` to include it as a row, as in the JSON.
 */
export function toCsv(published: PublishedExport, generatedAt?: Date | string): string {
  const rows = figureRows(published, generatedAt).map((row) => [row.measure, row.breakdown, row.value]);
  return stringify([[...CSV_HEADER], ...rows], { record_delimiter: 'unix' });
}
