/**
 * intake.throughputRatio and intake.p99Ratio: POST /api/referrals on the local hub at concurrency 16
 * (autocannon), against the bare DynamoDB requests one referral makes (the same Queries and
 * TransactWriteItems, issued by the bench on the same DynamoDB Local at the same concurrency).
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import type { TestHub } from '../test/helpers/hub.ts';
import { createCaseTransaction, itemSizeBytes, planReferral, sightingQueries } from './records.ts';
import { benchReferral } from './referrals.ts';
import { log, median, percentile, round } from './stats.ts';

export interface LoadRun {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  errors: number;
}

async function hubRun(hub: TestHub, connections: number, seconds: number): Promise<LoadRun> {
  const result = await autocannon({
    url: `${hub.url}/api/referrals`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: JSON.stringify(benchReferral()) }),
      },
    ],
  });
  return {
    throughput: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    completed: result['2xx'],
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** One referral's DynamoDB requests, issued directly. */
async function bareReferral(hub: TestHub): Promise<void> {
  const plan = planReferral(benchReferral(), new Date());
  await Promise.all(sightingQueries(plan).map((input) => hub.documents.send(new QueryCommand(input))));
  await hub.documents.send(new TransactWriteCommand(createCaseTransaction(plan)));
}

async function bareRun(hub: TestHub, connections: number, seconds: number): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await bareReferral(hub);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return {
    throughput: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    completed: latencies.length,
    errors,
  };
}

export interface IntakeResult {
  throughputRatio: number;
  p99Ratio: number;
  runs: Array<{ hub: LoadRun; bare: LoadRun }>;
  hubMedian: { throughput: number; p50Ms: number; p99Ms: number };
  bareMedian: { throughput: number; p50Ms: number; p99Ms: number };
  connections: number;
  secondsPerRun: number;
  /** What one referral writes, for the cost model. */
  writes: { items: Array<{ kind: string; bytes: number }>; queries: number; consumedCapacity?: unknown };
}

export async function benchIntake(hub: TestHub, runs: number, seconds: number): Promise<IntakeResult> {
  const connections = 16;
  log(`intake: warm-up`);
  await hubRun(hub, connections, 1);
  await bareRun(hub, connections, 1);
  const results: Array<{ hub: LoadRun; bare: LoadRun }> = [];
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so drift on a shared machine does not favour one side.
    const first = run % 2 === 0 ? 'hub' : 'bare';
    const a =
      first === 'hub' ? await hubRun(hub, connections, seconds) : await bareRun(hub, connections, seconds);
    const b =
      first === 'hub' ? await bareRun(hub, connections, seconds) : await hubRun(hub, connections, seconds);
    const pair = first === 'hub' ? { hub: a, bare: b } : { hub: b, bare: a };
    results.push(pair);
    log(
      `intake run ${run + 1}/${runs}: hub ${pair.hub.throughput.toFixed(1)}/s p99 ${pair.hub.p99Ms.toFixed(0)} ms ` +
        `(errors ${pair.hub.errors}); bare ${pair.bare.throughput.toFixed(1)}/s p99 ${pair.bare.p99Ms.toFixed(1)} ms`,
    );
  }
  const med = (side: 'hub' | 'bare') => ({
    throughput: round(median(results.map((r) => r[side].throughput)), 1),
    p50Ms: round(median(results.map((r) => r[side].p50Ms)), 1),
    p99Ms: round(median(results.map((r) => r[side].p99Ms)), 1),
  });

  // The item sizes of one referral's transaction, and what DynamoDB Local says it consumed.
  const plan = planReferral(benchReferral(), new Date());
  const transaction = createCaseTransaction(plan);
  const items = transaction.TransactItems.map((entry) => ({
    kind: String(entry.Put.Item.type),
    bytes: itemSizeBytes(entry.Put.Item),
  }));
  let consumedCapacity: unknown;
  try {
    const out = await hub.documents.send(
      new TransactWriteCommand({ ...transaction, ReturnConsumedCapacity: 'INDEXES' }),
    );
    consumedCapacity = out.ConsumedCapacity;
  } catch (error) {
    consumedCapacity = `not available: ${(error as Error).message}`;
  }

  return {
    throughputRatio:
      median(results.map((r) => r.hub.throughput)) / median(results.map((r) => r.bare.throughput)),
    p99Ratio: median(results.map((r) => r.hub.p99Ms)) / median(results.map((r) => r.bare.p99Ms)),
    runs: results,
    hubMedian: med('hub'),
    bareMedian: med('bare'),
    connections,
    secondsPerRun: seconds,
    writes: { items, queries: plan.record.subjectIdentityKeys.length, consumedCapacity },
  };
}
