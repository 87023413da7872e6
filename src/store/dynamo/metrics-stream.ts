/**
 * The board's exports read the receipt index: the metric facts of every referral received in a
 * period, month partition by month partition and page by page, so memory stays bounded however large
 * the table and nothing else is read (only the facts and feedback counters are projected).
 */
import { type NativeAttributeValue, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type factsOf, referralFacts } from '../../domain/case-facts.ts';
import type { ReferralFacts } from '../../domain/metrics/facts.ts';
import { caseIndexes, receiptMonthPk } from '../keys.ts';
import type { CaseTableHandle } from './table.ts';

const byReceiptMonth = caseIndexes.byReceiptMonth;

/**
 * The facts of every referral received in [start, end). The bounds are bare instants: a receipt key
 * `<receivedAt>#<caseId>` at exactly `end` sorts after `end`, so BETWEEN leaves it out.
 */
export async function* streamReceived(
  table: CaseTableHandle,
  start: string,
  end: string,
): AsyncGenerator<ReferralFacts> {
  for (const month of utcMonthsBetween(start, end)) {
    let startKey: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: byReceiptMonth.indexName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :start AND :end',
          ExpressionAttributeNames: {
            '#pk': byReceiptMonth.partitionKey.name,
            '#sk': byReceiptMonth.sortKey.name,
          },
          ExpressionAttributeValues: { ':pk': receiptMonthPk(month), ':start': start, ':end': end },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.facts) yield referralFacts(item.facts as ReturnType<typeof factsOf>, item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

/** `2026-03-31T23:00:00.000Z`..`2026-04-30T23:00:00.000Z` → ['2026-03', '2026-04']. */
function utcMonthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  const last = end.slice(0, 7);
  for (;;) {
    const id = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (id > last) break;
    months.push(id);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}
