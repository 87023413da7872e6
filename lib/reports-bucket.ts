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
import { REPORTS_BUCKET_HOUSEKEEPING, reportsBucket } from '../src/resources.ts';
import { acknowledge } from './compliance.ts';

export type ReportsBucketDefinition = typeof reportsBucket;

export interface ReportsBucketProps {
  readonly definition?: ReportsBucketDefinition;
  /** Days a replaced or deleted export stays recoverable. */
  readonly noncurrentVersionDays?: number;
  /** Days the server access logs are kept. */
  readonly accessLogDays?: number;
}

/** Why neither bucket replicates (HIPAA Security and NIST 800-53 R5 S3BucketReplicationEnabled). */
/** What both buckets share: KMS with a bucket key, no public access, TLS 1.2 only, versioned. */
const HARDENED = {
  bucketKeyEnabled: true,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
} as const;

const NO_REPLICATION_REASON =
  "eu-west-2 (London) is AWS's only UK region, and the hub's data stays in the UK: cross-region " +
  'replication would copy it abroad. Within the region S3 already stores every object across at least ' +
  'three availability zones; versioning with noncurrent-version expiry, TLS-only access and a retained ' +
  'bucket guard against deletion and overwriting, and every export can be made again from the case ' +
  'store, which AWS Backup and point-in-time recovery protect.';

/**
 * The board's exports: a private, versioned, KMS-encrypted bucket that accepts TLS only, logs every
 * access to a separate log bucket and ages exports out as `reportsBucket` in src/resources.ts says. The
 * log bucket is just as private, versioned and encrypted with a customer-managed key of its own, which
 * S3's log delivery may use.
 */
export class ReportsBucket extends Construct {
  readonly definition: ReportsBucketDefinition;
  readonly bucket: Bucket;
  readonly key: Key;
  readonly accessLogs: Bucket;
  readonly accessLogsKey: Key;

  constructor(scope: Construct, id: string, props: ReportsBucketProps = {}) {
    super(scope, id);
    const definition = props.definition ?? reportsBucket;
    this.definition = definition;

    // Server access logs may go to a bucket under SSE-KMS with a customer-managed key (not the AWS managed
    // aws/s3 key): the reports bucket's logging configuration lets logging.s3.amazonaws.com use this one.
    this.accessLogsKey = new Key(this, 'AccessLogsKey', {
      description: 'MASH hub: server access logs of the board report exports',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.accessLogsKey,
      ...HARDENED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogDays ?? REPORTS_BUCKET_HOUSEKEEPING.accessLogDays),
          noncurrentVersionExpiration: Duration.days(REPORTS_BUCKET_HOUSEKEEPING.accessLogNoncurrentDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogs,
      'S3BucketReplicationEnabled',
      ['HIPAA.Security', 'NIST.800.53.R5'],
      NO_REPLICATION_REASON,
    );

    this.key = new Key(this, 'Key', {
      description: 'MASH hub: board report exports',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, definition.id, {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      ...HARDENED,
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
          noncurrentVersionExpiration: Duration.days(
            props.noncurrentVersionDays ?? REPORTS_BUCKET_HOUSEKEEPING.noncurrentVersionDays,
          ),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'S3BucketReplicationEnabled',
      ['HIPAA.Security', 'NIST.800.53.R5'],
      NO_REPLICATION_REASON,
    );
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
