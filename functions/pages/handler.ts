/**
 * The `pages` function: the server-rendered GOV.UK pages (start page, referral form, feedback) and
 * their static assets, behind API Gateway REST proxy routes (src/routes.ts). The controllers live in
 * src/pages; the nunjucks environment is built once per cold start.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { loadCsrfSecret } from '../../src/pages/csrf.ts';
import { routePage } from '../../src/pages/router.ts';
import { registerLambdaContext } from '../../src/services/intake.ts';

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(
  async (event: APIGatewayProxyEvent, context: Context) => {
    // The check-answers page submits through Powertools idempotency, which sizes its lock to the invocation.
    if (typeof context?.getRemainingTimeInMillis === 'function') registerLambdaContext(context);
    await loadCsrfSecret();
    return routePage(event);
  },
);
