/** Consumes the information-request queue: each message puts one request in its agency's inbox, once. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../src/platform/powertools.ts';
import { createDeliveryConsumer } from '../../src/services/delivery-consumer.ts';

export const handler = middy(createDeliveryConsumer('request')).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
