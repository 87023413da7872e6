/**
 * coldStart.maxBundleKB and coldStart.initRatio: every function bundled as the CDK builds it (HubFunction,
 * esbuild from node_modules, minified ESM, @aws-sdk external), and the time a fresh `node` takes to
 * import a bundle against the same for a hello-world bundle built with the same options.
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
import { bundledFolders, projectRoot } from '../lib/mash-stack.ts';
import { type FunctionName, functions } from '../src/resources.ts';
import { log, median, round } from './stats.ts';

const context: Record<string, unknown> = JSON.parse(
  readFileSync(join(projectRoot, 'cdk.json'), 'utf8'),
).context;

/** Bundles one function as the stack does; returns its index.mjs. */
function bundle(root: string, name: FunctionName): string {
  const outdir = join(root, `cdk-${name}`);
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Bench');
  const definition = functions.find((fn) => fn.name === name)!;
  const folders = bundledFolders[name];
  new HubFunction(stack, 'Fn', {
    definition,
    projectRoot,
    logKey: new LogKey(stack, 'LogKey'),
    ...(folders ? { bundledFolders: folders } : {}),
  });
  app.synth();
  const asset = readdirSync(outdir).find((entry) => entry.startsWith('asset.'))!;
  return join(outdir, asset, 'index.mjs');
}

const HELLO = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";
/** Hello world that also builds a DynamoDB document client: the floor for any function using the table. */
const HELLO_SDK =
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
  "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\n" +
  'const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n' +
  'export const handler = async () => ({ statusCode: 200, body: String(Boolean(client)) });\n';

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
  initRatio: number;
  bundles: Array<{ name: FunctionName; kb: number; importMs?: number; ratio?: number }>;
  helloMs: number;
  /** Informational: the largest import time against a hello world that builds a DynamoDB client. */
  sdkHelloMs: number;
  ratioVsSdkHello: number;
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
    for (const fn of functions) {
      const file = bundle(root, fn.name);
      files.set(fn.name, file);
      bundles.push({ name: fn.name, kb: round(statSync(file).size / 1024, 1) });
      log(`cold start: ${fn.name} bundle ${(statSync(file).size / 1024).toFixed(0)} KB`);
    }
    const hello = await helloBundle(root, 'hello', HELLO);
    const sdkHello = await helloBundle(root, 'hello-sdk', HELLO_SDK);
    const measured = measure === 'all' ? functions.map((fn) => fn.name) : measure;
    const helloTimes: number[] = [];
    const sdkHelloTimes: number[] = [];
    const times = new Map<FunctionName, number[]>(measured.map((name) => [name, []]));
    importMs(hello); // warm the file cache
    for (let run = 0; run < runs; run++) {
      helloTimes.push(importMs(hello));
      sdkHelloTimes.push(importMs(sdkHello));
      for (const name of measured) times.get(name)!.push(importMs(files.get(name)!));
    }
    const helloMs = median(helloTimes);
    for (const entry of bundles) {
      const t = times.get(entry.name);
      if (!t) continue;
      entry.importMs = round(median(t), 1);
      entry.ratio = round(median(t) / helloMs);
    }
    const ratios = bundles.flatMap((entry) => (entry.ratio === undefined ? [] : [entry.ratio]));
    return {
      maxBundleKB: Math.max(...bundles.map((entry) => entry.kb)),
      initRatio: Math.max(...ratios),
      bundles,
      helloMs: round(helloMs, 1),
      sdkHelloMs: round(median(sdkHelloTimes), 1),
      ratioVsSdkHello: round(
        Math.max(...bundles.flatMap((e) => (e.importMs === undefined ? [] : [e.importMs]))) /
          median(sdkHelloTimes),
      ),
      measured,
      runs,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
