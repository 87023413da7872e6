/**
 * Downloads of the board's exports through the page session: `/board/downloads/PERIOD/PERIOD_ID.json|csv`
 * and `/board/downloads/definitions.md`. The key is built with `reportKey` from what parseReportFile reads
 * (a period kind on the allow-list and a real period of that kind), so no caller-made path reaches the bucket.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { parseReportFile } from '../../domain/metrics/report-files.ts';
import { CONTENT_TYPES, definitionsKey, getReport, reportKey } from '../../store/report-store.ts';
import { notFound } from '../shared/error-pages.ts';
import { type PageRequest, securityHeaders } from '../shared/http.ts';

export interface DownloadTarget {
  key: string;
  format: 'json' | 'csv' | 'md';
  filename: string;
}

/**
 * What `downloads/<rest>` names, or undefined: `PERIOD/PERIOD_ID.json|csv` for a known kind and a real
 * period of that kind, or `definitions.md`. Anything else (other kinds, ids of another kind, dot segments,
 * encoded slashes, other extensions) names nothing.
 */
export function downloadTarget(rest: string): DownloadTarget | undefined {
  if (rest === 'definitions.md') {
    return { key: definitionsKey('md'), format: 'md', filename: 'mash-board-definitions.md' };
  }
  const file = parseReportFile(rest);
  if (!file) return undefined;
  return {
    key: reportKey(file.period, file.periodId, file.format),
    format: file.format,
    filename: `mash-board-${file.period}-${file.periodId}.${file.format}`,
  };
}

/** The export `downloads/<rest>` names, as an attachment; "Page not found" when it names none or is not there. */
export async function downloadResponse(request: PageRequest, rest: string): Promise<APIGatewayProxyResult> {
  const target = downloadTarget(rest);
  if (!target) return notFound(request);
  const body = await getReport(target.key);
  if (body === undefined) return notFound(request);
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders(request.cspNonce),
      'Content-Type': CONTENT_TYPES[target.format],
      'Content-Disposition': `attachment; filename="${target.filename}"`,
      'Cache-Control': 'no-store',
    },
    body,
  };
}
