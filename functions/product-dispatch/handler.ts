/** Consumes the information-product queue: each message puts one product in the recipient agency's inbox, once. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documents } from '../../src/platform/clients.ts';
import { logger } from '../../src/platform/powertools.ts';
import { createDeliveryConsumer } from '../../src/services/delivery-consumer.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = middy(createDeliveryConsumer('product')).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
