import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  type EventSourceMapping,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { PRECOMPILED_TEMPLATES_FILE } from '../src/pages/shared/paths.ts';
import {
  type FunctionDefinition,
  type FunctionName,
  formSecret as formSecretDefinition,
  LOG_RETENTION_DAYS,
} from '../src/resources.ts';
import type { HubTable } from './case-tables.ts';
import { acknowledge } from './compliance.ts';
import type { FormSecret } from './form-secret.ts';
import { HubRole } from './hub-role.ts';
import type { ReportsBucket } from './reports-bucket.ts';
import type { HubQueue } from './work-queues.ts';

type TableAccess = FunctionDefinition['tables'][number]['access'];
type BucketAccess = NonNullable<FunctionDefinition['bucket']>;

/**
 * How a function is invoked: by API Gateway's Lambda proxy integration or an SQS event source mapping
 * (both synchronous), or by EventBridge Scheduler (asynchronous, with an on-failure destination).
 */
export type Invocation = 'api' | 'queue' | 'schedule';

/** The settings handlers read their token verifier from (src/auth/tokens.ts). */
export interface AuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

export interface HubFunctionProps {
  readonly name: FunctionName;
  readonly definition: FunctionDefinition;
  /** Where package.json, package-lock.json and the entry paths of `functions` are rooted. */
  readonly projectRoot: string;
  /** The key the function's log group is encrypted with. */
  readonly logKey: IKey;
  readonly logRetention?: RetentionDays;
  readonly powertoolsLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly metricsNamespace?: string;
}

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const KEY_DECRYPT_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
// Spelled out rather than `kms:GenerateDataKey*`: the same rights, and no wildcard to explain.
const KEY_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'];

/** Lambda's log levels by Powertools' name for them: the two must agree or Powertools drops lines. */
const APPLICATION_LOG_LEVELS: Record<
  NonNullable<HubFunctionProps['powertoolsLogLevel']>,
  ApplicationLogLevel
> = {
  DEBUG: ApplicationLogLevel.DEBUG,
  INFO: ApplicationLogLevel.INFO,
  WARN: ApplicationLogLevel.WARN,
  ERROR: ApplicationLogLevel.ERROR,
};

/** The least `maxConcurrency` Lambda accepts on an SQS event source mapping. */
const MIN_SQS_MAX_CONCURRENCY = 2;

/**
 * Every Lambda function of the hub: Node.js 24 on arm64, bundled locally by esbuild as minified ESM with
 * source maps (and what its definition's `bundle` adds), its own encrypted log group, JSON logs, X-Ray
 * tracing and the Powertools settings, sized by its definition in src/resources.ts and capped by its
 * reserved concurrency. Its role starts with nothing but its own log group, in a customer-managed policy
 * of its own; the `bind*` helpers set the environment variable a definition names and grant the least
 * access that serves it, and `consume` connects the queue it is invoked by.
 */
export class HubFunction extends NodejsFunction {
  /** Its name in `functions` (src/resources.ts). */
  readonly hubName: FunctionName;
  readonly definition: FunctionDefinition;
  private readonly invocations = new Set<Invocation>();

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    const { name, definition, projectRoot } = props;
    requireLocalEsbuild(projectRoot);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      encryptionKey: props.logKey,
      retention: props.logRetention ?? (LOG_RETENTION_DAYS.functions as RetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No AWS managed policy: the only standing right is writing to this function's own log group.
    const role = new HubRole(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `MASH hub ${name} function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const bundledFolders = definition.bundle?.folders ?? [];
    const precompileViews = definition.bundle?.precompileViews ?? false;
    const afterBundling = (inputDir: string, outputDir: string): string[] => [
      ...bundledFolders.map((folder) =>
        copyFolderCommand(join(inputDir, folder.from), join(outputDir, folder.to)),
      ),
      ...(precompileViews ? [precompileViewsCommand(inputDir, outputDir)] : []),
    ];

    super(scope, id, {
      entry: join(projectRoot, definition.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memoryMB,
      timeout: Duration.seconds(definition.timeoutSeconds),
      description: `MASH hub: ${name}`,
      role,
      logGroup,
      // Lambda's own lines (START, REPORT, errors) as JSON too, at the level Powertools logs at.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVELS[props.powertoolsLogLevel ?? 'INFO'],
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: definition.reservedConcurrency,
      environment: {
        POWERTOOLS_SERVICE_NAME: `mash-${name}`,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'MashHub',
        POWERTOOLS_LOG_LEVEL: props.powertoolsLogLevel ?? 'INFO',
        // Stack traces in the logs point into the sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // Bundled CommonJS dependencies still call require(); ESM has none unless we make one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Stack traces need only the mappings, not a copy of every source: a 1.7 MB map read at every
        // cold start under --enable-source-maps cost ~14 ms of it; without the sources it is ~0.5 MB.
        sourcesContent: false,
        target: 'node24',
        // The nodejs24.x runtime carries AWS SDK v3; bundling it would only grow the cold start.
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
        ...(bundledFolders.length > 0 || precompileViews
          ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling } }
          : {}),
      },
    });
    this.hubName = name;
    this.definition = definition;

    acknowledge(
      this,
      'LambdaInsideVPC',
      ['HIPAA.Security', 'NIST.800.53.R5'],
      'The hub has no private network resource to reach: every call goes to a regional AWS API (DynamoDB, ' +
        'SQS, S3, KMS, Secrets Manager, X-Ray) over TLS and signed with the function role, or to the user ' +
        "pool's public JWKS. A VPC would add NAT gateways or interface endpoints and cold-start latency " +
        'with no private resource behind it; access is limited by IAM, KMS key policies and resource ' +
        'policies instead.',
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement CDK adds for active tracing uses Resource *: xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /** Records how the function is invoked (the API, a work queue, the schedules). */
  invokedBy(invocation: Invocation): this {
    this.invocations.add(invocation);
    return this;
  }

  /**
   * Acknowledges the packs' function-level dead-letter queue rule where a DLQ would receive nothing or
   * duplicate a failure destination, once everything that invokes the function is wired. A function
   * nothing invokes yet keeps the finding open.
   */
  acknowledgeDeadLetterRule(): void {
    if (this.invocations.size === 0) return;
    const packs = ['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'] as const;
    if (this.invocations.has('schedule')) {
      acknowledge(
        this,
        'LambdaDLQ',
        packs,
        "Its asynchronous invocations come from EventBridge Scheduler; a run that still fails after Lambda's retries " +
          "goes to the function's on-failure destination (EventInvokeConfig, the schedules' FailedRuns queue, " +
          'alarmed), which carries the error as well as the event. A DeadLetterConfig as well would put every ' +
          'failed run on a queue twice.',
      );
      return;
    }
    const by = [...this.invocations].map((invocation) =>
      invocation === 'api'
        ? 'API Gateway (Lambda proxy integration: a failure is answered 5xx to the caller and alarmed)'
        : 'its SQS event source mapping (a failed message returns to the queue and is redriven to the ' +
          "queue's dead-letter queue after maxReceiveCount receives, alarmed)",
    );
    acknowledge(
      this,
      'LambdaDLQ',
      packs,
      `Only ever invoked synchronously, by ${by.join(' and by ')}. A function's dead-letter queue only ` +
        'receives failed asynchronous invocations, so it would stay empty.',
    );
  }

  /** Names the table in the definition's environment variable and grants read or read-write data access. */
  bindTable(table: HubTable, access: TableAccess): this {
    this.addEnvironment(table.definition.envVar, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
        resources: [table.tableArn],
      }),
    );
    if (table.definition.indexes.length > 0) {
      // Each index by name: no `index/*` wildcard, and only Query (the access patterns never Scan).
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: table.definition.indexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
        }),
      );
    }
    if (table.encryptionKey) this.grantKeyUse(table.encryptionKey, 'dynamodb', access === 'readWrite');
    return this;
  }

  /** Names the queue URL in the definition's environment variable and grants sending to it. */
  bindQueue(queue: HubQueue): this {
    this.addEnvironment(queue.definition.envVar, queue.queueUrl);
    this.grantSend(queue);
    return this;
  }

  /**
   * Makes the function the queue's consumer: an SQS event source mapping hands it the queue's messages in
   * batches. The mapping polls with at most the function's reserved concurrency, so Lambda never throttles
   * a batch it received (a throttled batch would count as a receive and could reach the dead-letter queue
   * unprocessed).
   */
  consume(queue: HubQueue): EventSourceMapping {
    const { definition: queueDefinition } = queue;
    const { timeoutSeconds, reservedConcurrency } = this.definition;
    if (queueDefinition.visibilityTimeoutSeconds < timeoutSeconds) {
      throw new Error(
        `${queueDefinition.id}: visibilityTimeoutSeconds (${queueDefinition.visibilityTimeoutSeconds}) is ` +
          `shorter than its consumer ${this.hubName}'s timeout (${timeoutSeconds} s); ` +
          'messages would be delivered twice',
      );
    }
    if (reservedConcurrency < MIN_SQS_MAX_CONCURRENCY) {
      throw new Error(
        `${queueDefinition.id}: its consumer ${this.hubName} reserves ${reservedConcurrency} concurrent ` +
          `executions; an SQS event source needs at least ${MIN_SQS_MAX_CONCURRENCY}`,
      );
    }
    // As SqsEventSource builds it (same construct id), holding on to the mapping itself.
    const mapping = this.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
      eventSourceArn: queue.queueArn,
      batchSize: queueDefinition.batchSize,
      // Without this the handlers' batchItemFailures are ignored and a whole batch is retried.
      reportBatchItemFailures: true,
      maxConcurrency: reservedConcurrency,
    });
    // What polling needs: receive, delete, change visibility, and decrypt through SQS.
    this.grantConsume(queue);
    this.invokedBy('queue');
    acknowledge(
      mapping,
      'LambdaEventSourceMappingDestination',
      ['Serverless'],
      'Lambda supports on-failure destinations on event source mappings for Kinesis, DynamoDB Streams and ' +
        `Kafka only. For SQS the queue's redrive policy is the failure destination: a message that fails ` +
        `${queueDefinition.maxReceiveCount} receives moves to ${queueDefinition.deadLetter.id}, whose depth alarms.`,
    );
    return mapping;
  }

  /** Names the bucket in its environment variable and grants reading, or reading and writing, the exports. */
  bindBucket(reports: ReportsBucket, access: BucketAccess): this {
    const { bucket, definition } = reports;
    this.addEnvironment(definition.envVar, bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
        resources: [reports.objectsArn],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${definition.prefix}*`] } },
      }),
    );
    this.grantKeyUse(reports.key, 's3', access === 'readWrite');
    Validations.of(this.role!).acknowledge({
      id: reports.objectsWildcardFinding,
      reason: `Object keys of the exports are only known at run time; the grant is limited to the ${definition.prefix} prefix.`,
    });
    return this;
  }

  /** Lets the function send to a queue (and encrypt for it): SendMessage only. */
  grantSend(queue: IQueue): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) this.grantKeyUse(queue.encryptionMasterKey, 'sqs', true);
    return this;
  }

  /** Lets the function receive and delete a queue's messages. */
  private grantConsume(queue: IQueue): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: [queue.queueArn],
      }),
    );
    if (queue.encryptionMasterKey) this.grantKeyUse(queue.encryptionMasterKey, 'sqs', false);
    return this;
  }

  /** Names the form-signing secret in its environment variable and lets the function read it, and only it. */
  bindFormSecret(formSecret: FormSecret): this {
    this.addEnvironment(formSecretDefinition.envVar, formSecret.secret.secretArn);
    formSecret.secret.grantRead(this);
    return this;
  }

  /** The token verifier's settings (src/auth/tokens.ts reads them from these variables). */
  useAuth(auth: AuthSettings): this {
    this.addEnvironment('AUTH_ISSUER', auth.issuer);
    this.addEnvironment('AUTH_AUDIENCE', auth.audience);
    this.addEnvironment('AUTH_JWKS_URL', auth.jwksUrl);
    return this;
  }

  /** Use of a key, and only through the service whose data it protects. */
  private grantKeyUse(key: IKey, service: 'dynamodb' | 'sqs' | 's3', encrypt: boolean): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: encrypt ? [...KEY_DECRYPT_ACTIONS, ...KEY_ENCRYPT_ACTIONS] : KEY_DECRYPT_ACTIONS,
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `${service}.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
  }
}

/**
 * NodejsFunction quietly falls back to bundling in Docker when esbuild is not installed (and builds the
 * image even when bundling is skipped). The hub never bundles in Docker, so a missing esbuild is an error.
 */
function requireLocalEsbuild(projectRoot: string): void {
  try {
    createRequire(join(projectRoot, 'package.json')).resolve('esbuild');
  } catch {
    throw new Error(
      `esbuild is not installed under ${projectRoot}: run npm ci (bundling never falls back to Docker)`,
    );
  }
}

/**
 * Runs scripts/precompile-views.ts with the Node.js running this synthesis (24, which runs TypeScript;
 * a `node` on PATH may be older).
 */
function precompileViewsCommand(inputDir: string, outputDir: string): string {
  return `"${process.execPath}" "${join(inputDir, 'scripts', 'precompile-views.ts')}" "${join(outputDir, PRECOMPILED_TEMPLATES_FILE)}"`;
}

/** A copy that works wherever the bundling runs (bash or cmd), with Node's own fs. */
function copyFolderCommand(from: string, to: string): string {
  const script =
    "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true, dereference: true })";
  return `node -e "${script}" "${from}" "${to}"`;
}
