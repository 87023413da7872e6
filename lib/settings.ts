/**
 * Resource settings the stack needs that src/resources.ts does not hold yet.
 *
 * Belongs in src/resources.ts: src/resources.ts is the single source of truth for resource settings, and
 * these are waiting for the lead to move them there (with the function, table and bucket definitions
 * they belong to). Until then the constructs in lib/ read them from here and nowhere else.
 */
import type { FunctionName } from '../src/resources.ts';

/**
 * Reserved concurrency per function: the most instances each may run at once, and capacity no other
 * function of the account can take from it. Belongs in src/resources.ts (`reservedConcurrency` of each
 * function definition). 158 in all: the account keeps at least 100 unreserved (a new account's quota of
 * 10 must be raised to the standard 1,000 before the first deployment).
 *
 * - intake, pages: the public front door and every page; WAF and the stage throttle (50 rps) sit before them.
 * - cases, agency: signed-in staff of the MASH team and the partner agencies.
 * - agency-inbox, product-dispatch: SQS consumers; their event source mappings poll at most this many at once.
 * - reports: the board's downloads.
 * - metrics: the daily, weekly and monthly exports run 15 minutes apart; 2 leaves room for a retried run.
 * - delivery-sweeper: one sweep a minute that takes at most 30 s never needs a second instance.
 */
export const RESERVED_CONCURRENCY: Readonly<Record<FunctionName, number>> = {
  intake: 50,
  pages: 50,
  cases: 20,
  agency: 20,
  'agency-inbox': 5,
  'product-dispatch': 5,
  reports: 5,
  metrics: 2,
  'delivery-sweeper': 1,
};

/**
 * AWS Backup of the case store, on top of point-in-time recovery (35 days to the second): a daily
 * recovery point kept 35 days and a monthly one kept a year, in a vault of their own under their own key.
 * Belongs in src/resources.ts (beside `tables`).
 */
export const CASE_STORE_BACKUP = {
  /** 01:00 London time, outside the working day. */
  dailyCron: { hour: '1', minute: '0' },
  dailyRetentionDays: 35,
  /** 02:00 London time on the 1st. */
  monthlyCron: { day: '1', hour: '2', minute: '0' },
  monthlyRetentionDays: 365,
} as const;

/** Days the log groups are kept. Belongs in src/resources.ts (a `logs` section). */
export const LOG_RETENTION_DAYS = {
  /** Every function's own log group. */
  functions: 90,
  /** The API's access and execution logs: who called which route, kept a year for investigations. */
  api: 365,
  /** What WAF blocked or counted. */
  waf: 90,
} as const;

/** The reports bucket's housekeeping. Belongs in src/resources.ts (`reportsBucket`). */
export const REPORTS_BUCKET_HOUSEKEEPING = {
  /** Days a replaced or deleted export stays recoverable as a noncurrent version. */
  noncurrentVersionDays: 30,
  /** Days the server access logs of the reports bucket are kept. */
  accessLogDays: 400,
  /** Days a replaced or deleted access log stays recoverable as a noncurrent version. */
  accessLogNoncurrentDays: 30,
} as const;

/** The stage's throttle and WAF's per-IP limit. Belongs in src/resources.ts (beside `limits`). */
export const API_LIMITS = {
  /** Steady requests per second and burst the whole stage accepts before answering 429. */
  rateLimit: 50,
  burstLimit: 100,
  /** Requests one IP may make to the anonymous routes in 5 minutes before WAF answers 429. */
  publicRequestsPerIpPer5Minutes: 100,
} as const;

/**
 * The scheduled jobs' retries: EventBridge Scheduler's delivery retries and Lambda's asynchronous retries
 * both. Belongs in src/resources.ts (beside `schedules`).
 */
export const SCHEDULED_RUN_RETRIES = {
  retryAttempts: 2,
  /** A run older than this is given up and lands in the dead-letter queue: the next one is due anyway. */
  maximumEventAgeSeconds: 3600,
  /** Days a failed run waits in the dead-letter queue. */
  failedRunRetentionDays: 14,
} as const;
