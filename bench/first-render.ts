/**
 * `node bench/first-render.ts`: what a cold `pages` instance's first requests cost with the templates
 * precompiled into the bundle (as deployed) and without (each template parsed on its first render).
 * Both bundles are built as the CDK builds them; each run is a fresh `node` with LAMBDA_TASK_ROOT at the
 * bundle, importing it (INIT) and then rendering `/` and `/refer` (neither touches DynamoDB). The
 * first page is reported with the INIT before it, as the wall time from starting the process to its
 * first response (the process's wall time less the later requests, timed inside it): a cold instance's
 * first page costs both, and what a handler defers from INIT to its first use (the Europe/London time
 * zone data, read by `/refer`) is paid there. The same for the baseline, cold-start.ts's hello world
 * that imports and builds the same AWS SDK clients (these pages make no AWS request). Median of 7. Informational: not one of issue #6's targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../lib/mash-stack.ts';
import { bundle, helloBundle, sdkHelloSource, sdkImports } from './cold-start.ts';
import { median, round } from './stats.ts';

const RUNS = 7;
const PROBE = `
const t0 = performance.now();
const { handler } = await import(process.argv[1]);
const init = performance.now() - t0;
const event = (path) => ({ httpMethod: 'GET', resource: path, path, headers: { host: '127.0.0.1' },
  queryStringParameters: null, pathParameters: null, body: null, isBase64Encoded: false, requestContext: {} });
const context = { getRemainingTimeInMillis: () => 10000, awsRequestId: 'bench', functionName: 'pages' };
const timed = async (path) => { const t = performance.now(); const r = await handler(event(path), context);
  if (r.statusCode !== 200) throw new Error(path + ' answered ' + r.statusCode); return performance.now() - t; };
const start = await timed('/'); const refer = await timed('/refer'); const again = await timed('/');
console.log(JSON.stringify({ init, start, refer, again }));
`;

/** Timed inside the process, ms; `toFirst` is the wall time from spawning it to its first response. */
type Sample = { init: number; start: number; refer: number; again: number; toFirst: number };

function probe(indexFile: string): Sample {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(indexFile).href],
    {
      env: {
        ...process.env,
        LAMBDA_TASK_ROOT: dirname(indexFile),
        AWS_REGION: 'eu-west-2',
        CASE_TABLE_NAME: 'bench',
        IDEMPOTENCY_TABLE_NAME: 'bench',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        NODE_OPTIONS: '--enable-source-maps',
      },
      encoding: 'utf8',
    },
  );
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(result.stderr.slice(-1000));
  const inner = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Omit<Sample, 'toFirst'>;
  return { ...inner, toFirst: wall - inner.refer - inner.again };
}

const root = mkdtempSync(join(tmpdir(), 'mash-first-render-'));
symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
try {
  const bundles = {
    precompiled: bundle(root, 'pages'),
    'parsed on first render': bundle(root, 'pages', { precompileViews: false }),
  };
  const sdk = sdkImports(readFileSync(bundles.precompiled, 'utf8'));
  const hello = await helloBundle(root, 'hello', sdkHelloSource(sdk));
  const samples = Object.fromEntries(Object.keys(bundles).map((name) => [name, [] as Sample[]]));
  const helloSamples: Sample[] = [];
  for (let run = 0; run < RUNS; run++) {
    helloSamples.push(probe(hello));
    for (const [name, file] of Object.entries(bundles)) samples[name]!.push(probe(file));
  }
  const ms = (runs: Sample[], pick: (r: Sample) => number) => round(median(runs.map(pick)), 1);
  const helloFirst = ms(helloSamples, (r) => r.toFirst);
  process.stdout.write(
    `${'SDK hello world'.padEnd(24)} process start to first response ${helloFirst} ms (${sdk.join(', ')})\n`,
  );
  for (const [name, runs] of Object.entries(samples)) {
    const first = ms(runs, (r) => r.toFirst);
    process.stdout.write(
      `${name.padEnd(24)} process start to first GET / ${first} ms (${round(first / helloFirst, 2)}× the ` +
        `hello world's; INIT ${ms(runs, (r) => r.init)} ms, GET / ${ms(runs, (r) => r.start)} ms), ` +
        `then GET /refer ${ms(runs, (r) => r.refer)} ms, GET / again ${ms(runs, (r) => r.again)} ms\n`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
