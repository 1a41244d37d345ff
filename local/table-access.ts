/**
 * The functions' DynamoDB permissions, played locally. In AWS each function's role allows exactly the actions
 * its spec's table access grants (`FunctionSpec.tables`, granted in infra/stack.ts); DynamoDB Local checks
 * nothing, so a handler that reads or writes beyond its spec would pass every local test and fail in AWS. The
 * gateway runs each handler as its function ({@link asFunction}), and {@link guardTableAccess} refuses, as AWS
 * does, every DynamoDB request of that function that its spec does not allow: `AccessDeniedException`, which
 * the stores raise as `store_unavailable` like any refusal they may outlive (an operator fixes the grant, Stripe
 * retries): a 503, or, on the callback and the onboarding return, the failure redirect's `service_unavailable`.
 * Requests made outside a handler (tests reading the tables, the setup) are not checked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type FunctionName, functionSpecs, type TableAccess } from '../shared/routes';
import { type TableName, tableDefinitions } from '../shared/tables';

const read = [
  'BatchGetItem',
  'ConditionCheckItem',
  'DescribeTable',
  'GetItem',
  'GetRecords',
  'GetShardIterator',
  'Query',
  'Scan',
];
const write = ['BatchWriteItem', 'DeleteItem', 'DescribeTable', 'PutItem', 'UpdateItem'];

/**
 * The DynamoDB actions each table access grants, as the stack's grants give them (`grantTableAccess` in
 * infra/service-tables.ts: `grantReadData`, `grantWriteData`, `grantReadWriteData`, one action for `put` and
 * `update`); test/infra/stack.test.ts reads them back from the synthesized template, for every kind of access,
 * and compares them with this table.
 */
export const dynamoDbActionsOf: Readonly<Record<TableAccess, readonly string[]>> = {
  read,
  write,
  readWrite: [...new Set([...read, ...write])],
  put: ['PutItem'],
  update: ['UpdateItem'],
};

const running = new AsyncLocalStorage<FunctionName>();

/** Runs `work` as function `name`: its DynamoDB requests are held to its spec. */
export const asFunction = <T>(name: FunctionName, work: () => T): T => running.run(name, work);

export interface RequestedAccess {
  /** The IAM action, without its `dynamodb:` prefix. */
  readonly action: string;
  /** The table's physical name. */
  readonly table: string;
}

const transactionActions: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

/**
 * What one low-level request asks of which tables, as IAM judges it: a transaction or a batch asks each of its
 * parts' actions of each part's table.
 */
export const requestedAccess = (commandName: string, input: Record<string, unknown>): RequestedAccess[] => {
  const action = commandName.replace(/Command$/, '');
  if (action === 'TransactWriteItems' || action === 'TransactGetItems') {
    return ((input.TransactItems ?? []) as Record<string, { TableName?: string }>[]).flatMap((item) =>
      Object.entries(item).map(([kind, part]) => ({
        action: transactionActions[kind] ?? kind,
        table: part.TableName ?? '',
      })),
    );
  }
  if (action === 'BatchGetItem' || action === 'BatchWriteItem') {
    return Object.keys((input.RequestItems ?? {}) as Record<string, unknown>).map((table) => ({ action, table }));
  }
  return [{ action, table: String(input.TableName ?? '') }];
};

/** The logical table a physical name stands for in this process's environment (as the functions read it). */
const logicalTable = (physical: string): TableName | undefined =>
  (Object.keys(tableDefinitions) as TableName[]).find(
    (table) => process.env[tableDefinitions[table].envVar] === physical,
  );

/** What of `requested` function `name`'s spec does not allow. */
export const deniedAccess = (name: FunctionName, requested: readonly RequestedAccess[]): RequestedAccess[] =>
  requested.filter(({ action, table }) => {
    const logical = logicalTable(table);
    const access = logical === undefined ? undefined : functionSpecs[name].tables[logical];
    return access === undefined || !dynamoDbActionsOf[access].includes(action);
  });

const guardName = 'localTableAccess';

/** The middleware stacks that hold the guard already (a document client shares its client's). */
const guarded = new WeakSet<object>();

/** Holds `client`'s requests made inside {@link asFunction} to that function's spec; installing it twice is once. */
export const guardTableAccess = (client: DynamoDBDocumentClient): void => {
  if (guarded.has(client.middlewareStack)) return;
  guarded.add(client.middlewareStack);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = running.getStore();
      if (name !== undefined) {
        const [denied] = deniedAccess(
          name,
          requestedAccess(context.commandName ?? '', args.input as Record<string, unknown>),
        );
        if (denied) {
          throw new DynamoDBServiceException({
            name: 'AccessDeniedException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
            message:
              `The ${name} function is not authorized to perform dynamodb:${denied.action} on table ${denied.table} ` +
              '(its spec in shared/routes.ts does not grant it)',
          });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: guardName, override: true },
  );
};
