/**
 * A progress bar on stderr: redrawn in place with `\r` on a terminal, plain periodic lines otherwise
 * (a CI log or a file would fill with carriage returns).
 */

const REDRAW_MS = 100;
const LINE_EVERY_MS = 5000;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly startedAt = performance.now();
  private done = 0;
  private lastDraw = 0;
  private finished = false;

  constructor(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr) {
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.lastDraw = this.tty ? 0 : performance.now();
  }

  get count(): number {
    return this.done;
  }

  tick(count = 1): void {
    this.done += count;
    const now = performance.now();
    if (now - this.lastDraw >= (this.tty ? REDRAW_MS : LINE_EVERY_MS)) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.draw(true);
  }

  /** Ends the bar's line so that other output starts on a fresh one. */
  interrupt(): void {
    if (this.tty && !this.finished) this.stream.write('\n');
    this.finished = true;
  }

  private draw(final: boolean): void {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = this.total - this.done;
    const eta = rate > 0 ? left / rate : Number.POSITIVE_INFINITY;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const counts = `${this.done.toLocaleString('en-GB')}/${this.total.toLocaleString('en-GB')}`;
    const speed = `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${this.unit}/s`;
    const timing = final ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`;
    if (!this.tty) {
      this.stream.write(`${this.label}: ${counts} (${percent.trim()}) ${speed} ${timing}\n`);
      return;
    }
    const columns = this.stream.columns || 80;
    const text = ` ${percent} ${counts} ${speed} ${timing}`;
    const width = Math.max(10, Math.min(40, columns - this.label.length - text.length - 4));
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    this.stream.write(`\r${this.label} ${bar}${text}\x1b[K${final ? '\n' : ''}`);
  }
}
