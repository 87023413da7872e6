/** Consumes the information-request queue: each message puts one request in its agency's inbox, once. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documents } from '../../src/platform/clients.ts';
import { logger } from '../../src/platform/powertools.ts';
import { createDeliveryConsumer } from '../../src/services/delivery-consumer.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = middy(createDeliveryConsumer('request')).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
