import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../src/resources.ts';
import type { Alerts } from './alerts.ts';
import { acknowledge } from './compliance.ts';

export interface HubQueueProps {
  readonly definition: QueueDefinition;
  readonly encryptionKey: Key;
}

/**
 * A work queue built from its definition in src/resources.ts, with the dead-letter queue that catches
 * what its consumer gave up on after `maxReceiveCount` receives.
 */
export class HubQueue extends Queue {
  readonly definition: QueueDefinition;
  readonly deadLetter: Queue;

  constructor(scope: Construct, id: string, props: HubQueueProps) {
    const { definition, encryptionKey } = props;
    const deadLetter = new Queue(scope, definition.deadLetter.id, {
      retentionPeriod: Duration.days(definition.deadLetter.retentionDays),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
    });
    super(scope, id, {
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetter, maxReceiveCount: definition.maxReceiveCount },
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
    });
    this.definition = definition;
    this.deadLetter = deadLetter;
    acknowledge(
      deadLetter,
      'SQSRedrivePolicy',
      ['Serverless'],
      `This queue is itself the dead-letter queue of ${definition.id}: nothing consumes it, so nothing fails ` +
        'there to redrive. Its depth alarms as soon as a message arrives.',
    );
  }

  /**
   * Seconds after which the oldest message is overdue: it has been waiting longer than all the receives
   * it is allowed, so it is not being consumed at all (a failing consumer would have moved it to the
   * dead-letter queue by then).
   */
  get overdueAfterSeconds(): number {
    return this.definition.visibilityTimeoutSeconds * this.definition.maxReceiveCount;
  }
}

export interface WorkQueuesProps {
  readonly queues: readonly QueueDefinition[];
  readonly alerts: Alerts;
}

/**
 * The hub's work queues (information requests out to agencies, information products back), each with
 * its dead-letter queue, all under one customer-managed key and TLS only. An alarm fires when a
 * dead-letter queue holds anything and when a queue's oldest message is overdue. Each queue's consumer
 * connects itself (HubFunction.consume), as its definition in src/resources.ts says.
 */
export class WorkQueues extends Construct {
  readonly key: Key;
  private readonly byId = new Map<string, HubQueue>();

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'MASH hub: work queues',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      // Messages live for days at most; nothing outlives the queues that the key protects.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const definition of props.queues) {
      const queue = new HubQueue(this, definition.id, { definition, encryptionKey: this.key });
      this.byId.set(definition.id, queue);
      props.alerts.whenAboveZero(
        this,
        `${definition.deadLetter.id}Depth`,
        queue.deadLetter.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        `${definition.id}: messages reached the dead-letter queue after ${definition.maxReceiveCount} failed receives`,
      );
      props.alerts.whenAbove(
        this,
        `${definition.id}OldestMessage`,
        queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        queue.overdueAfterSeconds,
        `${definition.id}: the oldest message has waited longer than its consumer's retries allow`,
      );
    }
  }

  /** The queue built from this definition. */
  queue(definition: QueueDefinition): HubQueue {
    const queue = this.byId.get(definition.id);
    if (!queue)
      throw new Error(`WorkQueues has no queue ${definition.id}; add it to queues in src/resources.ts`);
    return queue;
  }

  get queues(): HubQueue[] {
    return [...this.byId.values()];
  }
}
