/**
 * The synthesized stack against its sources of truth: src/resources.ts, src/routes.ts, the codes and the
 * operations settings it holds too. Bundling is skipped (no esbuild run, no
 * Docker); bundle.test.ts bundles for real, compliance.test.ts runs the cdk-nag packs.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMashApp } from '../../lib/mash-app.ts';
import { ROLES } from '../../src/domain/codes.ts';
import {
  API_LIMITS,
  CASE_STORE_BACKUP,
  consumerOf,
  formSecret,
  functionNames,
  functions,
  type IndexDefinition,
  LOG_RETENTION_DAYS,
  queues,
  REPORTS_BUCKET_HOUSEKEEPING,
  reportsBucket,
  SCHEDULED_RUN_RETRIES,
  schedules,
  type TableDefinition,
  tables,
} from '../../src/resources.ts';
import { routes } from '../../src/routes.ts';
import {
  cdkContext,
  identityStatements,
  logicalId,
  roleStatements,
  type SynthResult,
  synthMashApp,
} from './support.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation and report JSON, read by the assertions
type Json = any;
type Resources = Record<string, Json>;

let synth: SynthResult;
let template: Template;
let resources: Resources;

beforeAll(() => {
  synth = synthMashApp();
  template = Template.fromJSON(synth.assembly.getStackArtifact(synth.stack.artifactId).template);
  resources = template.toJSON().Resources;
});
afterAll(() => synth?.cleanup());

const ref = (id: string) => ({ Ref: id });
const single = (found: Record<string, Json>): Json => {
  const values = Object.values(found);
  expect(values).toHaveLength(1);
  return values[0];
};
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const keySchema = (definition: Pick<TableDefinition, 'partitionKey' | 'sortKey'>) => [
  { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
  ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
];
const denyWithoutTls = Match.objectLike({
  Effect: 'Deny',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});
const ofType = (type: string): Array<[string, Json]> =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);
/** The logical id of the KMS key a property names by `Fn::GetAtt [key, Arn]`. */
const keyNamedBy = (value: Json): string | undefined =>
  value?.['Fn::GetAtt']?.[1] === 'Arn' && resources[value['Fn::GetAtt'][0]]?.Type === 'AWS::KMS::Key'
    ? value['Fn::GetAtt'][0]
    : undefined;
/** The public API routes besides the pages (which check their own session cookie). */
const PUBLIC_API_ROUTES = [
  'POST /api/referrals',
  'GET /api/referrals/{reference}/status',
  'POST /api/feedback',
  'GET /api/openapi.json',
];

describe('case store', () => {
  it.each(tables.map((definition) => [definition.id, definition] as const))(
    '%s: keys, indexes, TTL, PITR, KMS, deletion protection, retained',
    (_, definition) => {
      const table = synth.stack.caseTables.table(definition);
      const resource = resources[logicalId(synth.stack, table)];
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      const properties = resource.Properties;
      expect(properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(properties.KeySchema).toEqual(keySchema(definition));
      expect(properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(properties.DeletionProtectionEnabled).toBe(true);
      expect(properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: arnOf(logicalId(synth.stack, synth.stack.caseTables.key)),
      });
      expect(properties.TimeToLiveSpecification).toEqual(
        definition.timeToLiveAttribute
          ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
          : undefined,
      );
      expect(properties.GlobalSecondaryIndexes ?? []).toEqual(
        (definition.indexes as readonly IndexDefinition[]).map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index),
          Projection: {
            ProjectionType: index.projection,
            ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}),
          },
        })),
      );
      const keyed: ReadonlyArray<Pick<TableDefinition, 'partitionKey' | 'sortKey'>> = [
        definition,
        ...definition.indexes,
      ];
      const keyAttributes = keyed.flatMap((keys) =>
        keys.sortKey ? [keys.partitionKey, keys.sortKey] : [keys.partitionKey],
      );
      for (const attribute of keyAttributes) {
        expect(properties.AttributeDefinitions).toContainEqual({
          AttributeName: attribute.name,
          AttributeType: attribute.type,
        });
      }
    },
  );

  it('backs every table up with AWS Backup, daily and monthly, into a retained vault under its own key', () => {
    const { caseTables } = synth.stack;
    const selection = single(template.findResources('AWS::Backup::BackupSelection')).Properties;
    expect(selection.BackupSelection.Resources).toEqual(
      caseTables.tables.map((table) => arnOf(logicalId(synth.stack, table))),
    );
    const vaultId = logicalId(synth.stack, caseTables.backupVault);
    const vault = resources[vaultId];
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toEqual(arnOf(logicalId(synth.stack, caseTables.backupKey)));
    // Nobody may delete a recovery point or shorten its life; only the plan's lifecycle expires them.
    expect(vault.Properties.AccessPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
      }),
    );
    const plan = single(template.findResources('AWS::Backup::BackupPlan')).Properties.BackupPlan;
    expect(plan.BackupPlanRule).toEqual([
      expect.objectContaining({
        RuleName: 'Daily',
        ScheduleExpressionTimezone: 'Europe/London',
        Lifecycle: { DeleteAfterDays: CASE_STORE_BACKUP.dailyRetentionDays },
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
      }),
      expect.objectContaining({
        RuleName: 'Monthly',
        ScheduleExpressionTimezone: 'Europe/London',
        Lifecycle: { DeleteAfterDays: CASE_STORE_BACKUP.monthlyRetentionDays },
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
      }),
    ]);
  });

  it('alarms to the alerts topic when a backup job of the vault fails, expires or is aborted', () => {
    const vaultName = {
      'Fn::GetAtt': [logicalId(synth.stack, synth.stack.caseTables.backupVault), 'BackupVaultName'],
    };
    const topic = ref(logicalId(synth.stack, synth.stack.alerts.topic));
    const alarms = ofType('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => JSON.stringify(alarm.Metrics ?? []).includes('AWS/Backup'));
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    expect(alarm).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [topic],
    });
    const metrics = alarm.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: Json; Stat: string };
    }>;
    const stats = metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat] : []));
    expect(stats.map((stat) => (stat.Metric as { MetricName: string }).MetricName).sort()).toEqual([
      'NumberOfBackupJobsAborted',
      'NumberOfBackupJobsExpired',
      'NumberOfBackupJobsFailed',
    ]);
    for (const stat of stats) {
      expect(stat.Stat).toBe('Sum');
      expect(stat.Metric).toMatchObject({
        Namespace: 'AWS/Backup',
        Dimensions: [{ Name: 'BackupVaultName', Value: vaultName }],
      });
    }
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe(
      'FILL(failed, 0) + FILL(expired, 0) + FILL(aborted, 0)',
    );
  });
});

describe('encryption and logs', () => {
  it('rotates every customer-managed key', () => {
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts every table, queue, topic, bucket, log group, secret and the backup vault with a key of its own stack', () => {
    const encryptedBy: Array<[string, Json]> = [
      ...ofType('AWS::DynamoDB::Table').map(
        ([id, r]) => [id, r.Properties.SSESpecification?.KMSMasterKeyId] as [string, Json],
      ),
      ...ofType('AWS::SQS::Queue').map(([id, r]) => [id, r.Properties.KmsMasterKeyId] as [string, Json]),
      ...ofType('AWS::SNS::Topic').map(([id, r]) => [id, r.Properties.KmsMasterKeyId] as [string, Json]),
      ...ofType('AWS::S3::Bucket').map(
        ([id, r]) =>
          [
            id,
            r.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]
              ?.ServerSideEncryptionByDefault?.KMSMasterKeyID,
          ] as [string, Json],
      ),
      ...ofType('AWS::Logs::LogGroup').map(([id, r]) => [id, r.Properties.KmsKeyId] as [string, Json]),
      ...ofType('AWS::SecretsManager::Secret').map(
        ([id, r]) => [id, r.Properties.KmsKeyId] as [string, Json],
      ),
      ...ofType('AWS::Backup::BackupVault').map(
        ([id, r]) => [id, r.Properties.EncryptionKeyArn] as [string, Json],
      ),
    ];
    expect(encryptedBy.length).toBeGreaterThan(20);
    for (const [id, key] of encryptedBy) expect(keyNamedBy(key), id).toBeDefined();
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      const sse =
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
      expect(sse.SSEAlgorithm, id).toBe('aws:kms');
    }
  });

  it('keeps every log group for a set time, encrypted and retained', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBe(functionNames.length + 3);
    for (const [id, logGroup] of logGroups) {
      expect(logGroup.Properties.RetentionInDays, id).toEqual(expect.any(Number));
      expect(logGroup.DeletionPolicy, id).toBe('Retain');
    }
    for (const fn of synth.stack.functions.values()) {
      expect(resources[logicalId(synth.stack, fn.logGroup)].Properties.RetentionInDays).toBe(
        LOG_RETENTION_DAYS.functions,
      );
    }
  });
});

describe('work queues', () => {
  it.each(queues.map((definition) => [definition.id, definition] as const))(
    '%s: KMS, TLS only, a dead-letter queue after maxReceiveCount, alarms',
    (_, definition) => {
      const queue = synth.stack.workQueues.queue(definition);
      const queueId = logicalId(synth.stack, queue);
      const deadLetterId = logicalId(synth.stack, queue.deadLetter);
      const properties = resources[queueId].Properties;
      expect(properties.VisibilityTimeout).toBe(definition.visibilityTimeoutSeconds);
      expect(properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf(deadLetterId),
        maxReceiveCount: definition.maxReceiveCount,
      });
      expect(properties.KmsMasterKeyId).toEqual(arnOf(logicalId(synth.stack, synth.stack.workQueues.key)));
      const deadLetter = resources[deadLetterId].Properties;
      expect(deadLetter.MessageRetentionPeriod).toBe(definition.deadLetter.retentionDays * 24 * 60 * 60);
      expect(deadLetter.KmsMasterKeyId).toBeDefined();
      for (const id of [queueId, deadLetterId]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(id)],
          PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
        });
      }
      const topic = ref(logicalId(synth.stack, synth.stack.alerts.topic));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: definition.visibilityTimeoutSeconds * definition.maxReceiveCount,
        AlarmActions: [topic],
      });
    },
  );

  it('maps each queue to its consumer with its batch size, item failures, at most its reserved concurrency', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toHaveLength(queues.length);
    for (const definition of queues) {
      const queueId = logicalId(synth.stack, synth.stack.workQueues.queue(definition));
      const consumer = synth.stack.functions.get(consumerOf(definition))!;
      expect(mappings).toContainEqual({
        EventSourceArn: arnOf(queueId),
        FunctionName: ref(logicalId(synth.stack, consumer)),
        BatchSize: definition.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: functions[consumerOf(definition)].reservedConcurrency },
      });
      // The consumer may poll and decrypt its queue, and that is all it may do with it.
      const onQueue = roleStatements(resources, logicalId(synth.stack, consumer.role as Role))
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${queueId}"`))
        .flatMap((statement) => [statement.Action].flat())
        .sort();
      expect(onQueue).toEqual([
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ]);
    }
  });

  it('gives every queue in the stack a key, TLS only, and either a dead-letter queue or a depth alarm', () => {
    const topic = ref(logicalId(synth.stack, synth.stack.alerts.topic));
    const alarmed = new Set(
      ofType('AWS::CloudWatch::Alarm')
        .map(([, alarm]) => alarm.Properties)
        .filter(
          (alarm) =>
            alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            alarm.Threshold === 0 &&
            JSON.stringify(alarm.AlarmActions) === JSON.stringify([topic]),
        )
        .map((alarm) => alarm.Dimensions[0].Value['Fn::GetAtt'][0]),
    );
    const queueIds = ofType('AWS::SQS::Queue').map(([id]) => id);
    expect(queueIds).toHaveLength(queues.length * 2 + 1);
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect(keyNamedBy(queue.Properties.KmsMasterKeyId), id).toBeDefined();
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(id)],
        PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
      });
      expect(Boolean(queue.Properties.RedrivePolicy) || alarmed.has(id), id).toBe(true);
    }
    expect(alarmed).toContain(logicalId(synth.stack, synth.stack.schedules.deadLetterQueue!));
  });

  it('sends alarms to a KMS-encrypted, TLS-only topic', () => {
    const topicId = logicalId(synth.stack, synth.stack.alerts.topic);
    expect(resources[topicId].Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topicId)],
      PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
    });
  });
});

describe('reports bucket', () => {
  it('is private, versioned, KMS-encrypted, access-logged, aged out as defined and retained', () => {
    const bucketId = logicalId(synth.stack, synth.stack.reports.bucket);
    const resource = resources[bucketId];
    expect(resource.DeletionPolicy).toBe('Retain');
    const properties = resource.Properties;
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(
      properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: arnOf(logicalId(synth.stack, synth.stack.reports.key)),
    });
    expect(properties.LoggingConfiguration.DestinationBucketName).toEqual(
      ref(logicalId(synth.stack, synth.stack.reports.accessLogs)),
    );
    expect(properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Prefix: reportsBucket.prefix,
        Status: 'Enabled',
        ExpirationInDays: reportsBucket.expireAfterDays,
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: reportsBucket.transitionToInfrequentAccessDays },
        ],
      }),
    );
    expect(properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        NoncurrentVersionExpiration: { NoncurrentDays: REPORTS_BUCKET_HOUSEKEEPING.noncurrentVersionDays },
      }),
    );
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(bucketId),
      PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
    });
  });

  it('logs access to a private, versioned, TLS-only log bucket under a key S3 log delivery may use', () => {
    const { reports } = synth.stack;
    const logsId = logicalId(synth.stack, reports.accessLogs);
    const logs = resources[logsId];
    expect(logs.DeletionPolicy).toBe('Retain');
    expect(logs.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(logs.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const keyId = logicalId(synth.stack, reports.accessLogsKey);
    expect(logs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(keyId) },
    });
    expect(logs.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        ExpirationInDays: REPORTS_BUCKET_HOUSEKEEPING.accessLogDays,
        NoncurrentVersionExpiration: { NoncurrentDays: REPORTS_BUCKET_HOUSEKEEPING.accessLogNoncurrentDays },
      }),
    );
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(logsId),
      PolicyDocument: {
        Statement: Match.arrayWith([
          denyWithoutTls,
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' } }),
        ]),
      },
    });
    expect(resources[keyId].Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'logging.s3.amazonaws.com' } }),
    );
  });
});

describe('functions', () => {
  it.each(functionNames.map((name) => [name, functions[name]] as const))(
    '%s: nodejs24.x on arm64, explicit memory, timeout and reserved concurrency, JSON logs, traced, with exactly the variables of its bindings',
    (name, definition) => {
      const fn = synth.stack.functions.get(name)!;
      const properties = resources[logicalId(synth.stack, fn)].Properties;
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.MemorySize).toBe(definition.memoryMB);
      expect(properties.Timeout).toBe(definition.timeoutSeconds);
      expect(properties.ReservedConcurrentExecutions).toBe(definition.reservedConcurrency);
      expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(properties.LoggingConfig).toEqual({
        LogGroup: ref(logicalId(synth.stack, fn.logGroup)),
        LogFormat: 'JSON',
        // Lambda's level and Powertools' agree, or Powertools drops lines.
        ApplicationLogLevel: properties.Environment.Variables.POWERTOOLS_LOG_LEVEL,
      });

      const variables = properties.Environment.Variables;
      const bound: Record<string, unknown> = {};
      for (const { table } of definition.tables) {
        bound[table.envVar] = ref(logicalId(synth.stack, synth.stack.caseTables.table(table)));
      }
      for (const queue of definition.sendsTo ?? []) {
        bound[queue.envVar] = ref(logicalId(synth.stack, synth.stack.workQueues.queue(queue)));
      }
      if (definition.bucket)
        bound[reportsBucket.envVar] = ref(logicalId(synth.stack, synth.stack.reports.bucket));
      if (definition.formSecret) bound[formSecret.envVar] = expect.anything();
      expect(variables).toMatchObject(bound);
      expect(variables.AUTH_AUDIENCE).toEqual(ref(logicalId(synth.stack, synth.stack.identity.hubClient)));
      expect(Object.keys(variables).sort()).toEqual(
        [
          ...Object.keys(bound),
          'AUTH_ISSUER',
          'AUTH_AUDIENCE',
          'AUTH_JWKS_URL',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_LOG_LEVEL',
          'NODE_OPTIONS',
        ].sort(),
      );
    },
  );

  it('reserves 178 concurrent executions in all, the figure docs/operations.md asks the quota for', () => {
    const reserved = ofType('AWS::Lambda::Function').map(
      ([, fn]) => fn.Properties.ReservedConcurrentExecutions as number,
    );
    expect(reserved).toHaveLength(functionNames.length);
    expect(reserved.reduce((sum, each) => sum + each, 0)).toBe(178);
  });

  it('grants no wildcard action, no Scan, no AWS managed policy and Resource * only to X-Ray', () => {
    for (const fn of synth.stack.functions.values()) {
      const roleId = logicalId(synth.stack, fn.role as Role);
      expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      const statements = roleStatements(resources, roleId);
      const actions = statements.flatMap((statement) => [statement.Action].flat());
      expect(actions.filter((action: string) => action.includes('*'))).toEqual([]);
      expect(actions).not.toContain('dynamodb:Scan');
      // The role's acknowledged `Resource::*` finding must stay the X-Ray statement's alone.
      const onEverything = statements.filter((statement) => [statement.Resource].flat().includes('*'));
      expect(onEverything.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('sends a failed asynchronous run of each scheduled function to the FailedRuns queue', () => {
    const failedRunsId = logicalId(synth.stack, synth.stack.schedules.deadLetterQueue!);
    const targets = [...new Set(schedules.map((schedule) => schedule.target))];
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties);
    expect(configs).toHaveLength(targets.length);
    for (const name of targets) {
      const fn = synth.stack.functions.get(name)!;
      expect(configs).toContainEqual({
        FunctionName: ref(logicalId(synth.stack, fn)),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: SCHEDULED_RUN_RETRIES.retryAttempts,
        MaximumEventAgeInSeconds: SCHEDULED_RUN_RETRIES.maximumEventAgeSeconds,
        DestinationConfig: { OnFailure: { Destination: arnOf(failedRunsId) } },
      });
      // Lambda sends to the destination with the function's own role.
      const sendsTo = roleStatements(resources, logicalId(synth.stack, fn.role as Role))
        .filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'))
        .flatMap((statement) => [statement.Resource].flat());
      expect(sendsTo).toContainEqual(arnOf(failedRunsId));
    }
  });
});

describe('least privilege', () => {
  it('keeps every permission in a customer-managed policy of its own role: no inline policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.Policies, id).toBeUndefined();
    for (const [id, policy] of ofType('AWS::IAM::ManagedPolicy')) {
      expect(policy.Properties.Roles, id).toHaveLength(1);
      expect(policy.Properties.Users ?? policy.Properties.Groups, id).toBeUndefined();
    }
  });

  it('names the resource of every identity policy statement but the X-Ray ones', () => {
    const statements = identityStatements(resources);
    expect(statements.length).toBeGreaterThan(30);
    const onEverything = statements.filter(
      (statement) => [statement.Resource].flat().includes('*') || statement.NotResource !== undefined,
    );
    expect(onEverything.length).toBe(functionNames.length);
    for (const statement of onEverything) {
      expect([statement.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action: string) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('attaches AWS managed policies only to the service roles of API Gateway logging and AWS Backup', () => {
    const managed = ofType('AWS::IAM::Role')
      .filter(([, role]) => role.Properties.ManagedPolicyArns)
      .map(([, role]) => ({
        service: role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service,
        policies: JSON.stringify(role.Properties.ManagedPolicyArns),
      }));
    expect(managed).toHaveLength(2);
    expect(managed).toContainEqual({
      service: 'apigateway.amazonaws.com',
      policies: expect.stringContaining(':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
    });
    expect(managed).toContainEqual({
      service: 'backup.amazonaws.com',
      policies: expect.stringContaining(':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'),
    });
  });
});

describe('intake API', () => {
  it('has a method for every route and nothing else', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', routes.length);
  });

  it.each(routes.map((route) => [`${route.method} ${route.resource}`, route] as const))(
    '%s: its function, behind the Cognito authorizer unless public',
    (_, route) => {
      const method = synth.stack.api.restApi.methods.find(
        (candidate) => candidate.httpMethod === route.method && candidate.resource.path === route.resource,
      );
      expect(method).toBeDefined();
      const properties = resources[logicalId(synth.stack, method!)].Properties;
      if (route.access === 'public') {
        expect(properties.AuthorizationType).toBe('NONE');
        expect(properties.AuthorizerId).toBeUndefined();
      } else {
        expect(properties.AuthorizationType).toBe('COGNITO_USER_POOLS');
        expect(properties.AuthorizerId).toEqual(ref(logicalId(synth.stack, synth.stack.api.authorizer)));
      }
      expect(properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      const fnId = logicalId(synth.stack, synth.stack.functions.get(route.fn)!);
      expect(JSON.stringify(properties.Integration.Uri)).toContain(`"${fnId}"`);
      expect(properties.RequestValidatorId).toBeDefined();
    },
  );

  it('leaves open only intake, status, feedback, the OpenAPI document and the pages', () => {
    const open = synth.stack.api.restApi.methods
      .filter((method) => resources[logicalId(synth.stack, method)].Properties.AuthorizationType === 'NONE')
      .map((method) => ({
        route: `${method.httpMethod} ${method.resource.path}`,
        path: method.resource.path,
      }));
    const openApi = open.filter(({ path }) => path.startsWith('/api/')).map(({ route }) => route);
    expect(openApi.sort()).toEqual([...PUBLIC_API_ROUTES].sort());
    // Everything else that is open is a page, which checks its own session cookie.
    for (const { route } of open.filter(({ path }) => !path.startsWith('/api/'))) {
      const definition = routes.find((candidate) => `${candidate.method} ${candidate.resource}` === route);
      expect(['pages', 'staff-pages'], route).toContain(definition?.fn);
    }
    // And every staff route is behind the Cognito authorizer.
    const staff = routes.filter((route) => route.access !== 'public');
    expect(staff.length).toBeGreaterThan(10);
    for (const route of staff) expect(route.resource.startsWith('/api/'), route.resource).toBe(true);
  });

  it('authorizes with the hub user pool', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [arnOf(logicalId(synth.stack, synth.stack.identity.userPool))],
    });
  });

  it('validates request bodies and parameters', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('throttles, traces and access-logs the stage as JSON with no body, path or query string', () => {
    const stage = single(template.findResources('AWS::ApiGateway::Stage'));
    const properties = stage.Properties;
    expect(properties.TracingEnabled).toBe(true);
    expect(properties.MethodSettings).toContainEqual(
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        DataTraceEnabled: false,
        LoggingLevel: 'ERROR',
        ThrottlingRateLimit: API_LIMITS.rateLimit,
        ThrottlingBurstLimit: API_LIMITS.burstLimit,
      }),
    );
    const format = JSON.parse(properties.AccessLogSetting.Format);
    const variables = Object.values(format).join(' ');
    expect(format.requestId).toBe('$context.requestId');
    expect(variables).not.toMatch(/body|querystring|\$context\.path\b/i);
  });

  it("answers API Gateway's own refusals in the CONTRACT error shape", () => {
    const responses = template.findResources('AWS::ApiGateway::GatewayResponse');
    const byType = new Map<string, Json>(
      Object.values(responses).map((response) => [response.Properties.ResponseType, response]),
    );
    const expected: Record<string, string | undefined> = {
      UNAUTHORIZED: '401',
      ACCESS_DENIED: '403',
      MISSING_AUTHENTICATION_TOKEN: '404',
      RESOURCE_NOT_FOUND: '404',
      REQUEST_TOO_LARGE: '413',
      THROTTLED: '429',
      QUOTA_EXCEEDED: '429',
      WAF_FILTERED: '403',
      BAD_REQUEST_BODY: '400',
      DEFAULT_4XX: undefined,
      DEFAULT_5XX: undefined,
    };
    for (const [type, statusCode] of Object.entries(expected)) {
      const response = byType.get(type);
      expect(response, type).toBeDefined();
      expect(response.Properties.StatusCode).toBe(statusCode);
      expect(response.Properties.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/json'",
      );
      const body = JSON.parse(
        response.Properties.ResponseTemplates['application/json'].replaceAll(
          '$context.error.messageString',
          '"x"',
        ),
      );
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    }
    expect(
      byType.get('MISSING_AUTHENTICATION_TOKEN').Properties.ResponseTemplates['application/json'],
    ).toContain('NOT_FOUND');
  });

  it('puts a WAF web ACL with the managed rules on the stage', () => {
    const webAclId = logicalId(synth.stack, { node: { defaultChild: synth.stack.api.webAcl } });
    const stageId = logicalId(synth.stack, synth.stack.api.restApi.deploymentStage);
    const association = single(template.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(association.Properties.WebACLArn).toEqual(arnOf(webAclId));
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"${stageId}"`);

    const webAcl = resources[webAclId].Properties;
    expect(webAcl.Scope).toBe('REGIONAL');
    const managed = webAcl.Rules.map((rule: Json) => rule.Statement.ManagedRuleGroupStatement).filter(
      Boolean,
    );
    expect(managed.map((group: Json) => group.Name).sort()).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(
      managed.find((group: Json) => group.Name === 'AWSManagedRulesCommonRuleSet').RuleActionOverrides,
    ).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    // The per-address limits and their answers: waf.test.ts.
  });
});

describe('identity', () => {
  it('has one group per role', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLES].sort());
  });

  it('requires TOTP MFA, strong passwords and an administrator to add people; Plus tier enforcing', () => {
    const userPool = resources[logicalId(synth.stack, synth.stack.identity.userPool)];
    expect(userPool.DeletionPolicy).toBe('Retain');
    const properties = userPool.Properties;
    expect(properties.MfaConfiguration).toBe('ON');
    expect(properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(properties.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(properties.UserPoolTier).toBe('PLUS');
    expect(properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(properties.Schema).toContainEqual(
      expect.objectContaining({ Name: 'agency', AttributeDataType: 'String', Mutable: true }),
    );
  });

  it('gives the hub a public client (SRP and code flow) that cannot change its own agency', () => {
    const properties = resources[logicalId(synth.stack, synth.stack.identity.hubClient)].Properties;
    expect(properties.GenerateSecret).toBe(false);
    expect(properties.AllowedOAuthFlows).toEqual(['code']);
    expect(properties.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(properties.ReadAttributes).toContain('custom:agency');
    expect(properties.WriteAttributes).not.toContain('custom:agency');
  });

  it('outputs the issuer, client id and JWKS URL', () => {
    const outputs = Object.values(template.findOutputs('*'));
    const poolId = logicalId(synth.stack, synth.stack.identity.userPool);
    const issuer = { 'Fn::GetAtt': [poolId, 'ProviderURL'] };
    expect(outputs).toContainEqual(expect.objectContaining({ Value: issuer }));
    expect(outputs).toContainEqual(
      expect.objectContaining({ Value: ref(logicalId(synth.stack, synth.stack.identity.hubClient)) }),
    );
    expect(outputs).toContainEqual(
      expect.objectContaining({ Value: { 'Fn::Join': ['', [issuer, '/.well-known/jwks.json']] } }),
    );
  });
});

describe('schedules', () => {
  it('schedules each job in London time, exactly, retried, with a dead-letter queue', () => {
    const scheduled = ofType('AWS::Scheduler::Schedule').map(([, schedule]) => schedule.Properties);
    expect(scheduled.map((schedule) => schedule.Name).sort()).toEqual(schedules.map((s) => s.name).sort());
    const failedRuns = arnOf(logicalId(synth.stack, synth.stack.schedules.deadLetterQueue!));
    for (const definition of schedules) {
      const targetId = logicalId(synth.stack, synth.stack.functions.get(definition.target)!);
      const schedule = scheduled.find((candidate) => candidate.Name === definition.name);
      expect(schedule).toMatchObject({
        ScheduleExpression: definition.cron,
        ScheduleExpressionTimezone: 'Europe/London',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: arnOf(targetId),
          RetryPolicy: {
            MaximumRetryAttempts: SCHEDULED_RUN_RETRIES.retryAttempts,
            MaximumEventAgeInSeconds: SCHEDULED_RUN_RETRIES.maximumEventAgeSeconds,
          },
          DeadLetterConfig: { Arn: failedRuns },
        },
      });
      expect(JSON.parse(schedule.Target.Input)).toEqual(definition.input);
      // The scheduler's role may invoke this schedule's target and nothing else.
      const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0];
      const invoked = roleStatements(resources, roleId)
        .filter((statement) =>
          [statement.Action].flat().some((action: string) => action.startsWith('lambda:')),
        )
        .flatMap((statement) => [statement.Resource].flat());
      expect(invoked).toEqual([arnOf(targetId)]);
    }
  });

  it('names the bucket for the functions bound to it', () => {
    for (const name of functionNames.filter((candidate) => functions[candidate].bucket)) {
      const fn = synth.stack.functions.get(name)!;
      expect(resources[logicalId(synth.stack, fn)].Properties.Environment.Variables).toMatchObject({
        [reportsBucket.envVar]: ref(logicalId(synth.stack, synth.stack.reports.bucket)),
      });
    }
  });

  it('refuses a queue whose visibility timeout is shorter than its consumer', () => {
    const slow = { ...functions, 'agency-inbox': { ...functions['agency-inbox'], timeoutSeconds: 60 } };
    expect(() => createMashApp({ context: cdkContext }, { functions: slow })).toThrow(
      /visibilityTimeoutSeconds/,
    );
  });

  it('refuses a consumer whose reserved concurrency an SQS event source cannot poll with', () => {
    const unpolled = {
      ...functions,
      'agency-inbox': { ...functions['agency-inbox'], reservedConcurrency: 1 },
    };
    expect(() => createMashApp({ context: cdkContext }, { functions: unpolled })).toThrow(/at least 2/);
  });

  it('refuses a queue that no function consumes, or that two do', () => {
    const { consumes: _, ...notConsuming } = functions['agency-inbox'];
    expect(() =>
      createMashApp({ context: cdkContext }, { functions: { ...functions, 'agency-inbox': notConsuming } }),
    ).toThrow(/InformationRequestQueue needs exactly one consumer.*none/);
    const twice = {
      ...functions,
      cases: { ...functions.cases, consumes: functions['agency-inbox'].consumes },
    };
    expect(() => createMashApp({ context: cdkContext }, { functions: twice })).toThrow(
      /InformationRequestQueue needs exactly one consumer.*cases and agency-inbox/,
    );
  });
});
