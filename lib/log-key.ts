import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * The customer-managed key every log group of the hub is encrypted with. Function logs, API access and
 * execution logs and WAF logs may all carry identifiers of safeguarding cases, so none is left on the
 * service default. CloudWatch Logs may use the key only for log groups of this account and region.
 */
export class LogKey extends Key {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'MASH hub: CloudWatch Logs encryption',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      // Retained log groups stay readable only while their key exists.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    this.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        // The action set AWS documents for log group encryption.
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
