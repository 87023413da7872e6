/**
 * Runs in a fresh process (environment inherited from the bench's hub): either the board's monthly
 * export of the given months (src/services/metrics.ts exportPeriod) or the bare receipt-index Query
 * reading the same items. Prints one JSON line: elapsed ms, items, the exports' JSON keys, peak RSS.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parsePeriodId } from '../src/domain/metrics/periods.ts';
import { documents, resourceName } from '../src/platform/clients.ts';
import { s3 } from '../src/platform/s3.ts';
import { caseTable, reportsBucket } from '../src/resources.ts';
import { exportPeriod } from '../src/services/metrics.ts';
import { caseIndexes, receiptMonthPk } from '../src/store/keys.ts';

const [mode, ...months] = process.argv.slice(2);
const index = caseIndexes.byReceiptMonth;

async function bare(month: string): Promise<number> {
  const bounds = parsePeriodId('monthly', month);
  const tableName = resourceName(caseTable.envVar);
  let count = 0;
  // The export reads the UTC months the London month spans; the bench's items are mid-month, so one is enough
  // for the item count, but read every month partition the export reads, for the same requests.
  const first = bounds.periodStart.slice(0, 7);
  const last = bounds.periodEnd.slice(0, 7);
  for (const utcMonth of first === last ? [first] : [first, last]) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :start AND :end',
          ExpressionAttributeNames: { '#pk': index.partitionKey.name, '#sk': index.sortKey.name },
          ExpressionAttributeValues: {
            ':pk': receiptMonthPk(utcMonth),
            ':start': bounds.periodStart,
            ':end': bounds.periodEnd,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Items?.length ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return count;
}

// Warm-up outside the timing: the SDK's first requests (credentials, connections) are paid once per
// process (once per Lambda instance), the same for every mode, and say nothing about the export itself.
// An empty month partition is read, and the reports bucket is asked whether it exists.
await bare('1999-01');
await s3().send(new HeadBucketCommand({ Bucket: resourceName(reportsBucket.envVar) }));

let sampledPeak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
}, 5);
const baselineRss = process.memoryUsage().rss;
const started = performance.now();
let items = 0;
const jsonKeys: string[] = [];
for (const month of months) {
  if (mode === 'export') {
    const result = await exportPeriod('monthly', month);
    items += result.referrals;
    jsonKeys.push(result.jsonKey);
  } else items += await bare(month);
}
const elapsedMs = performance.now() - started;
clearInterval(sampler);
documents().destroy();
s3().destroy();
process.stdout.write(
  `${JSON.stringify({
    mode,
    months,
    items,
    jsonKeys,
    elapsedMs,
    baselineRssMB: baselineRss / 2 ** 20,
    sampledPeakRssMB: sampledPeak / 2 ** 20,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
process.exit(0);
