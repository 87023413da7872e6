/** Consumes the information-product queue: each message puts one product in the recipient agency's inbox, once. */
import { documents } from '../../src/platform/clients.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { functionMetrics } from '../../src/platform/powertools.ts';
import { createDeliveryConsumer } from '../../src/services/delivery-consumer.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

export const handler = hubHandler(
  'product-dispatch',
  createDeliveryConsumer('product', functionMetrics('product-dispatch')),
);
