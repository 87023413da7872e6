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
  /** Seconds a received message stays invisible; six times the consumer's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
  /** The function that consumes it (see `functions`). */
  consumer: FunctionName;
  deadLetter: { id: string; localName: string; retentionDays: number };
}

export const informationRequestQueue = {
  id: 'InformationRequestQueue',
  localName: 'mash-information-requests',
  envVar: 'INFORMATION_REQUEST_QUEUE_URL',
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 3,
  batchSize: 10,
  consumer: 'agency-inbox',
  deadLetter: { id: 'InformationRequestDlq', localName: 'mash-information-requests-dlq', retentionDays: 14 },
} as const satisfies QueueDefinition;

export const informationProductQueue = {
  id: 'InformationProductQueue',
  localName: 'mash-information-products',
  envVar: 'INFORMATION_PRODUCT_QUEUE_URL',
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 3,
  batchSize: 10,
  consumer: 'product-dispatch',
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

export type FunctionName =
  | 'intake'
  | 'cases'
  | 'pages'
  | 'staff-pages'
  | 'agency'
  | 'agency-inbox'
  | 'product-dispatch'
  | 'reports'
  | 'metrics'
  | 'delivery-sweeper';

export interface FunctionDefinition {
  name: FunctionName;
  /** Handler module, relative to the project root; it exports `handler`. */
  entry: string;
  memoryMB: number;
  timeoutSeconds: number;
  /** What it reads and writes; CDK turns these into grants and environment variables. */
  tables: ReadonlyArray<{ table: TableDefinition; access: 'read' | 'readWrite' }>;
  queues: ReadonlyArray<{ queue: QueueDefinition; access: 'send' | 'consume' }>;
  bucket?: 'read' | 'readWrite';
  /** Signs CSRF tokens of form posts; every instance must share it (see formSecret). */
  formSecret?: boolean;
}

/**
 * The functions built so far. A name in FunctionName without an entry here belongs to work not yet
 * landed (issues #3 and #4); the local hub and the CDK stack only wire what is listed.
 */
export const functions: readonly FunctionDefinition[] = [
  {
    name: 'intake',
    entry: 'functions/intake/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    tables: [
      { table: caseTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    queues: [],
  },
  {
    name: 'cases',
    entry: 'functions/cases/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    tables: [{ table: caseTable, access: 'readWrite' }],
    queues: [
      { queue: informationRequestQueue, access: 'send' },
      { queue: informationProductQueue, access: 'send' },
    ],
  },
  {
    name: 'agency',
    entry: 'functions/agency/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    tables: [{ table: caseTable, access: 'readWrite' }],
    queues: [],
  },
  {
    name: 'agency-inbox',
    entry: 'functions/agency-inbox/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 5,
    tables: [{ table: caseTable, access: 'readWrite' }],
    queues: [{ queue: informationRequestQueue, access: 'consume' }],
  },
  {
    name: 'product-dispatch',
    entry: 'functions/product-dispatch/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 5,
    tables: [{ table: caseTable, access: 'readWrite' }],
    queues: [{ queue: informationProductQueue, access: 'consume' }],
  },
  {
    name: 'metrics',
    entry: 'functions/metrics/handler.ts',
    memoryMB: 1024,
    timeoutSeconds: 120,
    tables: [{ table: caseTable, access: 'read' }],
    queues: [],
    bucket: 'readWrite',
  },
  {
    name: 'reports',
    entry: 'functions/reports/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 10,
    tables: [],
    queues: [],
    bucket: 'read',
  },
  {
    name: 'delivery-sweeper',
    entry: 'functions/delivery-sweeper/handler.ts',
    memoryMB: 256,
    timeoutSeconds: 30,
    tables: [{ table: caseTable, access: 'read' }],
    queues: [
      { queue: informationRequestQueue, access: 'send' },
      { queue: informationProductQueue, access: 'send' },
    ],
  },
  {
    // The public site: start page, referral form (drafts, then intake with its idempotency), feedback.
    name: 'pages',
    entry: 'functions/pages/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    tables: [
      { table: caseTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    queues: [],
    formSecret: true,
  },
  {
    // The signed-in pages: workbench, agency portal, and the board's dashboard, which reads the exports.
    name: 'staff-pages',
    entry: 'functions/staff-pages/handler.ts',
    memoryMB: 512,
    timeoutSeconds: 10,
    tables: [{ table: caseTable, access: 'readWrite' }],
    queues: [],
    bucket: 'read',
    formSecret: true,
  },
];

export function functionDefinition(name: FunctionName): FunctionDefinition | undefined {
  return functions.find((fn) => fn.name === name);
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
 * Reserved concurrency per function: the most instances each may run at once, and capacity no other
 * function of the account can take from it. 178 in all: the account keeps at least 100 unreserved (a new account's quota of
 * 10 must be raised to the standard 1,000 before the first deployment).
 *
 * - intake, pages: the public front door and its pages; WAF and the stage throttle (50 rps) sit before them.
 * - cases, agency, staff-pages: signed-in staff of the MASH team and the partner agencies.
 * - agency-inbox, product-dispatch: SQS consumers; their event source mappings poll at most this many at once.
 * - reports: the board's downloads.
 * - metrics: the daily, weekly and monthly exports run 15 minutes apart; 2 leaves room for a retried run.
 * - delivery-sweeper: one sweep a minute that takes at most 30 s never needs a second instance.
 */
export const RESERVED_CONCURRENCY: Readonly<Record<FunctionName, number>> = {
  intake: 50,
  pages: 50,
  'staff-pages': 20,
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

/** The stage's throttle and WAF's per-IP limit. */
export const API_LIMITS = {
  /** Steady requests per second and burst the whole stage accepts before answering 429. */
  rateLimit: 50,
  burstLimit: 100,
  /** Requests one IP may make to the anonymous routes in 5 minutes before WAF answers 429. */
  publicRequestsPerIpPer5Minutes: 100,
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
