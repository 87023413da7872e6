/**
 * coldStart.maxBundleKB, coldStart.firstResponseRatio and coldStart.initRatio: every function bundled as
 * the CDK builds it (HubFunction, esbuild from node_modules, minified ESM, @aws-sdk external), and the
 * wall time of a fresh `node` that imports a bundle (Lambda's INIT: the handlers build their clients at
 * module scope) and answers one first request, representative of the function (`firstRequests`), on the
 * bench's local hub (DynamoDB Local, fauxqs). Work a handler defers from INIT to its first use (the
 * Europe/London time zone data, the first request of each AWS SDK client) is in the figure.
 *
 * The baseline is a hello world built with the same options that imports and builds the same AWS SDK
 * clients (the SDK packages a bundle imports, read from its import statements) and nothing of ours, and
 * whose first response makes one request with each client the function's first response uses. So the
 * ratio is the hub's own share of a cold instance's first answer. `initRatio` is the same with each
 * process's first response (timed inside it) taken off: INIT alone, as reported before. The ratios
 * against a bare hello world (no SDK, no request) are reported too.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { HubFunction } from '../lib/hub-function.ts';
import { LogKey } from '../lib/log-key.ts';
import { projectRoot } from '../lib/mash-stack.ts';
import { SESSION_COOKIE } from '../src/auth/caller.ts';
import {
  defaultRegion,
  type FunctionDefinition,
  type FunctionName,
  functionNames,
  functions,
  idempotencyTable,
  reportsBucket,
} from '../src/resources.ts';
import type { TestHub } from '../test/helpers/hub.ts';
import { ratedCases } from './pipeline.ts';
import { benchReferral } from './referrals.ts';
import { log, median, round } from './stats.ts';

const context: Record<string, unknown> = JSON.parse(
  readFileSync(join(projectRoot, 'cdk.json'), 'utf8'),
).context;

/** Bundles one function as the stack does (or with `extras` overridden); returns its index.mjs. */
export function bundle(
  root: string,
  name: FunctionName,
  extras: NonNullable<FunctionDefinition['bundle']> = {},
): string {
  const outdir = join(root, `cdk-${name}${extras.precompileViews === false ? '-no-precompile' : ''}`);
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Bench');
  const definition = functions[name];
  new HubFunction(stack, 'Fn', {
    name,
    definition: { ...definition, bundle: { ...definition.bundle, ...extras } },
    projectRoot,
    logKey: new LogKey(stack, 'LogKey'),
  });
  app.synth();
  const asset = readdirSync(outdir).find((entry) => entry.startsWith('asset.'))!;
  return join(outdir, asset, 'index.mjs');
}

// ---------------------------------------------------------------------------------------------------------
// First requests
// ---------------------------------------------------------------------------------------------------------

/** The AWS SDK clients a first response talks to; the hello world makes one request with each. */
type HelloCall = 'dynamodb' | 's3';

interface FirstRequest {
  /** What the request is, for the results. */
  what: string;
  /** A fresh event for each cold process. */
  event: () => unknown;
  calls: HelloCall[];
}

/** An API Gateway REST (v1) proxy event, with what the handlers read. */
function apiEvent(
  method: string,
  resource: string,
  options: {
    path?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    pathParameters?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const requestId = randomUUID();
  return {
    resource,
    path: options.path ?? resource,
    httpMethod: method,
    headers: {
      host: '127.0.0.1',
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    requestContext: { requestId, stage: 'prod', identity: { sourceIp: '127.0.0.1' } },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

function sqsEvent(message: unknown) {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'bench',
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${defaultRegion}:000000000000:bench`,
        awsRegion: defaultRegion,
      },
    ],
  };
}

/**
 * One representative first request per function, on the hub's data: a case triaged, asked about,
 * answered and decided (so the queue consumers deliver a real request and product; both were delivered
 * already, so each reads the item and finds nothing to do), and tokens for each role.
 */
async function firstRequests(hub: TestHub): Promise<Record<FunctionName, FirstRequest>> {
  const [mash, agency, board] = await Promise.all([
    hub.token('mash'),
    hub.token('agency', 'police'),
    hub.token('board'),
  ]);
  const [caseId] = await ratedCases(hub, mash, 1);
  const issued = await hub.api('POST', `/api/cases/${caseId}/information-requests`, {
    token: mash,
    body: { agencies: ['police'] },
  });
  if (issued.status !== 202) throw new Error(`information request answered ${issued.status}: ${issued.text}`);
  const requestId = String(issued.json.requests[0].id);
  const settle = async () => {
    const settled = await hub.api('POST', '/_local/settle');
    if (settled.status !== 200) throw new Error(`the hub's queues did not settle: ${settled.text}`);
  };
  await settle();
  const answered = await hub.api('POST', `/api/agency/requests/${requestId}/response`, {
    token: agency,
    body: { information: 'Nothing known to this agency.', releasable: true },
  });
  if (answered.status !== 200) throw new Error(`the answer was refused: ${answered.status} ${answered.text}`);
  const decided = await hub.api('POST', `/api/cases/${caseId}/decision`, {
    token: mash,
    body: { outcome: 'EARLY_HELP', rationale: 'Bench decision', recipientAgency: 'police' },
  });
  if (decided.status !== 200 || !decided.json.productId)
    throw new Error(`the decision answered ${decided.status}: ${decided.text}`);
  const productId = String(decided.json.productId);
  await settle();

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    intake: {
      what: 'POST /api/referrals',
      event: () => apiEvent('POST', '/api/referrals', { body: benchReferral() }),
      calls: ['dynamodb'],
    },
    cases: {
      what: 'GET /api/cases (mash)',
      event: () => apiEvent('GET', '/api/cases', { headers: bearer(mash) }),
      calls: ['dynamodb'],
    },
    agency: {
      what: 'GET /api/agency/requests?status=open (police)',
      event: () =>
        apiEvent('GET', '/api/agency/requests', { headers: bearer(agency), query: { status: 'open' } }),
      calls: ['dynamodb'],
    },
    'agency-inbox': {
      what: 'one information-request message',
      event: () => sqsEvent({ kind: 'request', id: requestId }),
      calls: ['dynamodb'],
    },
    'product-dispatch': {
      what: 'one information-product message',
      event: () => sqsEvent({ kind: 'product', id: productId }),
      calls: ['dynamodb'],
    },
    metrics: {
      what: 'the daily export',
      event: () => ({ period: 'daily' }),
      calls: ['dynamodb', 's3'],
    },
    reports: {
      what: 'GET /api/reports (board)',
      event: () => apiEvent('GET', '/api/reports', { headers: bearer(board) }),
      calls: ['s3'],
    },
    'delivery-sweeper': {
      what: 'one sweep (nothing undelivered)',
      event: () => ({}),
      calls: ['dynamodb'],
    },
    pages: {
      what: 'GET /refer (no session yet: no store request)',
      event: () => apiEvent('GET', '/refer'),
      calls: [],
    },
    'staff-pages': {
      what: 'GET /workbench (mash session)',
      event: () => apiEvent('GET', '/workbench', { headers: { cookie: `${SESSION_COOKIE}=${mash}` } }),
      calls: ['dynamodb'],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Hello worlds
// ---------------------------------------------------------------------------------------------------------

const HELLO = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";

/** How a hello world builds each AWS SDK package's client; a package not listed fails the bench. */
const SDK_CLIENTS: Record<string, { imports: string; build: string }> = {
  '@aws-sdk/client-dynamodb': {
    imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    build: 'const dynamodb = new DynamoDBClient({});',
  },
  '@aws-sdk/lib-dynamodb': {
    imports: "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';",
    build: 'const documents = DynamoDBDocumentClient.from(dynamodb);',
  },
  '@aws-sdk/client-s3': {
    imports: "import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';",
    build: 'const s3 = new S3Client({});',
  },
  '@aws-sdk/client-sqs': {
    imports: "import { SQSClient } from '@aws-sdk/client-sqs';",
    build: 'const sqs = new SQSClient({});',
  },
};

/**
 * The one request a hello world makes with each client its function's first response uses: the
 * cheapest there is (a read of a missing item, a bucket's HEAD), paying the client's first-request
 * costs (credentials, endpoint, connection, signing) and nothing else.
 */
const HELLO_CALLS: Record<HelloCall, { needs: string; call: string }> = {
  dynamodb: {
    needs: '@aws-sdk/lib-dynamodb',
    call: `await documents.send(new GetCommand({ TableName: process.env.${idempotencyTable.envVar}, Key: { id: 'bench-hello' } }));`,
  },
  s3: {
    needs: '@aws-sdk/client-s3',
    call: `await s3.send(new HeadBucketCommand({ Bucket: process.env.${reportsBucket.envVar} }));`,
  },
};

/** The AWS SDK packages a bundle imports statically (dynamic `import()`s load on first use, not at INIT). */
export function sdkImports(bundleSource: string): string[] {
  const found = new Set<string>();
  for (const match of bundleSource.matchAll(/from\s*["'](@aws-sdk\/[a-z0-9-]+)["']/g)) found.add(match[1]!);
  return [...found].sort();
}

/**
 * A hello world that imports these SDK packages and builds their clients, and nothing else; its handler
 * makes one request with each client in `calls`. Packages without a client (the SDK's utilities, such
 * as util-dynamodb) are imported whole.
 */
export function sdkHelloSource(packages: readonly string[], calls: readonly HelloCall[] = []): string {
  const wanted = new Set(packages);
  // The document client wraps a DynamoDB client.
  if (wanted.has('@aws-sdk/lib-dynamodb')) wanted.add('@aws-sdk/client-dynamodb');
  const clients = Object.keys(SDK_CLIENTS).filter((name) => wanted.has(name));
  const utilities = [...wanted].filter((name) => !SDK_CLIENTS[name]).sort();
  const unknownClients = utilities.filter((name) => /\/(client|lib)-/.test(name));
  if (unknownClients.length > 0)
    throw new Error(`bench/cold-start.ts: add ${unknownClients.join(', ')} to SDK_CLIENTS`);
  for (const call of calls)
    if (!wanted.has(HELLO_CALLS[call].needs))
      throw new Error(`bench/cold-start.ts: a ${call} first request without ${HELLO_CALLS[call].needs}`);
  const names = [
    ...clients.map((name) => SDK_CLIENTS[name]!.build.match(/^const (\w+)/)![1]),
    ...utilities.map((_, i) => `utility${i}`),
  ];
  return [
    ...clients.map((name) => SDK_CLIENTS[name]!.imports),
    ...utilities.map((name, i) => `import * as utility${i} from '${name}';`),
    ...clients.map((name) => SDK_CLIENTS[name]!.build),
    'export const handler = async () => {',
    ...calls.map((call) => `  ${HELLO_CALLS[call].call}`),
    `  return { statusCode: 200, body: String([${names.join(', ')}].length) };`,
    '};',
    '',
  ].join('\n');
}

export async function helloBundle(root: string, name: string, source: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'hello.ts');
  writeFileSync(entry, source);
  const outfile = join(dir, 'index.mjs');
  // The options NodejsFunction passes esbuild for the hub's bundling settings.
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return outfile;
}

// ---------------------------------------------------------------------------------------------------------
// A cold process: INIT, then the first response
// ---------------------------------------------------------------------------------------------------------

/**
 * Runs in a fresh `node`: imports the bundle (argv[1]), then calls its handler once with the event
 * (argv[2]) and a Lambda-like context, fails on an error answer, and prints how long each part took.
 */
const PROBE = `
const started = performance.now();
const { handler } = await import(process.argv[1]);
const imported = performance.now();
const name = process.argv[3];
const context = {
  callbackWaitsForEmptyEventLoop: true, functionName: 'mash-' + name, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:${defaultRegion}:000000000000:function:mash-' + name,
  memoryLimitInMB: '512', awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/mash-' + name,
  logStreamName: 'bench', getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {},
};
const result = await handler(JSON.parse(process.argv[2]), context);
const answered = performance.now();
if ((result && result.statusCode >= 400) || (result && result.batchItemFailures && result.batchItemFailures.length > 0)) {
  process.stderr.write('first response failed: ' + JSON.stringify(result).slice(0, 2000));
  process.exit(3);
}
process.stdout.write('\\n' + JSON.stringify({ importMs: imported - started, firstResponseMs: answered - imported }) + '\\n');
process.exit(0);
`;

interface ColdSample {
  /** Wall time of the whole process: start, INIT, first response, exit. */
  wallMs: number;
  /** Timed inside the process. */
  importMs: number;
  firstResponseMs: number;
}

/** A fresh `node` with the Lambda's NODE_OPTIONS: INIT and one first response, timed from outside. */
function coldProcess(file: string, name: string, event: unknown): ColdSample {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(file).href, JSON.stringify(event), name],
    {
      // The hub's handler environment (its endpoints, tables, queues, token keys), as the bench process has it.
      env: {
        ...process.env,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_DEV: '',
        POWERTOOLS_LOG_LEVEL: 'INFO', // the stack's default
        LAMBDA_TASK_ROOT: dirname(file),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    },
  );
  const wallMs = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`cold start of ${name} (${file}) failed: ${result.stderr.slice(-1500)}`);
  const inner = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Omit<ColdSample, 'wallMs'>;
  return { wallMs, ...inner };
}

export interface ColdStartResult {
  maxBundleKB: number;
  /**
   * The largest of the functions' (INIT + first response) ÷ their SDK hello worlds' (the same SDK
   * clients, none of our code, one request with each client the first response uses).
   */
  firstResponseRatio: number;
  /** The same for INIT alone (each process's wall time less its first response): the figure as reported before. */
  initRatio: number;
  bundles: Array<{
    name: FunctionName;
    kb: number;
    sdk: string[];
    firstRequest?: string;
    helloCalls?: HelloCall[];
    /** Medians, ms: the function's wall time to its first response, and its INIT alone. */
    firstResponseWallMs?: number;
    initWallMs?: number;
    /** Timed inside the process. */
    importMs?: number;
    firstResponseMs?: number;
    sdkHelloWallMs?: number;
    sdkHelloInitWallMs?: number;
    firstResponseRatio?: number;
    initRatio?: number;
    firstResponseRatioVsBareHello?: number;
  }>;
  /** A bare hello world: no SDK at all, no request. */
  helloWallMs: number;
  /** Informational: the largest INIT + first response against the bare hello world's. */
  ratioVsBareHello: number;
  measured: FunctionName[];
  runs: number;
}

export async function benchColdStart(
  hub: TestHub,
  measure: FunctionName[] | 'all',
  runs: number,
): Promise<ColdStartResult> {
  const requests = await firstRequests(hub);
  const root = mkdtempSync(join(tmpdir(), 'mash-bench-'));
  // Bundles keep @aws-sdk external (the runtime has it); locally it resolves from the project's node_modules.
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  try {
    const bundles: ColdStartResult['bundles'] = [];
    const files = new Map<FunctionName, string>();
    /** A hello world per (SDK packages, first-response calls). */
    const helloByKey = new Map<string, string>();
    const helloKey = (sdk: string[], calls: HelloCall[]) => `${sdk.join(',')}|${calls.join(',')}`;
    for (const name of functionNames) {
      const request = requests[name];
      if (!request) throw new Error(`bench/cold-start.ts: give ${name} a first request`);
      const file = bundle(root, name);
      files.set(name, file);
      const sdk = sdkImports(readFileSync(file, 'utf8'));
      const key = helloKey(sdk, request.calls);
      if (!helloByKey.has(key))
        helloByKey.set(
          key,
          await helloBundle(root, `hello-${helloByKey.size}`, sdkHelloSource(sdk, request.calls)),
        );
      bundles.push({ name, kb: round(statSync(file).size / 1024, 1), sdk });
      log(
        `cold start: ${name} bundle ${(statSync(file).size / 1024).toFixed(0)} KB, SDK ${sdk.join(',') || 'none'}, ` +
          `first request ${request.what}`,
      );
    }
    const hello = await helloBundle(root, 'hello', HELLO);
    const measured = measure === 'all' ? functionNames : measure;
    const helloSamples: ColdSample[] = [];
    const sdkSamples = new Map<string, ColdSample[]>([...helloByKey.keys()].map((key) => [key, []]));
    const samples = new Map<FunctionName, ColdSample[]>(measured.map((name) => [name, []]));
    const keyOf = (name: FunctionName) =>
      helloKey(bundles.find((b) => b.name === name)!.sdk, requests[name].calls);
    const sdkKeys = new Set(measured.map(keyOf));
    coldProcess(hello, 'hello', {}); // warm the file cache
    // Interleaved, so a noisy moment on the machine falls on every kind of bundle alike.
    for (let run = 0; run < runs; run++) {
      helloSamples.push(coldProcess(hello, 'hello', {}));
      for (const key of sdkKeys) sdkSamples.get(key)!.push(coldProcess(helloByKey.get(key)!, 'hello', {}));
      for (const name of measured)
        samples.get(name)!.push(coldProcess(files.get(name)!, name, requests[name].event()));
    }
    const wall = (list: ColdSample[]) => median(list.map((s) => s.wallMs));
    const init = (list: ColdSample[]) => median(list.map((s) => s.wallMs - s.firstResponseMs));
    const helloWallMs = wall(helloSamples);
    for (const entry of bundles) {
      const list = samples.get(entry.name);
      if (!list) continue;
      const sdkList = sdkSamples.get(keyOf(entry.name))!;
      Object.assign(entry, {
        firstRequest: requests[entry.name].what,
        helloCalls: requests[entry.name].calls,
        firstResponseWallMs: round(wall(list), 1),
        initWallMs: round(init(list), 1),
        importMs: round(median(list.map((s) => s.importMs)), 1),
        firstResponseMs: round(median(list.map((s) => s.firstResponseMs)), 1),
        sdkHelloWallMs: round(wall(sdkList), 1),
        sdkHelloInitWallMs: round(init(sdkList), 1),
        firstResponseRatio: round(wall(list) / wall(sdkList)),
        initRatio: round(init(list) / init(sdkList)),
        firstResponseRatioVsBareHello: round(wall(list) / helloWallMs),
      });
    }
    const measuredEntries = bundles.filter((entry) => entry.firstResponseRatio !== undefined);
    return {
      maxBundleKB: Math.max(...bundles.map((entry) => entry.kb)),
      firstResponseRatio: Math.max(...measuredEntries.map((entry) => entry.firstResponseRatio!)),
      initRatio: Math.max(...measuredEntries.map((entry) => entry.initRatio!)),
      bundles,
      helloWallMs: round(helloWallMs, 1),
      ratioVsBareHello: Math.max(...measuredEntries.map((entry) => entry.firstResponseRatioVsBareHello!)),
      measured,
      runs,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
