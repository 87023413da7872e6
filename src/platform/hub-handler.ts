/**
 * The one wrapper every Lambda handler is built with (the JSON API's through src/http/api.ts):
 *
 * 1. the Lambda context goes into the shared logger, so every line of the invocation carries its
 *    function name and request id (`function_request_id`), and keys appended during an invocation are
 *    dropped at its end (`resetKeys`). The event is never logged (no `logEvent`): it carries
 *    safeguarding data, and the redacting formatter refuses it anyway;
 * 2. the function's metrics (`functionMetrics(name)`) are flushed as one CloudWatch EMF line at the end
 *    of every invocation, whether it returned or threw, with a `ColdStart` metric on the first.
 *
 * middy runs `before` in the order middlewares are used and `after`/`onError` in reverse: the logger is
 * used first so its context is set before anything else runs and still set while metrics are flushed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../resources.ts';
import { functionMetrics, logger } from './powertools.ts';

export function hubHandler<TEvent, TResult>(
  name: FunctionName,
  handle: (event: TEvent, context: Context) => Promise<TResult>,
) {
  return middy<TEvent, TResult>(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(functionMetrics(name), { captureColdStartMetric: true, throwOnEmptyMetrics: false }));
}
