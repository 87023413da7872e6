/**
 * The `pages` function: the public site (start page, referral form, feedback) and the static assets,
 * behind API Gateway REST proxy routes (src/routes.ts). The controllers live in src/pages; the nunjucks
 * environment is built once per cold start. The staff pages are the `staff-pages` function.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routePublicPage } from '../../src/pages/public-site.ts';
import { loadCsrfSecret } from '../../src/pages/shared/csrf.ts';
import { documents } from '../../src/platform/clients.ts';
import { registerLambdaContext } from '../../src/services/intake.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(
  async (event: APIGatewayProxyEvent, context: Context) => {
    // The check-answers page submits through Powertools idempotency, which sizes its lock to the invocation.
    if (typeof context?.getRemainingTimeInMillis === 'function') registerLambdaContext(context);
    await loadCsrfSecret();
    return routePublicPage(event);
  },
);
