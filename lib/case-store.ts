import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { KeyAttribute, AttributeType as KeyAttributeType, TableDefinition } from '../src/resources.ts';

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

export interface CaseStoreProps {
  readonly tables: readonly TableDefinition[];
}

/**
 * The case store: every table in src/resources.ts, pay per request, under one customer-managed key.
 * Safeguarding records must outlive any stack operation, so tables and key are retained, deletion
 * protected and recoverable to any second of the last 35 days.
 */
export class CaseStore extends Construct {
  readonly key: Key;
  private readonly byId = new Map<string, HubTable>();

  constructor(scope: Construct, id: string, props: CaseStoreProps) {
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
  }

  /** The table built from this definition. */
  table(definition: TableDefinition): HubTable {
    const table = this.byId.get(definition.id);
    if (!table)
      throw new Error(`CaseStore has no table ${definition.id}; add it to tables in src/resources.ts`);
    return table;
  }

  get tables(): HubTable[] {
    return [...this.byId.values()];
  }
}
