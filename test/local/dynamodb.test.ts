import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTables, localDynamoClient, startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../local/dynamodb';
import { tableDefinitions } from '../../shared/tables';

const started: EmbeddedDynamoDb[] = [];

afterAll(async () => {
  await Promise.all(started.map((engine) => engine.close()));
});

describe.each(['dynamodb-local', 'dynalite'] as const)('embedded DynamoDB (%s)', (engine) => {
  it('creates every table of shared/tables.ts with its keys and indexes, idempotently', async () => {
    const dynamoDb = await startEmbeddedDynamoDb({ port: 0, engine });
    started.push(dynamoDb);
    const name = (table: string) => `shape-${table}`;

    await ensureTables(dynamoDb.endpoint, name);
    await ensureTables(dynamoDb.endpoint, name);

    const client = localDynamoClient(dynamoDb.endpoint);
    const accounts = (await client.send(new DescribeTableCommand({ TableName: name('accounts') }))).Table;
    expect(dynamoDb.engine).toBe(engine);
    expect(accounts?.KeySchema).toEqual([{ AttributeName: tableDefinitions.accounts.partitionKey, KeyType: 'HASH' }]);
    expect(accounts?.GlobalSecondaryIndexes?.map((index) => ({ name: index.IndexName, keys: index.KeySchema }))).toEqual([
      { name: 'byPlatformUser', keys: [{ AttributeName: 'platformUserId', KeyType: 'HASH' }, { AttributeName: 'connectedAt', KeyType: 'RANGE' }] },
    ]);
    if (engine === 'dynamodb-local') {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name('states') }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
    }
    client.destroy();
  });
});
