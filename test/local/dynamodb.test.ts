import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDb, ensureTables, localDynamoClient, startEmbeddedDynamoDb } from '../../local/dynamodb';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { appliedEventsCompactionThreshold, checksAppliedEvents } from '../../shared/stores/accounts-repo';
import { createEventsRepo } from '../../shared/stores/events-repo';
import { tableDefinitions } from '../../shared/tables';
import { noRequirements, type StateChange } from '../../shared/webhooks/account-change';

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
    expect(
      accounts?.GlobalSecondaryIndexes?.map((index) => ({ name: index.IndexName, keys: index.KeySchema })),
    ).toEqual([
      {
        name: 'byPlatformUser',
        keys: [
          { AttributeName: 'platformUserId', KeyType: 'HASH' },
          { AttributeName: 'connectedAt', KeyType: 'RANGE' },
        ],
      },
    ]);
    if (engine === 'dynamodb-local') {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name('states') }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
    }
    client.destroy();
  });

  it('applies an account.updated in place once and tells why a copy is refused (the fallback engine needs a read for that)', async () => {
    const dynamoDb = await startEmbeddedDynamoDb({ port: 0, engine });
    started.push(dynamoDb);
    const name = (table: string) => `inplace-${table}`;
    await ensureTables(dynamoDb.endpoint, name);
    const db = createDocumentClient({ DYNAMODB_ENDPOINT: dynamoDb.endpoint });
    await db.send(
      new PutCommand({
        TableName: name('accounts'),
        Item: {
          accountId: 'acct_1',
          platformUserId: 'user_1',
          connectedAt: '2026-01-01T00:00:00.000Z',
          status: 'connected',
        },
      }),
    );
    const repo = createEventsRepo(db, { events: name('events'), accounts: name('accounts') });
    const change = (accountId: string, asOf: number, chargesEnabled: boolean): StateChange => ({
      kind: 'state',
      accountId,
      asOf,
      source: 'event',
      state: {
        chargesEnabled,
        payoutsEnabled: false,
        detailsSubmitted: true,
        capabilities: {},
        requirements: noRequirements,
        futureRequirements: noRequirements,
      },
    });
    const now = Date.now();

    expect(await repo.applyInPlace('evt_a', change('acct_1', 100_000, true), now)).toBe('applied');
    // Another event of the stored second cannot be ordered against it; the read that settles the tie can.
    expect(await repo.applyInPlace('evt_b', change('acct_1', 100_000, false), now)).toBe('same_second');
    const settling = { ...change('acct_1', 100_999, false), source: 'read', tiedAt: 100_000 } as const;
    expect(await repo.applyInPlace('evt_b', settling, now)).toBe('applied');
    expect(await repo.applyInPlace('evt_a', change('acct_1', 100_000, true), now)).toBe('duplicate');
    expect(await repo.applyInPlace('evt_c', change('acct_1', 99_000, true), now)).toBe('stale');
    expect(await repo.applyInPlace('evt_d', change('acct_2', 100_000, true), now)).toBe('unknown_account');

    const stored = (
      await db.send(new GetCommand({ TableName: name('accounts'), Key: { accountId: 'acct_1' }, ConsistentRead: true }))
    ).Item;
    expect(stored).toMatchObject({
      chargesEnabled: false,
      stripeStateAt: 100,
      appliedEvents: new Set(['100:evt_a', '100:evt_b']),
    });
    db.destroy();
  });

  it('keeps the entry of a tie-settling read when its write compacts the entries of older seconds', async () => {
    const dynamoDb = await startEmbeddedDynamoDb({ port: 0, engine });
    started.push(dynamoDb);
    const name = (table: string) => `tiecompact-${table}`;
    await ensureTables(dynamoDb.endpoint, name);
    const db = createDocumentClient({ DYNAMODB_ENDPOINT: dynamoDb.endpoint });
    const older = Array.from({ length: appliedEventsCompactionThreshold }, (_, index) => `99:evt_old${index}`);
    await db.send(
      new PutCommand({
        TableName: name('accounts'),
        Item: {
          accountId: 'acct_1',
          platformUserId: 'user_1',
          type: 'express',
          status: 'connected',
          stripeStateAt: 100,
          appliedEvents: new Set(['100:evt_stored', ...older]),
        },
      }),
    );
    const repo = createEventsRepo(db, { events: name('events'), accounts: name('accounts') });
    // An event whose write reads the set back, so that it compacts.
    const eventId = Array.from({ length: 1000 }, (_, index) => `evt_tied${index}`).find(checksAppliedEvents) ?? '';
    const settling: StateChange = {
      kind: 'state',
      accountId: 'acct_1',
      asOf: 103_200,
      source: 'read',
      tiedAt: 100_000,
      state: {
        chargesEnabled: true,
        payoutsEnabled: true,
        detailsSubmitted: true,
        capabilities: {},
        requirements: noRequirements,
        futureRequirements: noRequirements,
      },
    };

    expect(await repo.applyInPlace(eventId, settling, Date.now())).toBe('applied');

    const stored = (
      await db.send(new GetCommand({ TableName: name('accounts'), Key: { accountId: 'acct_1' }, ConsistentRead: true }))
    ).Item;
    expect(stored?.appliedEvents).toEqual(new Set(['100:evt_stored', `100:${eventId}`]));
    db.destroy();
  });

  it('applies the read that settles a tie only while nothing newer is stored, and once for all copies of its event', async () => {
    const dynamoDb = await startEmbeddedDynamoDb({ port: 0, engine });
    started.push(dynamoDb);
    const name = (table: string) => `tie-${table}`;
    await ensureTables(dynamoDb.endpoint, name);
    const db = createDocumentClient({ DYNAMODB_ENDPOINT: dynamoDb.endpoint });
    for (const accountId of ['acct_overtaken', 'acct_copies'])
      await db.send(
        new PutCommand({
          TableName: name('accounts'),
          Item: { accountId, platformUserId: 'user_1', type: 'express', status: 'connected', stripeStateAt: 100 },
        }),
      );
    const repo = createEventsRepo(db, { events: name('events'), accounts: name('accounts') });
    const snapshot = (accountId: string, asOf: number, payoutsEnabled: boolean): StateChange => ({
      kind: 'state',
      accountId,
      asOf,
      source: 'event',
      state: {
        chargesEnabled: true,
        payoutsEnabled,
        detailsSubmitted: true,
        capabilities: {},
        requirements: noRequirements,
        futureRequirements: noRequirements,
      },
    });
    /** evt_tied (second 100) tied the stored snapshot; read at Stripe as of `asOf`. */
    const settling = (accountId: string, asOf: number): StateChange => ({
      ...snapshot(accountId, asOf, false),
      source: 'read',
      tiedAt: 100_000,
    });
    const now = Date.now();
    const item = async (accountId: string) =>
      (await db.send(new GetCommand({ TableName: name('accounts'), Key: { accountId }, ConsistentRead: true }))).Item;

    // A newer event (second 103) lands while the tie's read is on its way (as of 103.2): the read is not newer.
    expect(await repo.applyInPlace('evt_newer', snapshot('acct_overtaken', 103_000, true), now)).toBe('applied');
    expect(await repo.applyInPlace('evt_tied', settling('acct_overtaken', 103_200), now)).toBe('stale');
    // Two copies of the tied event, read in different seconds: one applies, under the event's own second.
    expect(await repo.applyInPlace('evt_tied', settling('acct_copies', 103_200), now)).toBe('applied');
    expect(await repo.applyInPlace('evt_tied', settling('acct_copies', 104_100), now)).toBe('duplicate');
    // And so does a redelivery of the event itself: its second is older than the read, and its entry is there.
    expect(await repo.applyInPlace('evt_tied', snapshot('acct_copies', 100_000, true), now)).toBe('duplicate');

    expect(await item('acct_overtaken')).toMatchObject({ payoutsEnabled: true, stripeStateAt: 103 });
    expect(await item('acct_copies')).toMatchObject({
      payoutsEnabled: false,
      stripeStateAt: 103,
      appliedEvents: new Set(['100:evt_tied']),
    });
    db.destroy();
  });
});
