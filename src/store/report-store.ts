/**
 * The board's exports in the reports bucket: `reports/PERIOD/PERIOD_ID.{json,csv}` and the published
 * definitions. Keys are built here only, from validated period kinds and ids: no caller-made paths.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { PeriodKind } from '../domain/metrics/periods.ts';
import { parseReportFile, type ReportFormat, reportFileName } from '../domain/metrics/report-files.ts';
import { resourceName } from '../platform/clients.ts';
import { s3 } from '../platform/s3.ts';
import { reportsBucket } from '../resources.ts';

export { PERIOD_KINDS, type PeriodKind } from '../domain/metrics/periods.ts';

export const CONTENT_TYPES: Record<ReportFormat | 'md', string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

const GENERATED_AT = 'generated-at';

export function reportKey(period: PeriodKind, periodId: string, format: ReportFormat): string {
  return `${reportsBucket.prefix}${reportFileName(period, periodId, format)}`;
}

export const definitionsKey = (format: 'json' | 'md') => `${reportsBucket.prefix}definitions.${format}`;

export async function putReport(key: string, body: string, format: ReportFormat | 'md', generatedAt: string) {
  await s3().send(
    new PutObjectCommand({
      Bucket: resourceName(reportsBucket.envVar),
      Key: key,
      Body: body,
      ContentType: CONTENT_TYPES[format],
      Metadata: { [GENERATED_AT]: generatedAt },
    }),
  );
}

export async function getReport(key: string): Promise<string | undefined> {
  try {
    const result = await s3().send(
      new GetObjectCommand({ Bucket: resourceName(reportsBucket.envVar), Key: key }),
    );
    return await result.Body?.transformToString('utf-8');
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string })?.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

export interface ReportListing {
  key: string;
  period: PeriodKind;
  periodId: string;
  generatedAt: string;
}

/** Every JSON export, newest period first within each kind. */
export async function listReports(): Promise<ReportListing[]> {
  const listings: ReportListing[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: resourceName(reportsBucket.envVar),
        Prefix: reportsBucket.prefix,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const file = key.startsWith(reportsBucket.prefix)
        ? parseReportFile(key.slice(reportsBucket.prefix.length))
        : undefined;
      if (file?.format !== 'json') continue;
      listings.push({
        key,
        period: file.period,
        periodId: file.periodId,
        generatedAt: (object.LastModified ?? new Date(0)).toISOString(),
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  // generatedAt is the export's own (the hub's clock), kept in the object's metadata.
  for (let start = 0; start < listings.length; start += 16) {
    await Promise.all(
      listings.slice(start, start + 16).map(async (listing) => {
        const head = await s3().send(
          new HeadObjectCommand({ Bucket: resourceName(reportsBucket.envVar), Key: listing.key }),
        );
        const generatedAt = head.Metadata?.[GENERATED_AT];
        if (generatedAt) listing.generatedAt = generatedAt;
      }),
    );
  }
  return listings.sort((a, b) => a.period.localeCompare(b.period) || b.periodId.localeCompare(a.periodId));
}
