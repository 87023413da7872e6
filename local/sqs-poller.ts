/**
 * The Lambda SQS event source mapping, locally: long-polls each queue, hands its consumer (the function
 * whose definition `consumes` it, src/resources.ts) a batch in Lambda's event shape, and deletes what
 * succeeded. With `{batchItemFailures}` only the listed messages stay (ReportBatchItemFailures, as the
 * CDK stack configures it); a thrown error or a timeout leaves the whole batch. Messages left behind come back
 * after the visibility timeout, and fauxqs moves them to the dead-letter queue on the receive after
 * `maxReceiveCount`, as SQS does.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { consumerOf, type FunctionName } from '../src/resources.ts';
import type { FunctionRegistry } from './function-registry.ts';
import { invokeHandler } from './lambda-context.ts';
import type { HubLog } from './log.ts';
import type { ProvisionedQueue } from './provision.ts';

/** Short, so that stopping the hub never waits long for an open receive. */
const WAIT_TIME_SECONDS = 1;

export class QueuePoller {
  private readonly sqs: SQSClient;
  private readonly queues: ProvisionedQueue[];
  private readonly registry: FunctionRegistry;
  private readonly region: string;
  private readonly log: HubLog;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private inFlightCount = 0;

  constructor(options: {
    sqs: SQSClient;
    queues: ProvisionedQueue[];
    registry: FunctionRegistry;
    region: string;
    log: HubLog;
  }) {
    this.sqs = options.sqs;
    this.queues = options.queues;
    this.registry = options.registry;
    this.region = options.region;
    this.log = options.log;
  }

  start(): void {
    this.loops = this.queues.map((queue) => this.poll(queue, consumerOf(queue.definition)));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  /** Messages received from a queue and not yet deleted or given up on. */
  inFlight(): number {
    return this.inFlightCount;
  }

  /**
   * True when no queue holds a message (visible, in flight or delayed) and the poller is not
   * handling one. Dead-letter queues are not counted: nothing drains them.
   */
  async isDrained(): Promise<boolean> {
    if (this.inFlightCount > 0) return false;
    for (const queue of this.queues) {
      const { Attributes: counts = {} } = await this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      if (Object.values(counts).some((count) => Number(count) > 0)) return false;
    }
    return this.inFlightCount === 0;
  }

  private async poll(queue: ProvisionedQueue, consumer: FunctionName): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const received = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: queue.definition.batchSize,
            WaitTimeSeconds: WAIT_TIME_SECONDS,
            // Both spellings: the legacy one is what Lambda's poller asks for, the new one what the SDK prefers.
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (signal.aborted) return;
        this.log.error(`poller: receiving from ${queue.definition.localName} failed`, error);
        await sleep(1000, undefined, { signal }).catch(() => {});
        continue;
      }
      if (messages.length === 0) continue;
      this.inFlightCount += messages.length;
      try {
        await this.deliver(queue, consumer, messages);
      } finally {
        this.inFlightCount -= messages.length;
      }
    }
  }

  private async deliver(queue: ProvisionedQueue, name: FunctionName, messages: Message[]): Promise<void> {
    const fn = this.registry.definition(name);
    const handler = await this.registry.load(name).catch((error: unknown) => {
      this.log.error(`poller: ${name} could not be loaded`, error);
      return undefined;
    });
    if (!handler) return;
    const event: SQSEvent = {
      Records: messages.map((message) => toSqsRecord(message, queue.arn, this.region)),
    };
    let result: unknown;
    try {
      result = await invokeHandler(fn, handler, event, this.region);
    } catch (error) {
      this.log.warn(
        `poller: ${name} failed on ${messages.length} message(s) from ${queue.definition.localName}; ` +
          `they return after the visibility timeout (${describeError(error)})`,
      );
      return;
    }
    const failed = failedMessageIds(result, messages);
    if (failed === 'all') {
      this.log.warn(
        `poller: ${name} returned batchItemFailures naming no message of the batch; the whole batch stays`,
      );
      return;
    }
    const succeeded = messages.filter((message) => !failed.has(message.MessageId!));
    if (failed.size > 0) {
      this.log.warn(`poller: ${name} reported ${failed.size} of ${messages.length} message(s) as failed`);
    }
    if (succeeded.length === 0) return;
    const deleted = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: succeeded.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle!,
        })),
      }),
    );
    for (const failure of deleted.Failed ?? []) {
      this.log.error(`poller: deleting a handled message failed (${failure.Code}: ${failure.Message})`);
    }
  }
}

/**
 * Which messages stay on the queue, read as Lambda reads a partial batch response: nothing returned
 * means all succeeded; an entry without a valid itemIdentifier fails the whole batch.
 */
function failedMessageIds(result: unknown, messages: Message[]): Set<string> | 'all' {
  const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(messages.map((message) => message.MessageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** One record of Lambda's SQS event, with Lambda's camelCase spelling of message attributes. */
function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function lambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
      dataType: value.DataType as SQSMessageAttributes[string]['dataType'],
    };
  }
  return result;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
