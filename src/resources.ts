/**
 * The single source of truth for every resource the hub runs on: tables with their keys and indexes,
 * queues with their dead-letter queues, the reports bucket, the schedules and the functions.
 * The CDK constructs (lib/) and the local hub's provisioning (local/) both read these definitions;
 * nothing else spells a table name, key attribute, queue setting or schedule.
 *
 * Access patterns are written down in docs/data-model.md next to the keys that serve them.
 */

export type AttributeType = 'S' | 'N';
export interface KeyAttribute {
  name: string;
  type: AttributeType;
}
export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /** `ALL` for views that read whole items; `INCLUDE` keeps an index small when readers need few attributes. */
  projection: 'ALL' | 'INCLUDE';
  /** With `INCLUDE`: the attributes projected besides the keys. */
  nonKeyAttributes?: readonly string[];
}
export interface TableDefinition {
  /** CDK construct id. */
  id: string;
  /** The table name the local hub creates; on AWS CloudFormation names the table. */
  localName: string;
  /** The environment variable a function reads the table's name from. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  timeToLiveAttribute?: string;
  indexes: readonly IndexDefinition[];
}

/** What a row of the hub's queue shows (GET /api/cases, /workbench): the queue indexes project only these. */
const QUEUE_ROW_ATTRIBUTES = [
  'id',
  'reference',
  'status',
  'rag',
  'receivedAt',
  'decisionDueAt',
  'reReferral',
] as const;

/** The case store: cases, their audit trail, reference and subject lookups, form drafts. */
export const caseTable = {
  id: 'CaseTable',
  localName: 'mash-cases',
  envVar: 'CASE_TABLE_NAME',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    {
      // Every case by decision deadline: GET /api/cases with no status filter. The queue indexes project
      // only what a queue row shows: no personal data in them, and a third of the write cost (issue #6).
      indexName: 'byDue',
      partitionKey: { name: 'dueListPk', type: 'S' },
      sortKey: { name: 'dueListSk', type: 'S' },
      projection: 'INCLUDE',
      nonKeyAttributes: QUEUE_ROW_ATTRIBUTES,
    },
    {
      // Cases of one status by decision deadline: GET /api/cases?status=...
      indexName: 'byStatus',
      partitionKey: { name: 'statusPk', type: 'S' },
      sortKey: { name: 'dueListSk', type: 'S' },
      projection: 'INCLUDE',
      nonKeyAttributes: QUEUE_ROW_ATTRIBUTES,
    },
    {
      // Sparse: only undecided cases carry openPk, so overdue = open items with dueListSk < now.
      indexName: 'openByDue',
      partitionKey: { name: 'openPk', type: 'S' },
      sortKey: { name: 'dueListSk', type: 'S' },
      projection: 'INCLUDE',
      nonKeyAttributes: QUEUE_ROW_ATTRIBUTES,
    },
    {
      // One receipt month's cases, for the board's exports (never a table scan). Only the metric facts
      // are projected, so an export reads small index items and no personal data at all.
      indexName: 'byReceiptMonth',
      partitionKey: { name: 'receiptMonthPk', type: 'S' },
      sortKey: { name: 'receiptSk', type: 'S' },
      projection: 'INCLUDE',
      nonKeyAttributes: [
        'facts',
        'feedbackResponses',
        'feedbackHelpful',
        'feedbackRatingSum',
        'feedbackRatingCount',
      ],
    },
    {
      // One agency's inbox (information requests and products) by due time.
      indexName: 'byInbox',
      partitionKey: { name: 'inboxPk', type: 'S' },
      sortKey: { name: 'inboxSk', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const satisfies TableDefinition;

/** Powertools idempotency records (the key and attribute names are Powertools' defaults). */
export const idempotencyTable = {
  id: 'IdempotencyTable',
  localName: 'mash-idempotency',
  envVar: 'IDEMPOTENCY_TABLE_NAME',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
  indexes: [],
} as const satisfies TableDefinition;

export const tables = [caseTable, idempotencyTable] as const;

export interface QueueDefinition {
  id: string;
  localName: string;
  envVar: string;
  /** Seconds a received message stays invisible; six times its consumer's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
  deadLetter: { id: string; localName: string; retentionDays: number };
}

export const informationRequestQueue = {
  id: 'InformationRequestQueue',
  localName: 'mash-information-requests',
  envVar: 'INFORMATION_REQUEST_QUEUE_URL',
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 3,
  batchSize: 10,
  deadLetter: { id: 'InformationRequestDlq', localName: 'mash-information-requests-dlq', retentionDays: 14 },
} as const satisfies QueueDefinition;

export const informationProductQueue = {
  id: 'InformationProductQueue',
  localName: 'mash-information-products',
  envVar: 'INFORMATION_PRODUCT_QUEUE_URL',
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 3,
  batchSize: 10,
  deadLetter: { id: 'InformationProductDlq', localName: 'mash-information-products-dlq', retentionDays: 14 },
} as const satisfies QueueDefinition;

export const queues: readonly QueueDefinition[] = [informationRequestQueue, informationProductQueue];

export const reportsBucket = {
  id: 'ReportsBucket',
  localName: 'mash-reports',
  envVar: 'REPORTS_BUCKET_NAME',
  /** Exports live under reports/PERIOD/PERIOD_ID.{json,csv}. */
  prefix: 'reports/',
  /** Old exports move to infrequent access, then expire (days). */
  transitionToInfrequentAccessDays: 90,
  expireAfterDays: 3650,
} as const;

export interface ScheduleDefinition {
  name: string;
  /** EventBridge Scheduler cron expression, evaluated in `timezone`. */
  cron: string;
  timezone: 'Europe/London';
  target: FunctionName;
  /** The payload the target receives. */
  input: Record<string, string>;
}

export const schedules: readonly ScheduleDefinition[] = [
  {
    // Re-sends requests and products whose queue message was never sent (the outbox's safety net).
    name: 'delivery-sweeper',
    cron: 'cron(* * * * ? *)',
    timezone: 'Europe/London',
    target: 'delivery-sweeper',
    input: {},
  },
  {
    name: 'metrics-daily',
    cron: 'cron(15 6 * * ? *)',
    timezone: 'Europe/London',
    target: 'metrics',
    input: { period: 'daily' },
  },
  {
    name: 'metrics-weekly',
    cron: 'cron(30 6 ? * MON *)',
    timezone: 'Europe/London',
    target: 'metrics',
    input: { period: 'weekly' },
  },
  {
    name: 'metrics-monthly',
    cron: 'cron(45 6 1 * ? *)',
    timezone: 'Europe/London',
    target: 'metrics',
    input: { period: 'monthly' },
  },
];

export interface FunctionDefinition {
  /** Handler module, relative to the project root; it exports `handler`. */
  entry: string;
  memoryMB: number;
  timeoutSeconds: number;
  /**
   * The most instances it may run at once, and capacity no other function of the account can take from
   * it. 178 in all: the account keeps at least 100 unreserved (a new account's quota of 10 must be raised
   * to the standard 1,000 before the first deployment).
   */
  reservedConcurrency: number;
  /** What it reads and writes; CDK turns these into grants and environment variables. */
  tables: ReadonlyArray<{ table: TableDefinition; access: 'read' | 'readWrite' }>;
  /** The queues it sends messages to. */
  sendsTo?: readonly QueueDefinition[];
  /**
   * The queue whose messages it is invoked with (an SQS event source mapping on AWS, the local hub's
   * poller locally). Every queue has exactly one consumer: see `consumerOf`.
   */
  consumes?: QueueDefinition;
  bucket?: 'read' | 'readWrite';
  /** Signs CSRF tokens of form posts; every instance must share it (see formSecret). */
  formSecret?: boolean;
  /** What its bundle carries besides its code. */
  bundle?: {
    /**
     * Folders the handler reads at run time, copied next to the bundle under LAMBDA_TASK_ROOT: `from` is
     * relative to the project root, `to` to the bundle root.
     */
    folders?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
    /**
     * The page templates, precompiled into the bundle as `templates.cjs` (scripts/precompile-views.ts), so
     * the function never parses a template at run time (src/pages/render.ts).
     */
    precompileViews?: boolean;
  };
}

/**
 * What the page functions read from disk at run time besides their bundle: our templates in `views/` and
 * GOV.UK Frontend in `govuk/` under LAMBDA_TASK_ROOT (src/pages/paths.ts), with the templates precompiled.
 */
const PAGE_BUNDLE = {
  folders: [
    { from: 'views', to: 'views' },
    { from: 'node_modules/govuk-frontend/dist/govuk', to: 'govuk' },
  ],
  precompileViews: true,
} as const;

/** Keeps the names as a type (FunctionName) while every entry is checked as a FunctionDefinition. */
function defineFunctions<Name extends string>(
  definitions: Record<Name, FunctionDefinition>,
): Readonly<Record<Name, FunctionDefinition>> {
  return definitions;
}

/**
 * Every function of the hub, by name. The CDK stack builds one Lambda function per entry and the local
 * hub runs the same handlers; routes (src/routes.ts) and schedules name their function by its key here.
 */
export const functions = defineFunctions({
  intake: {
    entry: 'functions/intake/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    // The public front door; WAF and the stage throttle (50 rps) sit before it.
    reservedConcurrency: 50,
    tables: [
      { table: caseTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
  },
  cases: {
    entry: 'functions/cases/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    // Signed-in staff of the MASH team.
    reservedConcurrency: 20,
    tables: [{ table: caseTable, access: 'readWrite' }],
    sendsTo: [informationRequestQueue, informationProductQueue],
  },
  agency: {
    entry: 'functions/agency/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    // Signed-in staff of the partner agencies.
    reservedConcurrency: 20,
    tables: [{ table: caseTable, access: 'readWrite' }],
  },
  'agency-inbox': {
    entry: 'functions/agency-inbox/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 5,
    // An SQS consumer: its event source mapping polls with at most this many at once.
    reservedConcurrency: 5,
    tables: [{ table: caseTable, access: 'readWrite' }],
    consumes: informationRequestQueue,
  },
  'product-dispatch': {
    entry: 'functions/product-dispatch/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 5,
    // An SQS consumer: its event source mapping polls with at most this many at once.
    reservedConcurrency: 5,
    tables: [{ table: caseTable, access: 'readWrite' }],
    consumes: informationProductQueue,
  },
  metrics: {
    entry: 'functions/metrics/handler.ts',
    memoryMB: 1024,
    timeoutSeconds: 120,
    // The daily, weekly and monthly exports run 15 minutes apart; 2 leaves room for a retried run.
    reservedConcurrency: 2,
    tables: [{ table: caseTable, access: 'read' }],
    bucket: 'readWrite',
  },
  reports: {
    entry: 'functions/reports/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 10,
    // The board's downloads.
    reservedConcurrency: 5,
    tables: [],
    bucket: 'read',
  },
  'delivery-sweeper': {
    entry: 'functions/delivery-sweeper/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 30,
    // One sweep a minute that takes at most 30 s never needs a second instance.
    reservedConcurrency: 1,
    tables: [{ table: caseTable, access: 'read' }],
    sendsTo: [informationRequestQueue, informationProductQueue],
  },
  // The public site: start page, referral form (drafts, then intake with its idempotency), feedback.
  pages: {
    entry: 'functions/pages/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    // The public front door's pages; WAF and the stage throttle (50 rps) sit before them.
    reservedConcurrency: 50,
    tables: [
      { table: caseTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    formSecret: true,
    bundle: PAGE_BUNDLE,
  },
  // The signed-in pages: workbench, agency portal, and the board's dashboard, which reads the exports.
  'staff-pages': {
    entry: 'functions/staff-pages/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    // Signed-in staff of the MASH team, the partner agencies and the board.
    reservedConcurrency: 20,
    tables: [{ table: caseTable, access: 'readWrite' }],
    bucket: 'read',
    formSecret: true,
    bundle: PAGE_BUNDLE,
  },
});

export type FunctionName = keyof typeof functions;

/** Every function's name, in the order of `functions`. */
export const functionNames = Object.keys(functions) as FunctionName[];

/** The one function whose definition `consumes` the queue; throws when none or several do. */
export function consumerOf(
  queue: QueueDefinition,
  definitions: Readonly<Record<FunctionName, FunctionDefinition>> = functions,
): FunctionName {
  const consumers = functionNames.filter((name) => definitions[name].consumes?.id === queue.id);
  if (consumers.length !== 1) {
    throw new Error(
      `Queue ${queue.id} needs exactly one consumer in functions (src/resources.ts); it has ` +
        `${consumers.length === 0 ? 'none' : consumers.join(' and ')}`,
    );
  }
  return consumers[0]!;
}

/**
 * The key that signs the forms' CSRF tokens, held in Secrets Manager on AWS so that every Lambda
 * instance shares it. Locally the pages make a random one per process.
 */
export const formSecret = { id: 'FormSecret', envVar: 'MASH_CSRF_SECRET_ARN' } as const;

/** Limits the API enforces, in one place. */
export const limits = {
  /** Request bodies over this get 413 (CONTRACT.md). */
  maxBodyBytes: 256 * 1024,
  /** GET /api/cases: default and maximum page sizes. */
  defaultPageSize: 50,
  maxPageSize: 500,
  /** GET /api/agency/requests and /products: the default page (open requests come first). */
  defaultInboxPageSize: 100,
  /** How long an Idempotency-Key is remembered. */
  idempotencyTtlSeconds: 24 * 60 * 60,
  /** How long an unfinished referral form is kept. */
  draftTtlSeconds: 24 * 60 * 60,
  /** A re-referral is an earlier referral of the same subject within this many months (DOMAIN.md). */
  reReferralWindowMonths: 12,
} as const;

// ---- Operations: what the stack needs beyond the resources' shapes --------------------------------

/**
 * AWS Backup of the case store, on top of point-in-time recovery (35 days to the second): a daily
 * recovery point kept 35 days and a monthly one kept a year, in a vault of their own under their own key.
 */
export const CASE_STORE_BACKUP = {
  /** 01:00 London time, outside the working day. */
  dailyCron: { hour: '1', minute: '0' },
  dailyRetentionDays: 35,
  /** 02:00 London time on the 1st. */
  monthlyCron: { day: '1', hour: '2', minute: '0' },
  monthlyRetentionDays: 365,
} as const;

/** Days the log groups are kept. */
export const LOG_RETENTION_DAYS = {
  /** Every function's own log group. */
  functions: 90,
  /** The API's access and execution logs: who called which route, kept a year for investigations. */
  api: 365,
  /** What WAF blocked or counted. */
  waf: 90,
} as const;

/** The reports bucket's housekeeping. */
export const REPORTS_BUCKET_HOUSEKEEPING = {
  /** Days a replaced or deleted export stays recoverable as a noncurrent version. */
  noncurrentVersionDays: 30,
  /** Days the server access logs of the reports bucket are kept. */
  accessLogDays: 400,
  /** Days a replaced or deleted access log stays recoverable as a noncurrent version. */
  accessLogNoncurrentDays: 30,
} as const;

/**
 * The stage's throttle and WAF's per-address limits (lib/hub-api.ts, lib/front-door.ts).
 *
 * Partners refer from behind shared addresses: a police force, an acute hospital, a council, every
 * school on a county's broadband, each leave the internet through one or a few NAT addresses. So the
 * limit counts submissions (the final POSTs), not requests, and is set from what such an address
 * really sends. For a county of 40,000 contacts a year, all taken as arriving online: about 252 working
 * days of 8 hours, 20 contacts an hour county-wide; busy hours (Monday mornings, the end of the school
 * day, the start of term) about three times that, 60 an hour. The police, the largest source (about
 * 30% of contacts), working a weekend's backlog on a Monday morning: a team of 8 each finishing a form
 * in no less than 5 minutes sends at most 8 referrals in 5 minutes. Schools (about 20%) after the
 * school day, an acute hospital's (a few an hour) or a council's own referrers send fewer. Each
 * referral may be followed by one feedback form: at most about 16 submissions in 5 minutes from the
 * busiest address. 60 is almost four times that, and still stops one address sending junk at machine
 * speed. A partner whose systems send by machine through the API is listed instead (`partnerCidrs`).
 */
export const API_LIMITS = {
  /** Steady requests per second and burst the whole stage accepts before answering 429. */
  rateLimit: 50,
  burstLimit: 100,
  /**
   * WAF's evaluation window (60, 120, 300 or 600 s). Five minutes absorbs a team pressing "Send"
   * together (a 60 s window at WAF's minimum of 10 would not), and a refused network is let back in
   * within 5 minutes (a 600 s window would keep it out twice as long).
   */
  perAddressWindowSeconds: 300,
  /** Submissions (referrals and feedback, API and form) one address may send in the window. */
  submissionsPerAddress: 60,
  /**
   * Requests of any kind one address may send in the window: a flood guard, not a limit on referrers.
   * A referral through the form is about 19 requests and 10 more for the assets of a first visit, so
   * the police burst above is about 250; the busiest address is the council's own, where a MASH team of
   * 40 on the workbench (a page every 20 seconds: 600) works beside the council's own referrers, well
   * under 1,000. 2,000 is twice that, and holds one address to about 7 requests a second on average,
   * a seventh of the stage's steady throttle, so no one address can take the whole stage from the rest.
   * Listed partners are held to it too: no real partner comes near it.
   */
  requestsPerAddress: 2000,
} as const;

/**
 * The scheduled jobs' retries: EventBridge Scheduler's delivery retries and Lambda's asynchronous retries
 * both.
 */
export const SCHEDULED_RUN_RETRIES = {
  retryAttempts: 2,
  /** A run older than this is given up and lands in the dead-letter queue: the next one is due anyway. */
  maximumEventAgeSeconds: 3600,
  /** Days a failed run waits in the dead-letter queue. */
  failedRunRetentionDays: 14,
} as const;

/** The AWS region the stack deploys to and the local hub's clients claim. */
export const defaultRegion = 'eu-west-2';
