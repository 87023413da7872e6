/**
 * intake.throughputRatio and intake.p99Ratio: POST /api/referrals on the local hub at concurrency 16
 * (autocannon), against the bare DynamoDB requests one referral makes (the same Queries and
 * TransactWriteItems, issued by the bench on the same DynamoDB Local at the same concurrency).
 *
 * Twice: without an Idempotency-Key (the figures' historical names), and with a unique key on every
 * request (`keyed*`), whose bare side adds the two requests Powertools idempotency makes around the
 * referral (the conditional PutItem of the in-progress record, then its UpdateItem to completed).
 *
 * Both sides are bound by DynamoDB Local on this machine, so the ratios cannot show the hub's own
 * overhead growing. Beside them: the CPU time this process spends per referral (`process.cpuUsage()`),
 * calling the intake handler directly one request at a time, against the same for the bare requests.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { invokeHandler, type LambdaHandler } from '../local/lambda-context.ts';
import { functions, idempotencyTable, limits } from '../src/resources.ts';
import type { TestHub } from '../test/helpers/hub.ts';
import { createCaseTransaction, itemSizeBytes, planReferral, sightingQueries } from './records.ts';
import { benchReferral } from './referrals.ts';
import { log, median, percentile, round } from './stats.ts';

interface LoadRun {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  errors: number;
}

type Side = 'hub' | 'bare';

async function hubRun(hub: TestHub, connections: number, seconds: number, keyed: boolean): Promise<LoadRun> {
  const result = await autocannon({
    url: `${hub.url}/api/referrals`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          ...(keyed ? { headers: { ...request.headers, 'idempotency-key': `bench-${randomUUID()}` } } : {}),
          body: JSON.stringify(benchReferral()),
        }),
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

/**
 * The idempotency record's requests as Powertools' DynamoDBPersistenceLayer makes them (its record
 * shape, with its default attribute names), for a key never seen before.
 */
function idempotencyRequests(key: string) {
  const tableName = idempotencyTable.localName;
  const id = `mash-intake#${key}`;
  const now = Date.now();
  const expiration = Math.floor(now / 1000) + limits.idempotencyTtlSeconds;
  const validation = randomUUID().replaceAll('-', '');
  return {
    lock: new PutCommand({
      TableName: tableName,
      Item: { id, expiration, status: 'INPROGRESS', in_progress_expiration: now + 10_000, validation },
      ConditionExpression:
        'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND ' +
        'attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
      ExpressionAttributeNames: {
        '#id': 'id',
        '#expiry': 'expiration',
        '#in_progress_expiry': 'in_progress_expiration',
        '#status': 'status',
      },
      ExpressionAttributeValues: { ':now': now / 1000, ':now_in_millis': now, ':inprogress': 'INPROGRESS' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
    complete: (response: unknown) =>
      new UpdateCommand({
        TableName: tableName,
        Key: { id },
        UpdateExpression:
          'SET #expiry = :expiry, #status = :status, #response_data = :response_data, #validation_key = :validation_key',
        ExpressionAttributeNames: {
          '#expiry': 'expiration',
          '#status': 'status',
          '#response_data': 'data',
          '#validation_key': 'validation',
        },
        ExpressionAttributeValues: {
          ':expiry': expiration,
          ':status': 'COMPLETED',
          ':response_data': JSON.stringify(response),
          ':validation_key': validation,
        },
      }),
  };
}

/** One referral's DynamoDB requests, issued directly (with a key: inside the idempotency record's two). */
async function bareReferral(hub: TestHub, keyed: boolean): Promise<void> {
  const plan = planReferral(benchReferral(), new Date());
  const idempotency = keyed ? idempotencyRequests(`bench-${randomUUID()}`) : undefined;
  if (idempotency) await hub.documents.send(idempotency.lock);
  await Promise.all(sightingQueries(plan).map((input) => hub.documents.send(new QueryCommand(input))));
  await hub.documents.send(new TransactWriteCommand(createCaseTransaction(plan)));
  if (idempotency)
    await hub.documents.send(
      idempotency.complete({
        reference: plan.record.reference,
        receivedAt: plan.record.receivedAt,
        decisionDueAt: plan.record.decisionDueAt,
        receiptToken: randomUUID(),
      }),
    );
}

async function bareRun(hub: TestHub, connections: number, seconds: number, keyed: boolean): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await bareReferral(hub, keyed);
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

/**
 * A POST /api/referrals event as API Gateway (and the local hub's adapter) hands it to the handler.
 * Only what the API shell reads.
 */
function referralEvent(keyed: boolean) {
  const requestId = randomUUID();
  return {
    resource: '/api/referrals',
    path: '/api/referrals',
    httpMethod: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(keyed ? { 'idempotency-key': `bench-${randomUUID()}` } : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId, identity: { sourceIp: '127.0.0.1' } },
    body: JSON.stringify(benchReferral()),
    isBase64Encoded: false,
  };
}

/**
 * CPU milliseconds this process spends per referral, one referral at a time so that nothing else of
 * the bench runs meanwhile (the hub's queue poller, idle here, is the only other work in the process):
 * on the hub side the intake handler itself, called as Lambda would call it (no HTTP server, no client),
 * on the bare side the bench's own DynamoDB requests. Both include the AWS SDK's work for their requests.
 */
async function cpuMsPerReferral(hub: TestHub, side: Side, keyed: boolean, count: number): Promise<number> {
  const intake = { name: 'intake' as const, ...functions.intake };
  // Imported only now, with the hub up: a handler module builds its AWS clients from the environment
  // at import (the hub's endpoints). The same module instance the hub runs.
  const intakeHandler = (await import('../functions/intake/handler.ts')).handler as unknown as LambdaHandler;
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    if (side === 'bare') {
      await bareReferral(hub, keyed);
      continue;
    }
    const result = (await invokeHandler(intake, intakeHandler, referralEvent(keyed))) as {
      statusCode: number;
    };
    if (result.statusCode !== 201) throw new Error(`the intake handler answered ${result.statusCode}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / count;
}

interface LoadComparison {
  throughputRatio: number;
  p99Ratio: number;
  runs: Array<{ hub: LoadRun; bare: LoadRun }>;
  hubMedian: { throughput: number; p50Ms: number; p99Ms: number };
  bareMedian: { throughput: number; p50Ms: number; p99Ms: number };
  /** CPU ms per referral in this process, median of the CPU runs: hub handler, bare requests, and their ratio. */
  hubCpuMsPerReferral: number;
  bareCpuMsPerReferral: number;
  cpuRatio: number;
  cpuRuns: Array<{ hub: number; bare: number }>;
}

export interface IntakeResult extends LoadComparison {
  /** The same with a unique Idempotency-Key on every request. */
  keyed: LoadComparison;
  connections: number;
  secondsPerRun: number;
  /** Referrals per CPU run, one at a time. */
  cpuReferralsPerRun: number;
  /** What one referral writes, for the cost model. */
  writes: { items: Array<{ kind: string; bytes: number }>; queries: number; consumedCapacity?: unknown };
}

async function compare(
  hub: TestHub,
  keyed: boolean,
  runs: number,
  seconds: number,
  cpuReferrals: number,
  warmUp: boolean,
): Promise<LoadComparison> {
  const connections = 16;
  const label = keyed ? 'intake (Idempotency-Key)' : 'intake';
  if (warmUp) {
    log(`${label}: warm-up`);
    await hubRun(hub, connections, 1, keyed);
    await bareRun(hub, connections, 1, keyed);
  }
  const results: Array<{ hub: LoadRun; bare: LoadRun }> = [];
  const cpuRuns: Array<{ hub: number; bare: number }> = [];
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so drift on a shared machine does not favour one side.
    const order: Side[] = run % 2 === 0 ? ['hub', 'bare'] : ['bare', 'hub'];
    const pair = {} as { hub: LoadRun; bare: LoadRun };
    for (const side of order)
      pair[side] =
        side === 'hub'
          ? await hubRun(hub, connections, seconds, keyed)
          : await bareRun(hub, connections, seconds, keyed);
    const cpu = {} as { hub: number; bare: number };
    for (const side of order) cpu[side] = await cpuMsPerReferral(hub, side, keyed, cpuReferrals);
    results.push(pair);
    cpuRuns.push(cpu);
    log(
      `${label} run ${run + 1}/${runs}: hub ${pair.hub.throughput.toFixed(1)}/s p99 ${pair.hub.p99Ms.toFixed(0)} ms ` +
        `(errors ${pair.hub.errors}) CPU ${cpu.hub.toFixed(2)} ms/referral; bare ${pair.bare.throughput.toFixed(1)}/s ` +
        `p99 ${pair.bare.p99Ms.toFixed(1)} ms (errors ${pair.bare.errors}) CPU ${cpu.bare.toFixed(2)} ms/referral`,
    );
  }
  const med = (side: Side) => ({
    throughput: round(median(results.map((r) => r[side].throughput)), 1),
    p50Ms: round(median(results.map((r) => r[side].p50Ms)), 1),
    p99Ms: round(median(results.map((r) => r[side].p99Ms)), 1),
  });
  const hubCpu = median(cpuRuns.map((r) => r.hub));
  const bareCpu = median(cpuRuns.map((r) => r.bare));
  return {
    throughputRatio:
      median(results.map((r) => r.hub.throughput)) / median(results.map((r) => r.bare.throughput)),
    p99Ratio: median(results.map((r) => r.hub.p99Ms)) / median(results.map((r) => r.bare.p99Ms)),
    runs: results,
    hubMedian: med('hub'),
    bareMedian: med('bare'),
    hubCpuMsPerReferral: round(hubCpu, 3),
    bareCpuMsPerReferral: round(bareCpu, 3),
    cpuRatio: hubCpu / bareCpu,
    cpuRuns: cpuRuns.map((r) => ({ hub: round(r.hub, 3), bare: round(r.bare, 3) })),
  };
}

export async function benchIntake(
  hub: TestHub,
  runs: number,
  seconds: number,
  cpuReferrals: number,
): Promise<IntakeResult> {
  const plain = await compare(hub, false, runs, seconds, cpuReferrals, true);
  // The hub and DynamoDB Local are warm by now; the keyed path's first use is a few requests of 1.5 s or more.
  const keyed = await compare(hub, true, runs, seconds, cpuReferrals, false);

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
    ...plain,
    keyed,
    connections: 16,
    secondsPerRun: seconds,
    cpuReferralsPerRun: cpuReferrals,
    writes: { items, queries: plan.record.subjectIdentityKeys.length, consumedCapacity },
  };
}
