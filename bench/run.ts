/**
 * `npm run bench` (full) and `npm run bench -- --quick` (under a minute): intake, pipeline, aggregation
 * and cold-start figures, each a ratio measured side by side in one run (the machine is shared and
 * noisy). Writes bench/results.json; a full run (or `--markdown`) also rewrites BENCHMARKS.md.
 *
 * Options: --quick, --markdown, --only intake,pipeline,aggregation,coldStart, --referrals N (the large
 * export month; 100,000 in a full run, 3,000 quick). DynamoDB Local pages a GSI Query in time that grows
 * with the offset (5,000 items read in ~1.5 s, 10,000 in ~5.7 s on the 2-core machine), so 100,000 takes
 * many minutes per read there: `--referrals 20000` keeps a full run to a few minutes.
 *
 * Every section runs on one local hub (in memory), the cold starts too: each cold process answers a
 * first request on it. bench/findings.md says how each figure is measured.
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startTestHub, type TestHub } from '../test/helpers/hub.ts';
import { type AggregationResult, benchAggregation } from './aggregation.ts';
import { benchColdStart, type ColdStartResult } from './cold-start.ts';
import { costModel, PRICES } from './cost.ts';
import { benchIntake, type IntakeResult } from './intake.ts';
import { renderMarkdown } from './markdown.ts';
import { benchPipeline, type PipelineResult } from './pipeline.ts';
import { type Figure, figure, log, reported } from './stats.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    only: { type: 'string' },
    referrals: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wanted = (section: string) => !only || only.has(section);

const settings = quick
  ? {
      intakeRuns: 3,
      intakeSeconds: 1.5,
      cpuReferrals: 25,
      pipelineRuns: 3,
      pipelinePerRun: 25,
      referrals: 3_000,
      perMonth: 250,
      exportRuns: 3,
      coldRuns: 5,
      coldMeasure: 'all' as const,
    }
  : {
      intakeRuns: 5,
      intakeSeconds: 10,
      cpuReferrals: 200,
      pipelineRuns: 3,
      pipelinePerRun: 150,
      referrals: 100_000,
      perMonth: 2_000,
      exportRuns: 3,
      coldRuns: 7,
      coldMeasure: 'all' as const,
    };

if (values.referrals) settings.referrals = Number(values.referrals);

const startedAt = new Date();
const started = performance.now();
const errors: Record<string, string> = {};
let intake: IntakeResult | undefined;
let pipeline: PipelineResult | undefined;
let aggregation: AggregationResult | undefined;
let coldStart: ColdStartResult | undefined;

async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (!wanted(name)) return;
  const t = performance.now();
  try {
    await fn();
    log(`${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } catch (error) {
    errors[name] = (error as Error).stack ?? String(error);
    log(`${name} FAILED: ${(error as Error).message}`);
  }
}

let hub: TestHub | undefined;
// The cold starts answer their first requests on this hub too.
if (wanted('intake') || wanted('pipeline') || wanted('aggregation') || wanted('coldStart')) {
  log('starting a local hub (in memory)');
  hub = await startTestHub();
}
try {
  await section('intake', async () => {
    intake = await benchIntake(hub!, settings.intakeRuns, settings.intakeSeconds, settings.cpuReferrals);
  });
  await section('pipeline', async () => {
    pipeline = await benchPipeline(hub!, settings.pipelineRuns, settings.pipelinePerRun);
  });
  await section('aggregation', async () => {
    aggregation = await benchAggregation(hub!, settings.referrals, settings.perMonth, settings.exportRuns);
  });
  await section('coldStart', async () => {
    coldStart = await benchColdStart(hub!, settings.coldMeasure, settings.coldRuns);
  });
} finally {
  await hub?.stop();
}

const figures: Record<string, Record<string, Figure>> = {};
if (intake) {
  const cpuNote = (
    side: 'no key' | 'with a key',
    c: { hubCpuMsPerReferral: number; bareCpuMsPerReferral: number },
  ) =>
    `CPU ms per referral in the bench process, ${side}, one at a time: the intake handler ` +
    `${c.hubCpuMsPerReferral}, the bare requests ${c.bareCpuMsPerReferral}`;
  figures.intake = {
    throughputRatio: figure(intake.throughputRatio, '>=', 0.7, 'no Idempotency-Key'),
    p99Ratio: figure(intake.p99Ratio, '<=', 3, 'no Idempotency-Key'),
    keyedThroughputRatio: figure(
      intake.keyed.throughputRatio,
      '>=',
      0.7,
      "a unique Idempotency-Key per request; the bare side adds the idempotency record's two requests",
    ),
    keyedP99Ratio: figure(intake.keyed.p99Ratio, '<=', 3, 'as keyedThroughputRatio'),
    // Both sides above are bound by DynamoDB Local; the handler's own CPU shows an overhead regression.
    hubCpuMsPerReferral: reported(intake.hubCpuMsPerReferral, cpuNote('no key', intake)),
    cpuRatio: reported(intake.cpuRatio, "hubCpuMsPerReferral ÷ the bare requests' CPU ms, no key"),
    keyedHubCpuMsPerReferral: reported(intake.keyed.hubCpuMsPerReferral, cpuNote('with a key', intake.keyed)),
    keyedCpuRatio: reported(intake.keyed.cpuRatio, 'as cpuRatio, with a key'),
  };
}
if (pipeline) {
  const lost = `${pipeline.lostRequests} of ${pipeline.runs.reduce((n, r) => n + r.requests, 0)} requests never seen within ${pipeline.unseenSeconds} s or never issued`;
  figures.pipeline = {
    p95Seconds: figure(
      pipeline.p95Seconds,
      '<=',
      1,
      `${lost}; each counts at ${pipeline.unseenSeconds} s in the percentiles`,
    ),
    lostRequests: figure(pipeline.lostRequests, '<=', 0, lost),
  };
}
if (aggregation) {
  const sizes = aggregation.peakRssByTableSize;
  // The same one-month export on the small table and on the table with the big month added.
  const growth = sizes[1]!.peakRssMB - sizes[0]!.peakRssMB;
  figures.aggregation = {
    readRatio: figure(aggregation.readRatio, '<=', 2, `${aggregation.referrals} referrals in the month`),
    monthOfYearRatio: figure(aggregation.monthOfYearRatio, '<=', 0.15),
    peakRssMB: {
      value: aggregation.peakRssMB,
      target: 'does not grow with the table',
      met: growth <= 0.1 * sizes[0]!.peakRssMB,
      note: `peak RSS ${sizes.map((s) => `${s.peakRssMB} MB exporting ${s.itemsExported} of ${s.tableItems} items`).join('; ')}`,
    },
  };
}
if (coldStart)
  figures.coldStart = {
    maxBundleKB: figure(coldStart.maxBundleKB, '<=', 400),
    firstResponseRatio: figure(
      coldStart.firstResponseRatio,
      '<=',
      1.5,
      `INIT + first response, worst of ${coldStart.measured.length} functions, each against a hello world that ` +
        'imports and builds the same AWS SDK clients and makes one request with each client its first ' +
        `response uses; against a bare hello world (no SDK): ${coldStart.ratioVsBareHello}`,
    ),
    initRatio: figure(
      coldStart.initRatio,
      '<=',
      1.5,
      'INIT alone (each process less its first response), as before firstResponseRatio: worst of the same functions',
    ),
  };

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  os: `${platform()} ${release()}`,
};
const command = quick ? 'npm run bench -- --quick' : 'npm run bench';
const cost = costModel(intake, aggregation);
const results = {
  command: `${command}${values.only ? ` --only ${values.only}` : ''}${values.referrals ? ` ${quick ? '' : '-- '}--referrals ${values.referrals}` : ''}`,
  mode: quick ? 'quick' : 'full',
  date: startedAt.toISOString(),
  elapsedSeconds: Math.round((performance.now() - started) / 100) / 10,
  machine,
  settings,
  ...(quick
    ? { note: `quick mode: aggregation over ${settings.referrals} referrals, not 100,000; shorter runs` }
    : {}),
  figures,
  details: { intake, pipeline, aggregation, coldStart },
  cost: { ...cost, prices: PRICES },
  errors,
};
const resultsFile = new URL('./results.json', import.meta.url);
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote bench/results.json in ${results.elapsedSeconds} s`);
for (const [group, entries] of Object.entries(figures))
  for (const [name, f] of Object.entries(entries))
    log(
      `${group}.${name} = ${f.value} (target ${f.target}) ${f.met === null ? '' : f.met ? 'MET' : 'NOT MET'}`,
    );
if (!quick || values.markdown) {
  // Kept beside the latest run's results.json, so BENCHMARKS.md can be rendered again (node bench/render.ts)
  // after bench/findings.md is edited, without running the bench again.
  writeFileSync(new URL('./benchmarks-run.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), renderMarkdown(results));
  log('wrote BENCHMARKS.md and bench/benchmarks-run.json');
}
process.exit(Object.keys(errors).length > 0 ? 1 : 0);
