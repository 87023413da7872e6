import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { reportsBucket } from '../src/resources.ts';

export type ReportsBucketDefinition = typeof reportsBucket;

export interface ReportsBucketProps {
  readonly definition?: ReportsBucketDefinition;
  /** Days a replaced or deleted export stays recoverable. */
  readonly noncurrentVersionDays?: number;
  /** Days the server access logs are kept. */
  readonly accessLogDays?: number;
}

/**
 * The board's exports: a private, versioned, KMS-encrypted bucket that accepts TLS only, logs every
 * access to a separate log bucket and ages exports out as `reportsBucket` in src/resources.ts says.
 */
export class ReportsBucket extends Construct {
  readonly definition: ReportsBucketDefinition;
  readonly bucket: Bucket;
  readonly key: Key;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: ReportsBucketProps = {}) {
    super(scope, id);
    const definition = props.definition ?? reportsBucket;
    this.definition = definition;

    // S3 server access logging cannot write to a bucket under SSE-KMS, so the log bucket uses SSE-S3.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogDays ?? 400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key = new Key(this, 'Key', {
      description: 'MASH hub: board report exports',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, definition.id, {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `${definition.id}/`,
      lifecycleRules: [
        {
          id: 'age-out-exports',
          prefix: definition.prefix,
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(definition.transitionToInfrequentAccessDays),
            },
          ],
          expiration: Duration.days(definition.expireAfterDays),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The IAM resource of every export object (`reports/*`), and the finding cdk-nag reports for it. */
  get objectsArn(): string {
    return this.bucket.arnForObjects(`${this.definition.prefix}*`);
  }

  /** How cdk-nag's AwsSolutions-IAM5 names the wildcard of `objectsArn` in a policy. */
  get objectsWildcardFinding(): string {
    const logicalId = Stack.of(this).resolve((this.bucket.node.defaultChild as CfnBucket).logicalId);
    return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${this.definition.prefix}*]`;
  }
}
