/** The board's exports: GET /api/reports and GET /api/reports/{period}/{periodId}.{json,csv}, board only. */

import { verifyToken } from '../../src/auth/caller.ts';
import { parseReportFile } from '../../src/domain/metrics/report-files.ts';
import { createApiHandler } from '../../src/http/api.ts';
import { notFound } from '../../src/http/errors.ts';
import { s3 } from '../../src/platform/s3.ts';
import { CONTENT_TYPES, getReport, listReports, reportKey } from '../../src/store/report-store.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
s3();

export const handler = createApiHandler(
  'reports',
  {
    'GET /api/reports': async () => ({ statusCode: 200, body: { items: await listReports() } }),

    'GET /api/reports/{period}/{file}': async ({ pathParameters }) => {
      // Only keys this API builds from a known period kind and a valid id of that kind: no path tricks.
      const file = parseReportFile(`${pathParameters.period}/${pathParameters.file}`);
      if (!file) throw notFound('There is no such export.');
      const body = await getReport(reportKey(file.period, file.periodId, file.format));
      if (body === undefined) throw notFound('There is no such export.');
      return { statusCode: 200, raw: body, headers: { 'Content-Type': CONTENT_TYPES[file.format] } };
    },
  },
  { verifyToken },
);
