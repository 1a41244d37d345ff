import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableAccess } from '../shared/routes';
import { type TableName, tableDefinitions } from '../shared/tables';

/** Props of {@link ServiceTables}. */
export interface ServiceTablesProps {
  /** Retain every table on stack deletion, not only those whose definition says `retain`. */
  readonly retainAll: boolean;
}

/** `login-link` → `LoginLink`: construct ids (and so logical ids) from the names in shared/. */
export const pascalCase = (name: string): string =>
  name.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase());

/**
 * Grants `grantee` what `access` allows on `table`, and nothing else (least privilege: a function's spec,
 * `FunctionSpec.tables` in shared/routes.ts). The local gateway allows the same actions (local/table-access.ts);
 * test/infra/stack.test.ts compares the two for every kind of access.
 */
export const grantTableAccess = (table: TableV2, grantee: IGrantable, access: TableAccess): void => {
  switch (access) {
    case 'read':
      table.grantReadData(grantee);
      return;
    case 'write':
      table.grantWriteData(grantee);
      return;
    case 'readWrite':
      table.grantReadWriteData(grantee);
      return;
    case 'put':
      table.grant(grantee, 'dynamodb:PutItem');
      return;
    case 'update':
      table.grant(grantee, 'dynamodb:UpdateItem');
      return;
  }
};

/**
 * The DynamoDB tables of shared/tables.ts, created in a loop so the deployed keys, indexes and TTL
 * attributes are exactly the ones the local DynamoDB gets.
 */
export class ServiceTables extends Construct {
  readonly tables: Readonly<Record<TableName, TableV2>>;

  constructor(scope: Construct, id: string, props: ServiceTablesProps) {
    super(scope, id);
    const tables: Partial<Record<TableName, TableV2>> = {};
    for (const definition of Object.values(tableDefinitions)) {
      const retain = definition.retain || props.retainAll;
      const string = (name: string) => ({ name, type: AttributeType.STRING });
      tables[definition.name] = new TableV2(this, pascalCase(definition.name), {
        partitionKey: string(definition.partitionKey),
        sortKey: definition.sortKey === undefined ? undefined : string(definition.sortKey),
        billing: Billing.onDemand(),
        // Point-in-time recovery and encryption at rest on every table (docs/security-model.md).
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryptionV2.awsManagedKey(),
        timeToLiveAttribute: definition.timeToLiveAttribute,
        globalSecondaryIndexes: definition.indexes.map((index) => ({
          indexName: index.name,
          partitionKey: string(index.partitionKey),
          sortKey: index.sortKey === undefined ? undefined : string(index.sortKey),
          projectionType: ProjectionType.ALL,
        })),
        // Connected accounts cannot be re-created from Stripe's side: keep them through mistakes.
        deletionProtection: retain,
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    }
    this.tables = tables as Record<TableName, TableV2>;
  }
}
