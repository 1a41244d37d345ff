/**
 * DynamoDB table definitions, shared by the CDK stack and the embedded local DynamoDB so both
 * create exactly the same keys, indexes and TTL attributes. Every key attribute is a string.
 */
import { serviceName } from './service-name';

export type TableName = 'states' | 'accounts' | 'events';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableDefinition {
  readonly name: TableName;
  /** Environment variable through which functions learn the table's physical name. */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Epoch-seconds attribute DynamoDB TTL deletes by. Deletion is lazy: never rely on it for expiry checks. */
  readonly timeToLiveAttribute?: string;
  readonly indexes: readonly IndexDefinition[];
  /** Data that must survive `cdk destroy` and stack replacement. */
  readonly retain: boolean;
}

export const accountsByUserIndex = 'byPlatformUser';

export const tableDefinitions: Readonly<Record<TableName, TableDefinition>> = {
  states: {
    name: 'states',
    envVar: 'STATES_TABLE',
    partitionKey: 'stateHash',
    timeToLiveAttribute: 'ttl',
    indexes: [],
    retain: false,
  },
  accounts: {
    name: 'accounts',
    envVar: 'ACCOUNTS_TABLE',
    partitionKey: 'accountId',
    indexes: [{ name: accountsByUserIndex, partitionKey: 'platformUserId', sortKey: 'connectedAt' }],
    retain: true,
  },
  events: {
    name: 'events',
    envVar: 'EVENTS_TABLE',
    partitionKey: 'eventId',
    timeToLiveAttribute: 'ttl',
    indexes: [],
    retain: false,
  },
};

/** Physical table names used by the local stack and tests (AWS names come from CloudFormation). */
export const localTableName = (name: TableName): string => `${serviceName}-${name}`;
