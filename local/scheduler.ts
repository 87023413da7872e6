/**
 * EventBridge Scheduler, locally: every schedule in src/resources.ts runs its target when its cron
 * expression comes due in its time zone, measured on the hub's clock.
 *
 * Clock shifts (PUT/DELETE /_local/clock): the next run of every schedule is recomputed from the new
 * instant and nothing is fired for the time jumped over, neither the whole backlog nor the latest
 * missed run. Tests that need an export for a period run it explicitly with
 * POST /_local/schedules/NAME/run, which is deterministic; a schedule firing on its own in the middle
 * of a test because the clock was moved would not be.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../src/platform/clock.ts';
import type { ScheduleDefinition } from '../src/resources.ts';
import type { FunctionRegistry } from './function-registry.ts';
import { invokeHandler } from './lambda-context.ts';
import type { HubLog } from './log.ts';

const TICK_MS = 1000;
/** Larger than any timer jitter, far smaller than any deliberate shift. */
const SHIFT_THRESHOLD_MS = 1000;

export interface ParsedCron {
  /** The five-field cron expression cron-parser understands. */
  expression: string;
  /** EventBridge's sixth field. */
  yearMatches: (year: number) => boolean;
}

/**
 * Converts `cron(minutes hours day-of-month month day-of-week year)` to five-field cron: `?` becomes
 * `*`, and numeric days of the week move from EventBridge's 1-7 (Sunday = 1) to cron's 0-6.
 */
export function parseEventBridgeCron(schedule: string): ParsedCron {
  const match = /^cron\((.+)\)$/.exec(schedule.trim());
  const fields = match?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) {
    throw new Error(`Not an EventBridge cron expression (6 fields in cron(...)): ${schedule}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    throw new Error(`EventBridge needs ? in day-of-month or day-of-week: ${schedule}`);
  }
  const weekday =
    dayOfWeek === '?' ? '*' : dayOfWeek.replace(/(^|[,-])(\d)/g, (_, sep, d) => `${sep}${Number(d) - 1}`);
  const expression = [minutes, hours, dayOfMonth === '?' ? '*' : dayOfMonth, month, weekday].join(' ');
  return { expression, yearMatches: yearMatcher(year, schedule) };
}

function yearMatcher(field: string, schedule: string): (year: number) => boolean {
  if (field === '*') return () => true;
  const parts = field.split(',').map((part) => {
    const range = /^(\d{4})(?:-(\d{4}))?$/.exec(part);
    if (!range) throw new Error(`Unsupported year field "${field}" in ${schedule}`);
    const from = Number(range[1]);
    return [from, range[2] ? Number(range[2]) : from] as const;
  });
  return (year) => parts.some(([from, to]) => year >= from && year <= to);
}

/** The first run strictly after `after`, or undefined when the schedule never runs again. */
export function nextRunAfter(schedule: ScheduleDefinition, after: Date): Date | undefined {
  const { expression, yearMatches } = parseEventBridgeCron(schedule.cron);
  const runs = CronExpressionParser.parse(expression, { currentDate: after, tz: schedule.timezone });
  for (let i = 0; i < 1000 && runs.hasNext(); i++) {
    const next = runs.next().toDate();
    if (yearMatches(next.getUTCFullYear())) return next;
  }
  return undefined;
}

/** EventBridge Scheduler delivers a schedule's input JSON as the event, as is. */
function scheduledEvent(schedule: ScheduleDefinition, periodId?: string): Record<string, string> {
  return { ...schedule.input, ...(periodId ? { periodId } : {}) };
}

type ManualRun = { outcome: 'unknown-schedule' } | { outcome: 'finished'; result: unknown };

export class Scheduler {
  private readonly schedules: readonly ScheduleDefinition[];
  private readonly registry: FunctionRegistry;
  private readonly clock: Clock;
  private readonly log: HubLog;
  private readonly nextRuns = new Map<string, Date | undefined>();
  private readonly running = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastOffsetMs = 0;

  constructor(options: {
    schedules: readonly ScheduleDefinition[];
    registry: FunctionRegistry;
    clock: Clock;
    log: HubLog;
  }) {
    this.schedules = options.schedules;
    this.registry = options.registry;
    this.clock = options.clock;
    this.log = options.log;
    // Fail at start, not at 06:15 next Monday, if an expression cannot be read.
    for (const schedule of this.schedules) parseEventBridgeCron(schedule.cron);
  }

  start(): void {
    this.recompute();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // The HTTP server keeps the hub alive; the scheduler alone must not keep a test process running.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Called after the hub's clock is set or reset; the tick also notices shifts made elsewhere. */
  clockChanged(): void {
    this.recompute();
  }

  async runNow(name: string, periodId?: string): Promise<ManualRun> {
    const schedule = this.schedules.find((s) => s.name === name);
    if (!schedule) return { outcome: 'unknown-schedule' };
    return { outcome: 'finished', result: await this.invoke(schedule, periodId) };
  }

  private recompute(): void {
    const now = this.clock.now();
    this.lastOffsetMs = now.getTime() - Date.now();
    this.nextRuns.clear();
    for (const schedule of this.schedules) this.nextRuns.set(schedule.name, nextRunAfter(schedule, now));
  }

  private tick(): void {
    const now = this.clock.now();
    if (Math.abs(now.getTime() - Date.now() - this.lastOffsetMs) > SHIFT_THRESHOLD_MS) {
      this.recompute();
      return;
    }
    for (const schedule of this.schedules) {
      if (!this.nextRuns.has(schedule.name)) this.nextRuns.set(schedule.name, nextRunAfter(schedule, now));
      const due = this.nextRuns.get(schedule.name);
      if (!due || due > now) continue;
      this.nextRuns.set(schedule.name, nextRunAfter(schedule, now));
      if (this.running.has(schedule.name)) {
        this.log.warn(`schedule ${schedule.name}: still running from its last run; this run is skipped`);
        continue;
      }
      this.log.info(`schedule ${schedule.name}: running ${schedule.target} (due ${due.toISOString()})`);
      this.invoke(schedule).catch((error: unknown) => {
        this.log.error(`schedule ${schedule.name} failed`, error);
      });
    }
  }

  private async invoke(schedule: ScheduleDefinition, periodId?: string): Promise<unknown> {
    const fn = this.registry.definition(schedule.target);
    const handler = await this.registry.load(schedule.target);
    this.running.add(schedule.name);
    try {
      return await invokeHandler(fn, handler, scheduledEvent(schedule, periodId));
    } finally {
      this.running.delete(schedule.name);
    }
  }
}
