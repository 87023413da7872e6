/**
 * coldStart.maxBundleKB and coldStart.initRatio: every function bundled as the CDK builds it (HubFunction,
 * esbuild from node_modules, minified ESM, @aws-sdk external), and the time a fresh `node` takes to
 * import a bundle and build its clients (the handlers build them at module scope) against the same for
 * a hello-world bundle built with the same options that imports and builds the same AWS SDK clients:
 * the SDK packages a bundle imports (read from its import statements) and nothing of ours. So the ratio
 * is the hub's own share of a cold start. The ratio against a bare hello world (no SDK) is reported too.
 */
import { spawnSync } from 'node:child_process';
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
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { HubFunction } from '../lib/hub-function.ts';
import { LogKey } from '../lib/log-key.ts';
import { projectRoot } from '../lib/mash-stack.ts';
import { type FunctionDefinition, type FunctionName, functionNames, functions } from '../src/resources.ts';
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

const HELLO = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";

/** How a hello world builds each AWS SDK package's client; a package not listed fails the bench. */
const SDK_CLIENTS: Record<string, { imports: string; build: string }> = {
  '@aws-sdk/client-dynamodb': {
    imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    build: 'const dynamodb = new DynamoDBClient({});',
  },
  '@aws-sdk/lib-dynamodb': {
    imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    build: 'const documents = DynamoDBDocumentClient.from(dynamodb);',
  },
  '@aws-sdk/client-s3': {
    imports: "import { S3Client } from '@aws-sdk/client-s3';",
    build: 'const s3 = new S3Client({});',
  },
  '@aws-sdk/client-sqs': {
    imports: "import { SQSClient } from '@aws-sdk/client-sqs';",
    build: 'const sqs = new SQSClient({});',
  },
};

/** The AWS SDK packages a bundle imports statically (dynamic `import()`s load on first use, not at INIT). */
export function sdkImports(bundleSource: string): string[] {
  const found = new Set<string>();
  for (const match of bundleSource.matchAll(/from\s*["'](@aws-sdk\/[a-z0-9-]+)["']/g)) found.add(match[1]!);
  return [...found].sort();
}

/**
 * A hello world that imports these SDK packages and builds their clients, and nothing else. Packages
 * without a client (the SDK's utilities, such as util-dynamodb) are imported whole.
 */
export function sdkHelloSource(packages: readonly string[]): string {
  const wanted = new Set(packages);
  // The document client wraps a DynamoDB client.
  if (wanted.has('@aws-sdk/lib-dynamodb')) wanted.add('@aws-sdk/client-dynamodb');
  const clients = Object.keys(SDK_CLIENTS).filter((name) => wanted.has(name));
  const utilities = [...wanted].filter((name) => !SDK_CLIENTS[name]).sort();
  const unknownClients = utilities.filter((name) => /\/(client|lib)-/.test(name));
  if (unknownClients.length > 0)
    throw new Error(`bench/cold-start.ts: add ${unknownClients.join(', ')} to SDK_CLIENTS`);
  const names = [
    ...clients.map((name) => SDK_CLIENTS[name]!.build.match(/^const (\w+)/)![1]),
    ...utilities.map((_, i) => `utility${i}`),
  ];
  return [
    ...clients.map((name) => SDK_CLIENTS[name]!.imports),
    ...utilities.map((name, i) => `import * as utility${i} from '${name}';`),
    ...clients.map((name) => SDK_CLIENTS[name]!.build),
    `export const handler = async () => ({ statusCode: 200, body: String([${names.join(', ')}].length) });`,
    '',
  ].join('\n');
}

async function helloBundle(root: string, name: string, source: string): Promise<string> {
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

/** Wall time of a fresh `node` importing the bundle, with the Lambda's NODE_OPTIONS. */
function importMs(file: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', 'await import(process.argv[1]);', pathToFileURL(file).href],
    {
      env: { ...process.env, NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_DEV: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const elapsed = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`importing ${file} failed: ${result.stderr.toString().slice(-1000)}`);
  return elapsed;
}

export interface ColdStartResult {
  maxBundleKB: number;
  /** The largest of the functions' import times ÷ their SDK hello worlds' (the same SDK clients, none of our code). */
  initRatio: number;
  bundles: Array<{
    name: FunctionName;
    kb: number;
    sdk: string[];
    importMs?: number;
    sdkHelloMs?: number;
    ratio?: number;
    ratioVsBareHello?: number;
  }>;
  /** A bare hello world: no SDK at all. */
  helloMs: number;
  /** Informational: the largest import time against the bare hello world. */
  ratioVsBareHello: number;
  measured: FunctionName[];
  runs: number;
}

export async function benchColdStart(
  measure: FunctionName[] | 'all',
  runs: number,
): Promise<ColdStartResult> {
  const root = mkdtempSync(join(tmpdir(), 'mash-bench-'));
  // Bundles keep @aws-sdk external (the runtime has it); locally it resolves from the project's node_modules.
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  try {
    const bundles: ColdStartResult['bundles'] = [];
    const files = new Map<FunctionName, string>();
    const helloBySdk = new Map<string, string>();
    for (const name of functionNames) {
      const file = bundle(root, name);
      files.set(name, file);
      const sdk = sdkImports(readFileSync(file, 'utf8'));
      const key = sdk.join(',');
      if (!helloBySdk.has(key))
        helloBySdk.set(key, await helloBundle(root, `hello-${helloBySdk.size}`, sdkHelloSource(sdk)));
      bundles.push({ name, kb: round(statSync(file).size / 1024, 1), sdk });
      log(`cold start: ${name} bundle ${(statSync(file).size / 1024).toFixed(0)} KB, SDK ${key || 'none'}`);
    }
    const hello = await helloBundle(root, 'hello', HELLO);
    const measured = measure === 'all' ? functionNames : measure;
    const helloTimes: number[] = [];
    const sdkTimes = new Map<string, number[]>([...helloBySdk.keys()].map((key) => [key, []]));
    const times = new Map<FunctionName, number[]>(measured.map((name) => [name, []]));
    const sdkKeys = new Set(bundles.filter((b) => measured.includes(b.name)).map((b) => b.sdk.join(',')));
    importMs(hello); // warm the file cache
    // Interleaved, so a noisy moment on the machine falls on every kind of bundle alike.
    for (let run = 0; run < runs; run++) {
      helloTimes.push(importMs(hello));
      for (const key of sdkKeys) sdkTimes.get(key)!.push(importMs(helloBySdk.get(key)!));
      for (const name of measured) times.get(name)!.push(importMs(files.get(name)!));
    }
    const helloMs = median(helloTimes);
    for (const entry of bundles) {
      const t = times.get(entry.name);
      if (!t) continue;
      const sdkHelloMs = median(sdkTimes.get(entry.sdk.join(','))!);
      entry.importMs = round(median(t), 1);
      entry.sdkHelloMs = round(sdkHelloMs, 1);
      entry.ratio = round(median(t) / sdkHelloMs);
      entry.ratioVsBareHello = round(median(t) / helloMs);
    }
    const measuredEntries = bundles.filter((entry) => entry.ratio !== undefined);
    return {
      maxBundleKB: Math.max(...bundles.map((entry) => entry.kb)),
      initRatio: Math.max(...measuredEntries.map((entry) => entry.ratio!)),
      bundles,
      helloMs: round(helloMs, 1),
      ratioVsBareHello: Math.max(...measuredEntries.map((entry) => entry.ratioVsBareHello!)),
      measured,
      runs,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
