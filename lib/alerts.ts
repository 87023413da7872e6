import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsProps {
  /** Who is told when an alarm fires; more subscriptions can be added to `topic` later. */
  readonly email?: string;
}

/**
 * Where the hub's alarms go: one SNS topic, encrypted with its own key (CloudWatch may use it to
 * publish) and refusing anything but TLS.
 */
export class Alerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'MASH hub: operational alerts topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms cannot publish to a topic under the AWS managed SNS key; they need this grant.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'MASH hub alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** Sends the alarm's state changes (alarm and back to OK) to the topic. */
  notify(alarm: Alarm): void {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }

  /** An alarm that fires as soon as the metric is above zero in one period, wired to the topic. */
  whenAboveZero(scope: Construct, id: string, metric: IMetric, description: string): Alarm {
    return this.whenAbove(scope, id, metric, 0, description);
  }

  whenAbove(scope: Construct, id: string, metric: IMetric, threshold: number, description: string): Alarm {
    const alarm = new Alarm(scope, id, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    this.notify(alarm);
    return alarm;
  }
}
