import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deniedAccess, requestedAccess } from '../../local/table-access';
import { documentClient } from '../../shared/clients/dynamodb';
import type { HttpHandler } from '../../shared/http/handler';
import { useLocalStack } from '../support/local-stack';
import { skipOpenApiChecks } from '../support/openapi-guard';

/**
 * What the accounts function's handler is replaced with here: one request of `kind` on the accounts table, and
 * the name of the error it met, if any, as the answer.
 */
const accountsTableRequest: HttpHandler = async (event): Promise<APIGatewayProxyResultV2> => {
  const table = process.env.ACCOUNTS_TABLE ?? '';
  const accountId = 'acct_tableaccess01';
  try {
    if (event.queryStringParameters?.kind === 'put') {
      await documentClient().send(new PutCommand({ TableName: table, Item: { accountId, platformUserId: 'guard' } }));
    } else {
      await documentClient().send(new GetCommand({ TableName: table, Key: { accountId } }));
    }
    return { statusCode: 200, body: 'done' };
  } catch (error) {
    return { statusCode: 200, body: (error as Error).name };
  }
};

// The accounts function's stand-in answers in plain text, outside docs/openapi.yaml.
skipOpenApiChecks();
const stack = useLocalStack({ gateway: { handlers: { accounts: accountsTableRequest } } });

describe('the local gateway holds each function to the tables its spec grants, as IAM does in AWS', () => {
  it('refuses the accounts function (read only) a write to the accounts table, and lets it read', async () => {
    const ask = async (kind: 'put' | 'get') =>
      (await fetch(`${stack.gatewayUrl}/accounts?kind=${kind}`, { headers: { authorization: 'Bearer x' } })).text();

    expect(await ask('put')).toBe('AccessDeniedException');
    expect(await ask('get')).toBe('done');
    // Outside a handler nothing is checked: the test reads the table, and the refused write left nothing.
    const stored = await documentClient().send(
      new GetCommand({ TableName: stack.tables.accounts, Key: { accountId: 'acct_tableaccess01' } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('reads a transaction or a batch as each of its parts, on each part’s table', () => {
    expect(
      requestedAccess('TransactWriteItemsCommand', {
        TransactItems: [
          { Put: { TableName: 'events' } },
          { Update: { TableName: 'accounts' } },
          { ConditionCheck: { TableName: 'accounts' } },
        ],
      }),
    ).toEqual([
      { action: 'PutItem', table: 'events' },
      { action: 'UpdateItem', table: 'accounts' },
      { action: 'ConditionCheckItem', table: 'accounts' },
    ]);
    expect(requestedAccess('BatchGetItemCommand', { RequestItems: { a: {}, b: {} } })).toEqual([
      { action: 'BatchGetItem', table: 'a' },
      { action: 'BatchGetItem', table: 'b' },
    ]);
    expect(requestedAccess('QueryCommand', { TableName: 'accounts', IndexName: 'byPlatformUser' })).toEqual([
      { action: 'Query', table: 'accounts' },
    ]);
  });

  it('allows exactly what each access grants, on the tables the spec names', () => {
    const { states, accounts, events } = stack.tables;

    // authorize may only put states; the webhook reads and writes accounts and events, and nothing else.
    expect(deniedAccess('authorize', [{ action: 'PutItem', table: states }])).toEqual([]);
    expect(deniedAccess('authorize', [{ action: 'GetItem', table: states }])).toEqual([
      { action: 'GetItem', table: states },
    ]);
    expect(
      deniedAccess('webhook', [
        { action: 'PutItem', table: events },
        { action: 'UpdateItem', table: accounts },
        { action: 'Query', table: accounts },
        { action: 'GetItem', table: states },
        { action: 'GetItem', table: 'some-other-table' },
      ]),
    ).toEqual([
      { action: 'GetItem', table: states },
      { action: 'GetItem', table: 'some-other-table' },
    ]);
  });
});
