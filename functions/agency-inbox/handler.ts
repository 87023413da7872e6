/** Consumes the information-request queue: each message puts one request in its agency's inbox, once. */
import { documents } from '../../src/platform/clients.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { functionMetrics } from '../../src/platform/powertools.ts';
import { createDeliveryConsumer } from '../../src/services/delivery-consumer.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = hubHandler(
  'agency-inbox',
  createDeliveryConsumer('request', functionMetrics('agency-inbox')),
);
