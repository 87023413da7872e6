/**
 * Every minute: re-sends the queue message of any request or product recorded more than a minute ago
 * and still undelivered (its first send failed, or was lost). Delivery is idempotent, so a re-send
 * that races the original does no harm.
 */
import { documents } from '../../src/platform/clients.ts';
import { hubClock } from '../../src/platform/clock.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { logger } from '../../src/platform/powertools.ts';
import { sqs } from '../../src/platform/sqs.ts';
import { sendDeliveries } from '../../src/services/delivery.ts';
import { caseStore } from '../../src/services/store.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();
sqs();

const GRACE_MS = 60_000;

export const handler = hubHandler('delivery-sweeper', async () => {
  const before = new Date(hubClock.now().getTime() - GRACE_MS).toISOString();
  const result: Record<string, number> = {};
  for (const kind of ['request', 'product'] as const) {
    const undelivered = await caseStore().listUndelivered(kind, before);
    const failed = await sendDeliveries(
      kind,
      undelivered.map((item) => item.id),
    );
    result[kind] = undelivered.length - failed;
  }
  if (result.request || result.product) logger.info('re-sent undelivered items', result);
  return result;
});
