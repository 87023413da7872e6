/** The board's exports: GET /api/reports and GET /api/reports/{period}/{periodId}.{json,csv}, board only. */

import { verifyToken } from '../../src/auth/caller.ts';
import { isValidPeriodId } from '../../src/domain/metrics/periods.ts';
import { createApiHandler } from '../../src/http/api.ts';
import { notFound } from '../../src/http/errors.ts';
import { s3 } from '../../src/platform/s3.ts';
import {
  CONTENT_TYPES,
  getReport,
  listReports,
  PERIOD_KINDS,
  type PeriodKind,
  reportKey,
} from '../../src/store/report-store.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
s3();

const FILE = /^([0-9]{4}-(?:[0-9]{2}-[0-9]{2}|W[0-9]{2}|[0-9]{2}))\.(json|csv)$/;

export const handler = createApiHandler(
  'reports',
  {
    'GET /api/reports': async () => ({ statusCode: 200, body: { items: await listReports() } }),

    'GET /api/reports/{period}/{file}': async ({ pathParameters }) => {
      const period = PERIOD_KINDS.find((kind) => kind === pathParameters.period) as PeriodKind | undefined;
      const match = FILE.exec(pathParameters.file ?? '');
      // Only keys this API builds from a known period kind and a valid id of that kind: no path tricks.
      if (!period || !match || !isValidPeriodId(period, match[1]!))
        throw notFound('There is no such export.');
      const format = match[2] as 'json' | 'csv';
      const body = await getReport(reportKey(period, match[1]!, format));
      if (body === undefined) throw notFound('There is no such export.');
      return { statusCode: 200, raw: body, headers: { 'Content-Type': CONTENT_TYPES[format] } };
    },
  },
  { verifyToken },
);
