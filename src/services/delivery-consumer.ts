/**
 * The queue consumers' shared core: each record names a request or product; delivering it puts it in
 * its agency's inbox exactly once (a duplicate delivery changes nothing). A record that cannot be
 * delivered fails alone (partial batch response) and, after maxReceiveCount receives, rests in the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { hubClock } from '../platform/clock.ts';
import { logger } from '../platform/powertools.ts';
import type { DeliveryKind } from '../store/case-store.ts';
import { deliveryMessageSchema } from './delivery.ts';
import { caseStore } from './store.ts';

/** `metrics` are the consuming function's (functionMetrics), which its handler wrapper publishes. */
export function createDeliveryConsumer(kind: DeliveryKind, metrics: Metrics) {
  const processor = new BatchProcessor(EventType.SQS);

  const deliver = async (record: SQSRecord): Promise<void> => {
    const message = deliveryMessageSchema.parse(JSON.parse(record.body));
    if (message.kind !== kind) throw new Error(`a ${message.kind} message on the ${kind} queue`);
    const delivered = await caseStore().markDelivered(kind, message.id, hubClock.now().toISOString());
    if (!delivered) logger.info('duplicate delivery ignored', { kind, messageId: record.messageId });
  };

  return async (event: SQSEvent, context: Context) => {
    // A batch that fails whole is reported item by item like any other, so it is logged the same way.
    const response = await processPartialResponse(event, deliver, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    if (response.batchItemFailures.length > 0) {
      logger.warn('records not delivered', { kind, failed: response.batchItemFailures.length });
      metrics.addMetric('DeliveryFailed', 'Count', response.batchItemFailures.length);
    }
    return response;
  };
}
