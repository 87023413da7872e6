import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { DestinationConfig, IDestination } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName, ScheduleDefinition } from '../src/resources.ts';
import { SCHEDULED_RUN_RETRIES } from '../src/resources.ts';
import type { Alerts } from './alerts.ts';
import { acknowledge } from './compliance.ts';
import type { HubFunction } from './hub-function.ts';
import { HubRole } from './hub-role.ts';

export interface SchedulesProps {
  readonly schedules: readonly ScheduleDefinition[];
  /** The function of each schedule's `target`. */
  readonly targets: ReadonlyMap<FunctionName, HubFunction>;
  /** Encrypts the dead-letter queue of failed runs. */
  readonly key: IKey;
  readonly alerts: Alerts;
  /** Retries of a run EventBridge Scheduler could not deliver, and of a run that failed in the function. */
  readonly retryAttempts?: number;
  /** A run older than this is given up and lands in the dead-letter queue: the next one is due anyway. */
  readonly maximumEventAge?: Duration;
}

/** Sends a function's failed asynchronous runs to a queue; the function holds the send grant itself. */
class FailedRunsQueue implements IDestination {
  private readonly queue: IQueue;
  constructor(queue: IQueue) {
    this.queue = queue;
  }
  bind(): DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/**
 * The hub's timed jobs: an EventBridge Scheduler schedule for each entry of `schedules`, in London time,
 * at the exact minute (no flexible window). Each target has a role that may invoke only that function. A
 * run that cannot be delivered, or that fails in the function after its retries, lands in one dead-letter
 * queue, and an alarm says so.
 */
export class Schedules extends Construct {
  readonly deadLetterQueue?: Queue;
  readonly schedules: CfnSchedule[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    if (props.schedules.length === 0) return;

    const stack = Stack.of(this);
    const retryAttempts = props.retryAttempts ?? SCHEDULED_RUN_RETRIES.retryAttempts;
    const maximumEventAge =
      props.maximumEventAge ?? Duration.seconds(SCHEDULED_RUN_RETRIES.maximumEventAgeSeconds);

    const deadLetterQueue = new Queue(this, 'FailedRuns', {
      retentionPeriod: Duration.days(SCHEDULED_RUN_RETRIES.failedRunRetentionDays),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
    });
    this.deadLetterQueue = deadLetterQueue;
    const isDeadLetterQueue =
      "This queue is itself the dead-letter queue of the schedules and of their functions' failed runs: " +
      'nothing consumes it, so nothing fails there to redrive. Its depth alarms as soon as a run lands.';
    Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue });
    acknowledge(deadLetterQueue, 'SQSRedrivePolicy', ['Serverless'], isDeadLetterQueue);
    props.alerts.whenAboveZero(
      this,
      'FailedRunsDepth',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      'A scheduled job (the delivery sweep or a board metrics export) failed after its retries',
    );

    const group = new CfnScheduleGroup(this, 'Group', { name: stack.stackName });
    const roles = new Map<FunctionName, HubRole>();

    for (const schedule of props.schedules) {
      const target = props.targets.get(schedule.target);
      if (!target) throw new Error(`Schedule ${schedule.name}: no function ${schedule.target}`);
      let role = roles.get(schedule.target);
      if (!role) {
        role = this.invokerFor(target, deadLetterQueue, props.key);
        roles.set(schedule.target, role);
        target.grantSend(deadLetterQueue);
        target.invokedBy('schedule');
        target.configureAsyncInvoke({
          retryAttempts,
          maxEventAge: maximumEventAge,
          onFailure: new FailedRunsQueue(deadLetterQueue),
        });
      }
      const cfnSchedule = new CfnSchedule(this, schedule.name, {
        name: schedule.name,
        groupName: group.ref,
        description: `MASH hub: ${schedule.name} (${schedule.target})`,
        scheduleExpression: schedule.cron,
        scheduleExpressionTimezone: schedule.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: target.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify(schedule.input),
          retryPolicy: {
            maximumRetryAttempts: retryAttempts,
            maximumEventAgeInSeconds: maximumEventAge.toSeconds(),
          },
          deadLetterConfig: { arn: deadLetterQueue.queueArn },
        },
      });
      // The first run may be due within a minute: the role's policy must be attached by then.
      cfnSchedule.node.addDependency(role);
      this.schedules.push(cfnSchedule);
    }
  }

  /** A role EventBridge Scheduler of this account assumes to invoke this one function. */
  private invokerFor(target: HubFunction, deadLetterQueue: IQueue, key: IKey): HubRole {
    const stack = Stack.of(this);
    const role = new HubRole(this, `${target.hubName}Invoker`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `EventBridge Scheduler: invoke the MASH hub ${target.hubName} function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    );
    return role;
  }
}
