/**
 * The board dashboard's charts: inline SVG built by small pure functions (scales, ticks, bars, lines),
 * and the data table each chart carries, built from the same `ChartData` so the two cannot disagree.
 *
 * Published figures are numbers, `"c"` (suppressed by disclosure control) or `null` (nothing to measure).
 * Neither of the last two is ever drawn as zero: a line breaks, a bar is left out, and the chart's
 * description and the notes under it say where. Colour is never the only cue: each series also has its
 * own fill pattern or marker shape and dash, and lines are labelled directly.
 *
 * Styling is by class only (views/assets/app.css): the pages' CSP allows no inline styles. Every label is
 * escaped for XML, so a label can never break out of the SVG.
 */

/** A published figure: a number, suppressed (`"c"`), or no data (`null`). */
export type Datum = number | null | 'c';

const SUPPRESSED_TEXT = 'c';
const NO_DATA_TEXT = '–';

export type Unit = 'count' | 'percent' | 'rating';

export interface Category {
  key: string;
  /** In full, for tables and descriptions: `October 2026`. */
  label: string;
  /** Under the x axis, one string per line: `['Oct', '2026']`. */
  tick: readonly string[];
}

export interface Series {
  key: string;
  label: string;
  /** A shorter label for direct labels at the end of a line. */
  short?: string;
  /** A fixed colour (`black`, `red`, `amber`, `green`) instead of the series' place in the palette. */
  tone?: 'black' | 'red' | 'amber' | 'green';
  /** One value per category, in category order. */
  values: readonly Datum[];
  /**
   * Per category: the number is only the published part of a sum some of whose cells were suppressed
   * (a lower bound), shown as `12 + c`.
   */
  partial?: readonly boolean[];
}

interface ReferenceLine {
  value: number;
  label: string;
}

export interface ChartData {
  /** Unique on the page; letters, digits and hyphens (it prefixes element ids). */
  id: string;
  title: string;
  /** What the chart shows, in a sentence or two; the notes on gaps are added to it. */
  description: string;
  unit: Unit;
  /** The table's first column heading: `Period`, `Agency`. */
  categoryHeader: string;
  categories: readonly Category[];
  series: readonly Series[];
  referenceLines?: readonly ReferenceLine[];
  /** What one figure is drawn as, for the notes on gaps; by default bars for counts, points otherwise. */
  mark?: 'bar' | 'point';
  /** The value axis; by default 0–100 for percentages, 0–5 for ratings, and nice ticks for counts. */
  domain?: readonly [number, number];
  /** For stacked bars: the published total of each category, written above its bar and in the table. */
  total?: { label: string; values: readonly Datum[] };
}

// ---------------------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------------------

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!);
}

/** Ids and class suffixes built from keys: anything outside [a-z0-9-] becomes `-`. */
function safeId(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

function isPlotted(value: Datum): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function formatNumber(value: number, unit: Unit): string {
  switch (unit) {
    case 'percent':
      return `${value.toFixed(1)}%`;
    case 'rating':
      return value.toFixed(1);
    default:
      return Math.round(value).toLocaleString('en-GB');
  }
}

/** How a figure is written in a table and on a chart: `85.0%`, `1,204`, `c`, `–`, `12 + c`. */
export function formatDatum(value: Datum, unit: Unit, partial = false): string {
  if (value === 'c') return SUPPRESSED_TEXT;
  if (!isPlotted(value)) return NO_DATA_TEXT;
  if (partial) return value === 0 ? SUPPRESSED_TEXT : `${formatNumber(value, unit)} + c`;
  return formatNumber(value, unit);
}

/** Screen-reader words for what a figure is when it is not a plain number. */
function hiddenMeaning(value: Datum, partial: boolean): string | undefined {
  if (value === 'c') return ' (suppressed)';
  if (!isPlotted(value)) return ' (no data)';
  if (partial) return value === 0 ? ' (suppressed)' : ' (at least; includes suppressed counts)';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Scales and ticks
// ---------------------------------------------------------------------------------------------------------

export type Scale = (value: number) => number;

/** Maps `domain` linearly onto `range` (a reversed range draws upwards, as a y axis does). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

export interface Band {
  start: number;
  width: number;
  centre: number;
}

/** `count` equal bands across `range`, each with `padding` (a fraction of its step) left empty. */
export function bandScale(
  count: number,
  range: readonly [number, number],
  padding = 0.2,
): (index: number) => Band {
  const step = count > 0 ? (range[1] - range[0]) / count : 0;
  const width = step * (1 - padding);
  return (index) => {
    const start = range[0] + index * step + (step - width) / 2;
    return { start, width, centre: start + width / 2 };
  };
}

const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/**
 * Axis ticks from 0 to a "nice" maximum at or above `max`, with about `count` steps of 1, 2, 2.5 or 5
 * times a power of ten (whole steps only when `integer`). An empty or zero maximum gives [0, 1].
 */
export function niceTicks(max: number, options: { count?: number; integer?: boolean } = {}): number[] {
  const count = options.count ?? 5;
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const multiples = options.integer && magnitude < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = (multiples.find((m) => residual <= m + 1e-9) ?? 10) * magnitude;
  if (options.integer) step = Math.max(1, Math.round(step));
  const steps = Math.ceil(top / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, index) => round(index * step, 6));
}

/** The value axis of a chart: its fixed domain, or 0–100 / 0–5, or nice ticks over the largest value. */
function valueTicks(data: ChartData, largest: number): number[] {
  if (data.domain) {
    const [low, high] = data.domain;
    const ticks = niceTicks(high - low, { count: 5, integer: data.unit === 'count' });
    return ticks.map((t) => round(low + t, 6)).filter((t) => t <= high + 1e-9);
  }
  if (data.unit === 'percent') return [0, 20, 40, 60, 80, 100];
  if (data.unit === 'rating') return [0, 1, 2, 3, 4, 5];
  return niceTicks(largest, { count: 5, integer: true });
}

// ---------------------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------------------

export interface Point {
  x: number;
  y: number;
}

/** Splits a line at its missing points: each run of consecutive points is drawn on its own. */
export function lineSegments(points: readonly (Point | null)[]): Point[][] {
  const segments: Point[][] = [];
  let current: Point[] = [];
  for (const point of points) {
    if (point) {
      current.push(point);
    } else if (current.length > 0) {
      segments.push(current);
      current = [];
    }
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

function pathData(points: readonly Point[]): string {
  return points.map((p, index) => `${index === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join('');
}

/**
 * Moves label positions apart so no two are closer than `minGap`, keeping them within [low, high]
 * where there is room; returns them in the order given.
 */
export function spreadLabels(
  positions: readonly number[],
  minGap: number,
  low: number,
  high: number,
): number[] {
  const order = positions
    .map((position, index) => ({ position, index }))
    .sort((a, b) => a.position - b.position);
  const placed = order.map((o) => Math.min(Math.max(o.position, low), high));
  for (let k = 1; k < placed.length; k++) {
    placed[k] = Math.max(placed[k]!, placed[k - 1]! + minGap);
  }
  const last = placed.length - 1;
  if (last >= 0 && placed[last]! > high) {
    placed[last] = high;
    for (let k = last - 1; k >= 0; k--) placed[k] = Math.min(placed[k]!, placed[k + 1]! - minGap);
  }
  const result = new Array<number>(positions.length);
  order.forEach((o, k) => {
    result[o.index] = round(placed[k]!);
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Gaps, descriptions and tables
// ---------------------------------------------------------------------------------------------------------

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** One sentence per series that is not fully drawn: where it has no point or bar, and why. */
export function gapNotes(data: ChartData): string[] {
  const notes: string[] = [];
  const shape = data.mark ?? (data.unit === 'count' ? 'bar' : 'point');
  const noun = data.categoryHeader.toLowerCase();
  for (const series of data.series) {
    const suppressed: string[] = [];
    const missing: string[] = [];
    const partial: string[] = [];
    data.categories.forEach((category, index) => {
      const value = series.values[index] ?? null;
      if (value === 'c' || (isPlotted(value) && value === 0 && series.partial?.[index])) {
        suppressed.push(category.label);
      } else if (!isPlotted(value)) {
        missing.push(category.label);
      } else if (series.partial?.[index]) {
        partial.push(category.label);
      }
    });
    const mark = data.series.length > 1 ? `${series.label}: ` : '';
    const all = data.categories.length;
    if (all > 1 && suppressed.length === all) {
      notes.push(`${mark}nothing drawn: suppressed in every ${noun} shown.`);
    } else if (all > 1 && missing.length === all) {
      notes.push(`${mark}nothing drawn: no data in any ${noun} shown.`);
    } else if (suppressed.length + missing.length > 0) {
      const reasons = [
        ...(suppressed.length > 0 ? [`${listInWords(suppressed)} (suppressed)`] : []),
        ...(missing.length > 0 ? [`${listInWords(missing)} (no data)`] : []),
      ];
      notes.push(`${mark}no ${shape} for ${reasons.join(', or for ')}.`);
    }
    if (partial.length > 0) {
      notes.push(
        `${mark}${listInWords(partial)} include${partial.length === 1 ? 's' : ''} suppressed counts; only the published part is drawn.`,
      );
    }
  }
  return notes;
}

export function describeChart(data: ChartData): string {
  const notes = gapNotes(data);
  const gaps = notes.length > 0 ? ` Not drawn: ${notes.join(' ')}` : ' Every figure is drawn.';
  return `${data.description}${gaps} The table with this chart gives every figure.`;
}

interface TableCell {
  text: string;
  /** Read by screen readers after the text: what "c", "–" or "+ c" means. */
  hidden?: string;
}

export interface TableView {
  id: string;
  caption: string;
  head: string[];
  rows: { header: string; cells: TableCell[] }[];
  hasSuppressed: boolean;
  hasMissing: boolean;
  hasPartial: boolean;
}

function tableCell(value: Datum, unit: Unit, partial = false): TableCell {
  const hidden = hiddenMeaning(value, partial);
  return { text: formatDatum(value, unit, partial), ...(hidden ? { hidden } : {}) };
}

/** The chart's figures as a table: one row per category, one column per series (and the total). */
export function chartTable(data: ChartData): TableView {
  const head = [data.categoryHeader, ...data.series.map((s) => s.label)];
  if (data.total) head.push(data.total.label);
  const rows = data.categories.map((category, index) => {
    const cells = data.series.map((s) => tableCell(s.values[index] ?? null, data.unit, s.partial?.[index]));
    if (data.total) cells.push(tableCell(data.total.values[index] ?? null, 'count'));
    return { header: category.label, cells };
  });
  const texts = rows.flatMap((row) => row.cells.map((cell) => cell.text));
  return {
    id: `${data.id}-table`,
    caption: data.title,
    head,
    rows,
    hasSuppressed: texts.some((t) => t === SUPPRESSED_TEXT || t.endsWith(' + c')),
    hasMissing: texts.includes(NO_DATA_TEXT),
    hasPartial: texts.some((t) => t.endsWith(' + c')),
  };
}

// ---------------------------------------------------------------------------------------------------------
// SVG pieces
// ---------------------------------------------------------------------------------------------------------

/** Series styles cycle through this many classes (app-chart__series--0 … --7). */
const SERIES_STYLES = 8;

const HATCHES: readonly string[] = [
  '',
  '<path class="app-chart__hatch" d="M-2,2L2,-2M0,8L8,0M6,10L10,6"/>',
  '<circle class="app-chart__dot" cx="4" cy="4" r="1.6"/>',
  '<path class="app-chart__hatch" d="M0,4H8"/>',
  '<path class="app-chart__hatch" d="M4,0V8"/>',
  '<path class="app-chart__hatch" d="M0,0L8,8M8,0L0,8"/>',
  '<path class="app-chart__hatch" d="M-2,6L2,10M0,0L8,8M6,-2L10,2"/>',
  '<path class="app-chart__hatch" d="M0,4H8M4,0V8"/>',
];

function patternDefs(id: string, count: number): string {
  const patterns: string[] = [];
  for (let index = 0; index < Math.min(count, SERIES_STYLES); index++) {
    const hatch = HATCHES[index]!;
    if (!hatch) continue;
    patterns.push(
      `<pattern id="${id}-pattern-${index}" width="8" height="8" patternUnits="userSpaceOnUse">${hatch}</pattern>`,
    );
  }
  return patterns.length > 0 ? `<defs>${patterns.join('')}</defs>` : '';
}

/** The colour class of a series: its tone, or its place in the palette. */
function colourClass(series: Pick<Series, 'tone'> | undefined, index: number): string {
  return series?.tone ? `app-chart__tone--${series.tone}` : `app-chart__series--${index % SERIES_STYLES}`;
}

/** A filled rectangle in a series' colour with its pattern over it. */
function patternedRect(
  id: string,
  colour: string,
  styleIndex: number,
  x: number,
  y: number,
  width: number,
  height: number,
) {
  const box = `x="${round(x)}" y="${round(y)}" width="${round(Math.max(width, 0))}" height="${round(Math.max(height, 0))}"`;
  const style = styleIndex % SERIES_STYLES;
  const overlay = HATCHES[style]
    ? `<rect class="app-chart__overlay" ${box} fill="url(#${id}-pattern-${style})"/>`
    : '';
  return `<rect class="app-chart__bar ${colour}" ${box}/>${overlay}`;
}

/** A marker: circle, square, triangle or diamond by series. */
function marker(colour: string, styleIndex: number, x: number, y: number, size = 4.5): string {
  const cls = `app-chart__marker ${colour}`;
  const [cx, cy, s] = [round(x), round(y), size];
  switch (styleIndex % 4) {
    case 1:
      return `<rect class="${cls}" x="${round(cx - s)}" y="${round(cy - s)}" width="${2 * s}" height="${2 * s}"/>`;
    case 2:
      return `<path class="${cls}" d="M${cx},${round(cy - s * 1.2)}L${round(cx + s * 1.1)},${round(cy + s * 0.9)}L${round(cx - s * 1.1)},${round(cy + s * 0.9)}Z"/>`;
    case 3:
      return `<path class="${cls}" d="M${cx},${round(cy - s * 1.3)}L${round(cx + s * 1.3)},${cy}L${cx},${round(cy + s * 1.3)}L${round(cx - s * 1.3)},${cy}Z"/>`;
    default:
      return `<circle class="${cls}" cx="${cx}" cy="${cy}" r="${s}"/>`;
  }
}

/** The group every figure of a chart sits in, whether or not it is drawn: tests read it back. */
function datum(series: string, category: string, label: string, tooltip: string, content: string): string {
  return (
    `<g class="app-chart__datum" data-series="${escapeXml(series)}" data-category="${escapeXml(category)}" ` +
    `data-label="${escapeXml(label)}"><title>${escapeXml(tooltip)}</title>${content}</g>`
  );
}

function svgOpen(data: ChartData, id: string, title: string, width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__svg" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(describeChart(data))}</desc>`
  );
}

function multiline(x: number, y: number, lines: readonly string[], cls: string, anchor = 'middle'): string {
  const spans = lines
    .map(
      (line, index) => `<tspan x="${round(x)}" dy="${index === 0 ? 0 : '1.15em'}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  return `<text class="${cls}" x="${round(x)}" y="${round(y)}" text-anchor="${anchor}">${spans}</text>`;
}

function tickLabel(value: number, unit: Unit): string {
  if (unit === 'percent') return `${value}%`;
  if (unit === 'count') return value.toLocaleString('en-GB');
  return String(value);
}

interface Frame {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Horizontal grid lines with their value labels, and the baseline. */
function valueAxisY(ticks: readonly number[], y: Scale, frame: Frame, unit: Unit): string {
  const parts = ticks.map(
    (tick) =>
      `<line class="app-chart__grid" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${round(y(tick))}" y2="${round(y(tick))}"/>` +
      `<text class="app-chart__tick" x="${frame.left - 8}" y="${round(y(tick) + 4)}" text-anchor="end">${escapeXml(tickLabel(tick, unit))}</text>`,
  );
  const base = round(y(ticks[0] ?? 0));
  parts.push(
    `<line class="app-chart__axis" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${base}" y2="${base}"/>`,
  );
  return parts.join('');
}

/** Dashed reference lines across the plot; labelled inside it unless the labels go in the margin. */
function referenceLinesY(
  lines: readonly ReferenceLine[],
  y: Scale,
  frame: Frame,
  labelInside: boolean,
): string {
  return lines
    .map((line) => {
      const at = round(y(line.value));
      const label = labelInside
        ? `<text class="app-chart__reference-label" x="${frame.left + 6}" y="${round(at - 5)}">${escapeXml(line.label)}</text>`
        : '';
      return `<g class="app-chart__reference"><line class="app-chart__reference-line" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${at}" y2="${at}"/>${label}</g>`;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------------------

export interface LineChartOptions {
  width?: number;
  height?: number;
  /** A small multiple: fewer ticks, first and last category only, no direct labels. */
  compact?: boolean;
  /** Overrides the id and title (small multiples draw one series of a larger `ChartData`). */
  id?: string;
  title?: string;
}

/** Lines over the categories, broken where a figure is "c" or null, with reference lines and direct labels. */
export function renderLineChart(data: ChartData, options: LineChartOptions = {}): string {
  const compact = options.compact ?? false;
  const frame: Frame = compact
    ? { width: options.width ?? 260, height: options.height ?? 150, top: 14, right: 14, bottom: 34, left: 44 }
    : {
        width: options.width ?? 800,
        height: options.height ?? 320,
        top: 24,
        right: 220,
        bottom: 52,
        left: 60,
      };
  const id = options.id ?? data.id;
  const plotted = data.series.flatMap((s) => s.values.filter(isPlotted));
  const refs = data.referenceLines ?? [];
  const ticks =
    compact && data.unit === 'percent'
      ? [0, 50, 100]
      : valueTicks(data, Math.max(0, ...plotted, ...refs.map((r) => r.value)));
  const y = linearScale([ticks[0]!, ticks[ticks.length - 1]!], [frame.height - frame.bottom, frame.top]);
  const band = bandScale(data.categories.length, [frame.left, frame.width - frame.right], 0);
  const baseline = frame.height - frame.bottom;

  const xTicks = data.categories
    .map((category, index) => {
      if (compact && index !== 0 && index !== data.categories.length - 1) return '';
      return multiline(band(index).centre, baseline + 18, category.tick, 'app-chart__tick');
    })
    .join('');

  const lines: string[] = [];
  const points: string[] = [];
  const ends: { series: number; y: number }[] = [];
  const nothingDrawn = plotted.length === 0;
  data.series.forEach((series, seriesIndex) => {
    const colour = colourClass(series, seriesIndex);
    const positions = data.categories.map((_, index) => {
      const value = series.values[index] ?? null;
      return isPlotted(value) ? { x: band(index).centre, y: y(value) } : null;
    });
    for (const segment of lineSegments(positions)) {
      lines.push(
        `<path class="app-chart__line ${colour} app-chart__dash--${seriesIndex % 4}" d="${pathData(segment)}"/>`,
      );
    }
    data.categories.forEach((category, index) => {
      const value = series.values[index] ?? null;
      const label = formatDatum(value, data.unit, series.partial?.[index]);
      const tooltip = `${series.label}, ${category.label}: ${label === NO_DATA_TEXT ? 'no data' : label}`;
      const point = positions[index];
      let content = '';
      if (point) {
        content = marker(colour, seriesIndex, point.x, point.y, compact ? 3.5 : 4.5);
      } else if (data.series.length === 1 && !nothingDrawn) {
        // One line: mark the gap on the baseline, in words.
        const text = value === 'c' ? SUPPRESSED_TEXT : compact ? NO_DATA_TEXT : 'no data';
        content = `<text class="app-chart__gap" x="${round(band(index).centre)}" y="${round(baseline - 6)}" text-anchor="middle">${escapeXml(text)}</text>`;
      }
      points.push(datum(series.key, category.key, label, tooltip, content));
    });
    const last = positions.findLastIndex((p) => p !== null);
    if (last >= 0) ends.push({ series: seriesIndex, y: positions[last]!.y });
  });

  // Direct labels and the reference lines' labels share the right margin, spread so none overlap.
  let labels = '';
  if (!compact) {
    const entries = [
      ...ends.map((end) => ({ y: end.y, series: end.series as number | undefined, text: '' })),
      ...refs.map((ref) => ({ y: y(ref.value), series: undefined, text: ref.label })),
    ];
    const placed = spreadLabels(
      entries.map((e) => e.y),
      18,
      frame.top,
      baseline,
    );
    const x = frame.width - frame.right + 14;
    labels = entries
      .map((entry, k) => {
        const at = placed[k]!;
        if (entry.series === undefined) {
          return (
            `<g class="app-chart__reference-key"><line class="app-chart__reference-line" x1="${x - 8}" x2="${x + 6}" y1="${at}" y2="${at}"/>` +
            `<text class="app-chart__reference-label" x="${x + 12}" y="${round(at + 4)}">${escapeXml(entry.text)}</text></g>`
          );
        }
        const series = data.series[entry.series]!;
        return (
          `<g class="app-chart__direct-label">${marker(colourClass(series, entry.series), entry.series, x, at, 4)}` +
          `<text class="app-chart__label" x="${x + 12}" y="${round(at + 4)}">${escapeXml(series.short ?? series.label)}</text></g>`
        );
      })
      .join('');
  }
  const empty = nothingDrawn
    ? `<text class="app-chart__empty" x="${round((frame.left + frame.width - frame.right) / 2)}" y="${round(frame.top + (baseline - frame.top) * 0.3 + 4)}" text-anchor="middle">${compact ? 'Nothing to draw' : 'Nothing to draw: see the table'}</text>`
    : '';

  return (
    svgOpen(data, id, options.title ?? data.title, frame.width, frame.height) +
    valueAxisY(ticks, y, frame, data.unit) +
    referenceLinesY(refs, y, frame, compact) +
    xTicks +
    `<g class="app-chart__lines">${lines.join('')}</g>` +
    `<g class="app-chart__points">${points.join('')}</g>` +
    labels +
    empty +
    '</svg>'
  );
}

/** Small multiples: one compact line chart per series, each titled by its series. */
export function renderSmallMultiples(data: ChartData): { key: string; label: string; svg: string }[] {
  return data.series.map((series) => {
    const single: ChartData = {
      ...data,
      series: [series],
      description: `${series.label}. ${data.description}`,
    };
    return {
      key: series.key,
      label: series.label,
      svg: renderLineChart(single, {
        compact: true,
        id: `${data.id}-${safeId(series.key)}`,
        title: `${series.label}: ${data.title}`,
      }),
    };
  });
}

/** Stacked vertical bars, one per category, a patterned segment per series, the total written on top. */
export function renderStackedBarChart(data: ChartData): string {
  const frame: Frame = { width: 760, height: 360, top: 24, right: 220, bottom: 52, left: 60 };
  const stacks = data.categories.map((_, index) =>
    data.series.reduce(
      (sum, s) => sum + (isPlotted(s.values[index] ?? null) ? (s.values[index] as number) : 0),
      0,
    ),
  );
  const totals = data.total?.values.filter(isPlotted) ?? [];
  const ticks = valueTicks(data, Math.max(0, ...stacks, ...totals));
  const y = linearScale([0, ticks[ticks.length - 1]!], [frame.height - frame.bottom, frame.top]);
  const band = bandScale(data.categories.length, [frame.left, frame.width - frame.right], 0.3);
  const baseline = frame.height - frame.bottom;

  const bars: string[] = [];
  data.categories.forEach((category, index) => {
    const { start, width, centre } = band(index);
    let top = baseline;
    data.series.forEach((series, seriesIndex) => {
      const value = series.values[index] ?? null;
      const label = formatDatum(value, data.unit, series.partial?.[index]);
      const tooltip = `${series.label}, ${category.label}: ${label === NO_DATA_TEXT ? 'no data' : label}`;
      let content = '';
      if (isPlotted(value) && value > 0) {
        const height = baseline - y(value);
        top -= height;
        content = patternedRect(
          data.id,
          colourClass(series, seriesIndex),
          seriesIndex,
          start,
          top,
          width,
          height,
        );
      }
      bars.push(datum(series.key, category.key, label, tooltip, content));
    });
    if (data.total) {
      const value = data.total.values[index] ?? null;
      const label = formatDatum(value, 'count');
      const text = value === null ? 'no data' : label;
      bars.push(
        datum(
          'total',
          category.key,
          label,
          `${data.total.label}, ${category.label}: ${text}`,
          `<text class="app-chart__total" x="${round(centre)}" y="${round(Math.min(top, baseline) - 6)}" text-anchor="middle">${escapeXml(text)}</text>`,
        ),
      );
    }
  });

  const xTicks = data.categories
    .map((category, index) => multiline(band(index).centre, baseline + 18, category.tick, 'app-chart__tick'))
    .join('');

  // The legend, top to bottom in the order the segments stack from the top.
  const legendX = frame.width - frame.right + 20;
  const legend = data.series
    .map((series, seriesIndex) => ({ series, seriesIndex }))
    .reverse()
    .map(({ series, seriesIndex }, row) => {
      const rowY = frame.top + row * 26;
      return (
        `<g class="app-chart__legend-item">${patternedRect(data.id, colourClass(series, seriesIndex), seriesIndex, legendX, rowY, 18, 18)}` +
        `<text class="app-chart__label" x="${legendX + 26}" y="${rowY + 14}">${escapeXml(series.short ?? series.label)}</text></g>`
      );
    })
    .join('');

  return (
    svgOpen(data, data.id, data.title, frame.width, frame.height) +
    patternDefs(data.id, data.series.length) +
    valueAxisY(ticks, y, frame, data.unit) +
    xTicks +
    `<g class="app-chart__bars">${bars.join('')}</g>` +
    `<g class="app-chart__legend">${legend}</g>` +
    '</svg>'
  );
}

/** Horizontal bars, one per category (e.g. an agency), each with its figure written at its end. */
export function renderHorizontalBarChart(data: ChartData): string {
  const rowHeight = 30;
  const frame: Frame = {
    width: 760,
    height: 24 + data.categories.length * rowHeight + 40,
    top: 24,
    right: 90,
    bottom: 40,
    left: 210,
  };
  const series = data.series[0];
  const values = series?.values ?? [];
  const ticks = valueTicks(data, Math.max(0, ...values.filter(isPlotted)));
  const x = linearScale([0, ticks[ticks.length - 1]!], [frame.left, frame.width - frame.right]);
  const band = bandScale(data.categories.length, [frame.top, frame.height - frame.bottom], 0.3);
  const baseline = frame.height - frame.bottom;

  const grid = ticks
    .map(
      (tick) =>
        `<line class="app-chart__grid" x1="${round(x(tick))}" x2="${round(x(tick))}" y1="${frame.top}" y2="${baseline}"/>` +
        `<text class="app-chart__tick" x="${round(x(tick))}" y="${baseline + 20}" text-anchor="middle">${escapeXml(tickLabel(tick, data.unit))}</text>`,
    )
    .join('');
  const axis = `<line class="app-chart__axis" x1="${frame.left}" x2="${frame.left}" y1="${frame.top}" y2="${baseline}"/>`;

  const rows = data.categories
    .map((category, index) => {
      const { start, width, centre } = band(index);
      const value = values[index] ?? null;
      const label = formatDatum(value, data.unit, series?.partial?.[index]);
      const name = `<text class="app-chart__tick" x="${frame.left - 10}" y="${round(centre + 5)}" text-anchor="end">${escapeXml(category.label)}</text>`;
      let content: string;
      if (isPlotted(value)) {
        const end = x(value);
        content =
          patternedRect(data.id, colourClass(series, 0), 0, frame.left, start, end - frame.left, width) +
          `<text class="app-chart__value" x="${round(end + 6)}" y="${round(centre + 5)}">${escapeXml(label)}</text>`;
      } else {
        content = `<text class="app-chart__gap" x="${frame.left + 6}" y="${round(centre + 5)}">${escapeXml(value === 'c' ? 'c (suppressed)' : 'no data')}</text>`;
      }
      const tooltip = `${category.label}: ${label === NO_DATA_TEXT ? 'no data' : label}`;
      return name + datum(series?.key ?? 'value', category.key, label, tooltip, content);
    })
    .join('');

  return (
    svgOpen(data, data.id, data.title, frame.width, frame.height) +
    patternDefs(data.id, 1) +
    grid +
    rows +
    axis +
    '</svg>'
  );
}
