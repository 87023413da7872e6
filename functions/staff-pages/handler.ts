/**
 * The `staff-pages` function: the signed-in pages (MASH workbench, agency portal, board dashboard),
 * behind API Gateway REST proxy routes (src/routes.ts). Each page checks the session cookie and the
 * caller's role; the controllers live in src/pages. Its role, unlike the public `pages` function's,
 * may read and change cases and read the board's exports.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCsrfSecret } from '../../src/pages/shared/csrf.ts';
import { routeStaffPage } from '../../src/pages/staff-site.ts';
import { documents } from '../../src/platform/clients.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { s3 } from '../../src/platform/s3.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();
s3();

export const handler = hubHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(
  'staff-pages',
  async (event) => {
    await loadCsrfSecret();
    return routeStaffPage(event);
  },
);
