import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  type BackupSelection,
  BackupVault,
} from 'aws-cdk-lib/aws-backup';
import { MathExpression, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { KeyAttribute, AttributeType as KeyAttributeType, TableDefinition } from '../src/resources.ts';
import { CASE_STORE_BACKUP } from '../src/resources.ts';
import type { Alerts } from './alerts.ts';

const attributeTypes: Record<KeyAttributeType, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
};

const attribute = (key: KeyAttribute) => ({ name: key.name, type: attributeTypes[key.type] });

export interface HubTableProps {
  readonly definition: TableDefinition;
  readonly encryptionKey: Key;
}

/** A DynamoDB table built from its definition in src/resources.ts, which it keeps for its bindings. */
export class HubTable extends Table {
  readonly definition: TableDefinition;

  constructor(scope: Construct, id: string, props: HubTableProps) {
    const { definition } = props;
    super(scope, id, {
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.definition = definition;
    for (const index of definition.indexes) {
      this.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: index.projection === 'INCLUDE' ? ProjectionType.INCLUDE : ProjectionType.ALL,
        ...(index.nonKeyAttributes ? { nonKeyAttributes: [...index.nonKeyAttributes] } : {}),
      });
    }
  }
}

export interface CaseTablesProps {
  readonly tables: readonly TableDefinition[];
  /** Where a backup job that did not complete is reported. */
  readonly alerts?: Alerts;
}

/** Backup job outcomes that leave a day without a recovery point (AWS/Backup metrics, per vault). */
const UNFINISHED_BACKUP_METRICS = {
  failed: 'NumberOfBackupJobsFailed',
  expired: 'NumberOfBackupJobsExpired',
  aborted: 'NumberOfBackupJobsAborted',
} as const;

/**
 * The tables of the case store (the DynamoDB side of src/store/case-store.ts's port): every table in
 * src/resources.ts, pay per request, under one customer-managed key.
 * Safeguarding records must outlive any stack operation, so tables and key are retained, deletion
 * protected and recoverable to any second of the last 35 days; AWS Backup also keeps daily and monthly
 * recovery points of every table (CASE_STORE_BACKUP) in a vault under its own key, whose recovery points
 * nobody may delete before their lifecycle does.
 */
export class CaseTables extends Construct {
  readonly key: Key;
  readonly backupKey: Key;
  readonly backupVault: BackupVault;
  readonly backupPlan: BackupPlan;
  readonly backupSelection: BackupSelection;
  private readonly byId = new Map<string, HubTable>();

  constructor(scope: Construct, id: string, props: CaseTablesProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'MASH hub: case store tables',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const definition of props.tables) {
      this.byId.set(
        definition.id,
        new HubTable(this, definition.id, { definition, encryptionKey: this.key }),
      );
    }

    this.backupKey = new Key(this, 'BackupKey', {
      description: 'MASH hub: case store backup vault',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      // Recovery points stay restorable only while their key exists.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupVault = new BackupVault(this, 'BackupVault', {
      encryptionKey: this.backupKey,
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupPlan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `${Stack.of(this).stackName}-case-store`,
      backupVault: this.backupVault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: Schedule.cron(CASE_STORE_BACKUP.dailyCron),
          scheduleExpressionTimezone: TimeZone.EUROPE_LONDON,
          deleteAfter: Duration.days(CASE_STORE_BACKUP.dailyRetentionDays),
        }),
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron(CASE_STORE_BACKUP.monthlyCron),
          scheduleExpressionTimezone: TimeZone.EUROPE_LONDON,
          deleteAfter: Duration.days(CASE_STORE_BACKUP.monthlyRetentionDays),
        }),
      ],
    });
    this.backupSelection = this.backupPlan.addSelection('Tables', {
      resources: this.tables.map((table) => BackupResource.fromDynamoDbTable(table)),
    });
    Validations.of(this.backupSelection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's service role: AWS maintains this policy for exactly this role, which only " +
        'backup.amazonaws.com can assume, and keeps it in step with what each backup type needs. The selection ' +
        'limits it to the case store tables.',
    });

    // A failed, expired or aborted backup job is a day with no recovery point: someone must know that day.
    if (props.alerts) {
      const usingMetrics = Object.fromEntries(
        Object.entries(UNFINISHED_BACKUP_METRICS).map(([name, metricName]) => [
          name,
          new Metric({
            namespace: 'AWS/Backup',
            metricName,
            dimensionsMap: { BackupVaultName: this.backupVault.backupVaultName },
            statistic: Stats.SUM,
            period: Duration.hours(1),
          }),
        ]),
      );
      props.alerts.whenAboveZero(
        this,
        'BackupJobsNotCompleted',
        new MathExpression({
          expression: Object.keys(usingMetrics)
            .map((name) => `FILL(${name}, 0)`)
            .join(' + '),
          usingMetrics,
          period: Duration.hours(1),
          label: 'Case store backup jobs failed, expired or aborted',
        }),
        'A backup job of the case store failed, expired or was aborted in the last hour: that day has no ' +
          'recovery point in the vault. Check the job in AWS Backup and run an on-demand backup.',
      );
    }
  }

  /** The table built from this definition. */
  table(definition: TableDefinition): HubTable {
    const table = this.byId.get(definition.id);
    if (!table)
      throw new Error(`CaseTables has no table ${definition.id}; add it to tables in src/resources.ts`);
    return table;
  }

  get tables(): HubTable[] {
    return [...this.byId.values()];
  }
}
