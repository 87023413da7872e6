/**
 * Delivery of requests and products to agencies: an outbox. The workflow first commits the request or
 * product (as undelivered) with the case change, then sends one queue message per item; the queue's
 * consumer puts it in the agency's inbox, once, however often the message arrives. A message that
 * could not be sent is re-sent by the delivery sweeper, so nothing recorded is ever lost.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { resourceName } from '../platform/clients.ts';
import { logger } from '../platform/powertools.ts';
import { sqs } from '../platform/sqs.ts';
import { informationProductQueue, informationRequestQueue } from '../resources.ts';
import type { DeliveryKind } from '../store/case-store.ts';

export const deliveryMessageSchema = z.object({
  kind: z.enum(['request', 'product']),
  id: z.uuid(),
});
type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

const QUEUES = { request: informationRequestQueue, product: informationProductQueue } as const;

/** Sends one message per id; returns how many could not be sent (the sweeper will re-send those). */
export async function sendDeliveries(kind: DeliveryKind, ids: string[]): Promise<number> {
  const queueUrl = resourceName(QUEUES[kind].envVar);
  let failed = 0;
  for (let start = 0; start < ids.length; start += 10) {
    const batch = ids.slice(start, start + 10);
    try {
      const result = await sqs().send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((id, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({ kind, id } satisfies DeliveryMessage),
          })),
        }),
      );
      failed += result.Failed?.length ?? 0;
    } catch (error) {
      failed += batch.length;
      logger.warn('delivery messages not sent; the sweeper will re-send them', {
        kind,
        count: batch.length,
        errorName: (error as Error)?.name,
      });
    }
  }
  return failed;
}
