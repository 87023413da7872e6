/**
 * The `pages` function: the public site (start page, referral form, feedback) and the static assets,
 * behind API Gateway REST proxy routes (src/routes.ts). The controllers live in src/pages; the nunjucks
 * environment is built once per cold start. The staff pages are the `staff-pages` function.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routePublicPage } from '../../src/pages/public-site.ts';
import { loadCsrfSecret } from '../../src/pages/shared/csrf.ts';
import { documents } from '../../src/platform/clients.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { registerLambdaContext } from '../../src/services/intake.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = hubHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(
  'pages',
  async (event, context) => {
    // The check-answers page submits through Powertools idempotency, which sizes its lock to the invocation.
    if (typeof context?.getRemainingTimeInMillis === 'function') registerLambdaContext(context);
    await loadCsrfSecret();
    return routePublicPage(event);
  },
);
