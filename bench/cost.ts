/**
 * The AWS cost per 1,000 referrals, from what the bench measured: the items one referral writes (sizes
 * → write request units, with the indexes they land in), the Queries it reads, the intake Lambda's
 * duration, API Gateway requests, and the SQS and S3 requests of the rest of the pipeline.
 */
import type { AggregationResult } from './aggregation.ts';
import type { IntakeResult } from './intake.ts';

/** eu-west-2 (London) on-demand list prices as the author knows them: CHECK before relying on them. */
export const PRICES = {
  asOf: '2025-06 (remembered AWS list prices for eu-west-2; not fetched: must be checked against aws.amazon.com/pricing)',
  dynamoDbPerMillionWru: 0.7425,
  dynamoDbPerMillionRru: 0.1485,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  apiGatewayRestPerMillion: 3.7,
  sqsPerMillionRequests: 0.4,
  s3PutPer1000: 0.0053,
} as const;

const KB = 1024;

export interface CostLine {
  item: string;
  perReferral: number;
  unit: string;
  usdPer1000: number;
}

export function costModel(intake: IntakeResult | undefined, aggregation: AggregationResult | undefined) {
  const lines: CostLine[] = [];
  if (intake) {
    const { items, queries } = intake.writes;
    // TransactWriteItems: 2 WRU per started KB of each item.
    const transactionWru = items.reduce((total, item) => total + 2 * Math.ceil(item.bytes / KB), 0);
    // The case item lands in byDue, byStatus and openByDue (each projects a queue row: keys and seven
    // short attributes, well under 1 KB) and in byReceiptMonth (keys, facts and feedback counters, under
    // 1 KB): one standard write unit each.
    const indexWru = 4;
    const estimated = transactionWru + indexWru;
    // DynamoDB Local reports what the transaction consumed (table and each index); use it when it does.
    const reported = Array.isArray(intake.writes.consumedCapacity)
      ? (intake.writes.consumedCapacity as Array<{ WriteCapacityUnits?: number }>)[0]?.WriteCapacityUnits
      : undefined;
    const wru = reported ?? estimated;
    // An eventually consistent Query reads at least 0.5 RRU (4 KB); a new subject's partition is empty.
    const rru = queries * 0.5;
    const durationSeconds = intake.hubMedian.p50Ms / 1000;
    lines.push(
      {
        item: 'API Gateway REST request',
        perReferral: 1,
        unit: 'requests',
        usdPer1000: (1000 * PRICES.apiGatewayRestPerMillion) / 1e6,
      },
      {
        item: 'Lambda intake invocation',
        perReferral: 1,
        unit: 'requests',
        usdPer1000: (1000 * PRICES.lambdaPerMillionRequests) / 1e6,
      },
      {
        item: `Lambda intake duration (512 MB × ${intake.hubMedian.p50Ms} ms, local p50 as a proxy)`,
        perReferral: 0.5 * durationSeconds,
        unit: 'GB-s',
        usdPer1000: 1000 * 0.5 * durationSeconds * PRICES.lambdaArmPerGbSecond,
      },
      {
        item:
          reported !== undefined
            ? `DynamoDB writes (as DynamoDB Local reported them; estimate from item sizes: ${estimated})`
            : `DynamoDB writes (estimated from item sizes: transaction ${transactionWru} + indexes ${indexWru})`,
        perReferral: wru,
        unit: 'WRU',
        usdPer1000: (1000 * wru * PRICES.dynamoDbPerMillionWru) / 1e6,
      },
      {
        item: `DynamoDB re-referral Queries (${queries})`,
        perReferral: rru,
        unit: 'RRU',
        usdPer1000: (1000 * rru * PRICES.dynamoDbPerMillionRru) / 1e6,
      },
    );
  }
  // One information request per referral (assumed): POST (API + cases Lambda), SendMessage, and the
  // consumer's ReceiveMessage and DeleteMessage (batched up to 10; counted as one each: the worst case).
  lines.push(
    {
      item: 'Information request: API Gateway + cases Lambda (1 per referral, assumed)',
      perReferral: 1,
      unit: 'requests',
      usdPer1000: (1000 * (PRICES.apiGatewayRestPerMillion + PRICES.lambdaPerMillionRequests)) / 1e6,
    },
    {
      item: 'Information request: SQS send, receive, delete',
      perReferral: 3,
      unit: 'requests',
      usdPer1000: (1000 * 3 * PRICES.sqsPerMillionRequests) / 1e6,
    },
  );
  if (aggregation) {
    // Each referral is read by its daily, weekly and monthly export: index items of keys + facts.
    const indexBytes = 400;
    const rru = (3 * indexBytes) / (4 * KB) / 2;
    lines.push({
      item: `Exports: 3 reads of a ~${indexBytes} B index item (eventually consistent Query)`,
      perReferral: rru,
      unit: 'RRU',
      usdPer1000: (1000 * rru * PRICES.dynamoDbPerMillionRru) / 1e6,
    });
  }
  const total = lines.reduce((sum, line) => sum + line.usdPer1000, 0);
  // Exports: 4 objects per export, ~30 daily + ~4.3 weekly + 1 monthly a month, whatever the volume.
  const s3PutsPerMonth = 4 * (30 + 4.35 + 1);
  return {
    lines,
    usdPer1000Referrals: total,
    s3PutsPerMonth,
    s3UsdPerMonth: (s3PutsPerMonth * PRICES.s3PutPer1000) / 1000,
  };
}
