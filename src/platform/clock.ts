/**
 * Every piece of domain code takes "now" from a Clock. On AWS it is the system clock; the local hub
 * shifts it (PUT /_local/clock) so that deadlines, overdue flags and schedules can be exercised at
 * any instant. After a shift the clock runs on from the instant it was set to.
 */
export interface Clock {
  now(): Date;
}

/** A clock that runs at real speed from an offset; the local hub owns the single instance. */
export class ShiftableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on, `now()` reads `instant` and advances with real time. */
  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/**
 * The process-wide clock handlers read. In a Lambda it is never shifted, so it is the system clock;
 * the local hub runs the same handlers in its own process and shifts this instance.
 */
export const hubClock = new ShiftableClock();
