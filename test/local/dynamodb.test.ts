import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDb, ensureTables, localDynamoClient, startEmbeddedDynamoDb } from '../../local/dynamodb';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import {
  appliedEventsCompactionThreshold,
  checksAppliedEvents,
  recordAccountState,
} from '../../shared/stores/accounts-repo';
import { createEventsRepo } from '../../shared/stores/events-repo';
import { tableDefinitions } from '../../shared/tables';
import type { AccountState, SnapshotTie, StateChange } from '../../shared/webhooks/account-change';
import { accountState } from '../support/account-state';

const started: EmbeddedDynamoDb[] = [];

afterAll(async () => {
  await Promise.all(started.map((engine) => engine.close()));
});

/** An account.updated snapshot of `accountId` as of `asOf` (epoch ms), as the webhook builds it. */
const snapshot = (accountId: string, asOf: number, state: Partial<AccountState> = {}): StateChange => ({
  kind: 'state',
  accountId,
  asOf,
  source: 'event',
  state: accountState(state),
});

/** The read that settles an event's tie (`tie`: the event's `created` and the version seen), read as of `asOf`. */
const settling = (
  accountId: string,
  asOf: number,
  tie: SnapshotTie,
  state: Partial<AccountState> = {},
): StateChange => ({
  ...snapshot(accountId, asOf, state),
  source: 'read',
  tie,
});

describe.each(['dynamodb-local', 'dynalite'] as const)('embedded DynamoDB (%s)', (engine) => {
  /** A fresh engine with the service's tables under `prefix`, these account items, and the events repo over them. */
  const storeWith = async (prefix: string, items: readonly Record<string, unknown>[]) => {
    const dynamoDb = await startEmbeddedDynamoDb({ port: 0, engine });
    started.push(dynamoDb);
    const name = (table: string) => `${prefix}-${table}`;
    await ensureTables(dynamoDb.endpoint, name);
    const db = createDocumentClient({ DYNAMODB_ENDPOINT: dynamoDb.endpoint });
    for (const item of items) await db.send(new PutCommand({ TableName: name('accounts'), Item: item }));
    const repo = createEventsRepo(db, { events: name('events'), accounts: name('accounts') });
    const item = async (accountId: string) =>
      (await db.send(new GetCommand({ TableName: name('accounts'), Key: { accountId }, ConsistentRead: true }))).Item;
    return { db, repo, item, tableName: name };
  };
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
    const { db, repo, item } = await storeWith('inplace', [
      { accountId: 'acct_1', platformUserId: 'user_1', connectedAt: '2026-01-01T00:00:00.000Z', status: 'connected' },
    ]);
    const now = Date.now();

    expect(await repo.applyInPlace('evt_a', snapshot('acct_1', 100_000), now)).toBe('applied');
    // Another event of the stored second cannot be ordered against it; the read that settles the tie can.
    const other = { chargesEnabled: false };
    expect(await repo.applyInPlace('evt_b', snapshot('acct_1', 100_000, other), now)).toEqual({
      outcome: 'same_second',
      stateVersion: 1,
    });
    const tie = { at: 100_000, version: 1 };
    expect(await repo.applyInPlace('evt_b', settling('acct_1', 100_999, tie, other), now)).toBe('applied');
    expect(await repo.applyInPlace('evt_a', snapshot('acct_1', 100_000), now)).toBe('duplicate');
    expect(await repo.applyInPlace('evt_c', snapshot('acct_1', 99_000), now)).toBe('stale');
    expect(await repo.applyInPlace('evt_d', snapshot('acct_2', 100_000), now)).toBe('unknown_account');

    expect(await item('acct_1')).toMatchObject({
      chargesEnabled: false,
      stripeStateAt: 100,
      appliedEvents: new Set(['100:evt_a', '100:evt_b']),
    });
    db.destroy();
  });

  it('keeps the entry of a tie-settling read when its write compacts the entries of older seconds', async () => {
    const older = Array.from({ length: appliedEventsCompactionThreshold }, (_, index) => `99:evt_old${index}`);
    const { db, repo, item } = await storeWith('tiecompact', [
      {
        accountId: 'acct_1',
        platformUserId: 'user_1',
        type: 'express',
        status: 'connected',
        stripeStateAt: 100,
        appliedEvents: new Set(['100:evt_stored', ...older]),
      },
    ]);
    // An event whose write reads the set back, so that it compacts.
    const eventId = Array.from({ length: 1000 }, (_, index) => `evt_tied${index}`).find(checksAppliedEvents) ?? '';

    expect(await repo.applyInPlace(eventId, settling('acct_1', 103_200, { at: 100_000, version: 0 }), Date.now())).toBe(
      'applied',
    );

    expect((await item('acct_1'))?.appliedEvents).toEqual(new Set(['100:evt_stored', `100:${eventId}`]));
    db.destroy();
  });

  it('applies the read that settles a tie only while nothing newer is stored, and once for all copies of its event', async () => {
    const { db, repo, item } = await storeWith(
      'tie',
      ['acct_overtaken', 'acct_copies'].map((accountId) => ({
        accountId,
        platformUserId: 'user_1',
        type: 'express',
        status: 'connected',
        stripeStateAt: 100,
      })),
    );
    const now = Date.now();
    const payouts = { payoutsEnabled: true };

    // A newer event (second 103) lands while the tie's read is on its way (as of 103.2): the read may not be newer.
    expect(await repo.applyInPlace('evt_newer', snapshot('acct_overtaken', 103_000, payouts), now)).toBe('applied');
    expect(
      await repo.applyInPlace('evt_tied', settling('acct_overtaken', 103_200, { at: 100_000, version: 0 }), now),
    ).toBe('stale');
    // Two copies of the tied event, read in different seconds: one applies, under the event's own second.
    expect(
      await repo.applyInPlace('evt_tied', settling('acct_copies', 103_200, { at: 100_000, version: 0 }), now),
    ).toBe('applied');
    expect(
      await repo.applyInPlace('evt_tied', settling('acct_copies', 104_100, { at: 100_000, version: 0 }), now),
    ).toBe('duplicate');
    // And so does a redelivery of the event itself: its second is older than the read, and its entry is there.
    expect(await repo.applyInPlace('evt_tied', snapshot('acct_copies', 100_000, payouts), now)).toBe('duplicate');

    expect(await item('acct_overtaken')).toMatchObject({ payoutsEnabled: true, stripeStateAt: 103 });
    expect(await item('acct_copies')).toMatchObject({
      payoutsEnabled: false,
      stripeStateAt: 103,
      appliedEvents: new Set(['100:evt_tied']),
    });
    db.destroy();
  });

  it('orders two reads that settle ties of one second by the version each saw: the one read first is read again', async () => {
    const { db, repo, item } = await storeWith('tierace', [
      { accountId: 'acct_1', platformUserId: 'user_1', type: 'express', status: 'connected' },
    ]);
    const now = Date.now();
    expect(await repo.applyInPlace('evt_a', snapshot('acct_1', 100_000), now)).toBe('applied');
    // evt_b and evt_d (also of second 100) both tie with evt_a's snapshot, version 1.
    const seen = await repo.applyInPlace('evt_b', snapshot('acct_1', 100_000), now);
    expect(await repo.applyInPlace('evt_d', snapshot('acct_1', 100_000), now)).toEqual(seen);
    const tie = (version: number) => ({ at: 100_000, version });

    // evt_d's read (made later: it has evt_d's change) is stored first; evt_b's earlier read comes after it.
    expect(await repo.applyInPlace('evt_d', settling('acct_1', 100_999, tie(1), { payoutsEnabled: true }), now)).toBe(
      'applied',
    );
    const lost = await repo.applyInPlace('evt_b', settling('acct_1', 100_999, tie(1)), now);
    // Refused, and told the version to read after: a read made now is newer than evt_d's.
    expect(lost).toEqual({ outcome: 'same_second', stateVersion: 2 });
    expect(await item('acct_1')).toMatchObject({ payoutsEnabled: true });
    expect(await repo.applyInPlace('evt_b', settling('acct_1', 100_999, tie(2), { payoutsEnabled: true }), now)).toBe(
      'applied',
    );

    expect(await item('acct_1')).toMatchObject({
      stateVersion: 3,
      appliedEvents: new Set(['100:evt_a', '100:evt_b', '100:evt_d']),
    });
    db.destroy();
  });

  it('orders a read at Stripe by the version it saw first: over its own second only while that one is stored', async () => {
    const { db, repo, item, tableName } = await storeWith('readorder', [
      { accountId: 'acct_1', platformUserId: 'user_1', type: 'express', status: 'connected', stripeStateAt: 100 },
    ]);
    const now = Date.now();
    const recordState = recordAccountState(db, tableName('accounts'));
    const read = (asOf: number, seen: number | undefined, state: Partial<AccountState>): StateChange => ({
      ...snapshot('acct_1', asOf, state),
      source: 'read',
      ...(seen === undefined ? {} : { seen }),
    });

    // What it saw (version 0: none counted yet) is still stored: newer than all of it, its second included.
    expect(await recordState(read(100_400, 0, { payoutsEnabled: true }), now)).toBe(true);
    // An account.updated of second 100 (created after a read made at 100.5) lands before that read's write.
    expect(await repo.applyInPlace('evt_b', snapshot('acct_1', 100_000, { chargesEnabled: false }), now)).toEqual({
      outcome: 'same_second',
      stateVersion: 1,
    });
    expect(await recordState(read(100_500, 1, { chargesEnabled: true }), now)).toBe(true);
    // Another snapshot of its second was stored since it looked (version 2 now): which is newer cannot be told.
    expect(await recordState(read(100_600, 1, { detailsSubmitted: false }), now)).toBe(false);
    if (engine === 'dynamodb-local') {
      // A webhook's read (dynalite has no transactions) is told so, to settle the tie by reading again.
      const reread = { eventId: 'evt_c', type: 'capability.updated', accountId: 'acct_1', created: 100_000 };
      expect(await repo.applyOnce(reread, read(100_600, 1, { detailsSubmitted: false }), now)).toEqual({
        outcome: 'same_second',
        stateVersion: 2,
      });
    }
    // A read that knows no version applies only over an older second.
    expect(await recordState(read(100_700, undefined, { detailsSubmitted: false }), now)).toBe(false);
    expect(await item('acct_1')).toMatchObject({ chargesEnabled: true, detailsSubmitted: true, stateVersion: 2 });
    // Over an older second any read applies, whatever it saw.
    expect(await recordState(read(101_000, undefined, { payoutsEnabled: false }), now)).toBe(true);
    expect(await recordState(read(102_000, 1, { chargesEnabled: false }), now)).toBe(true);
    expect(await item('acct_1')).toMatchObject({ chargesEnabled: false, stripeStateAt: 102, stateVersion: 4 });
    db.destroy();
  });

  it("reads an event's record and an account's snapshot version in one batch, consistently", async () => {
    const { db, repo } = await storeWith('beforeread', [
      { accountId: 'acct_1', platformUserId: 'user_1', status: 'connected', stripeStateAt: 100, stateVersion: 3 },
      { accountId: 'acct_2', platformUserId: 'user_1', status: 'connected' },
    ]);
    const now = Date.now();
    const reread = { eventId: 'evt_r', type: 'capability.updated', accountId: 'acct_2', created: 100_000 };
    if (engine === 'dynamodb-local') {
      // dynalite has no transactions: only DynamoDB Local records a processed event this way.
      await repo.applyOnce(reread, { ...snapshot('acct_2', 100_500, {}), source: 'read' }, now);
      expect(await repo.beforeStripeRead('evt_r', 'acct_2')).toEqual({ processed: true, snapshotVersion: 1 });
    }

    expect(await repo.beforeStripeRead('evt_new', 'acct_1')).toEqual({ processed: false, snapshotVersion: 3 });
    expect(await repo.beforeStripeRead('evt_new', 'acct_none')).toEqual({
      processed: false,
      snapshotVersion: undefined,
    });
    db.destroy();
  });

  it('never stores a settling read over a later second, even one a writer that counts no versions stored', async () => {
    // An older deployment's webhook stored second 105 without counting the version the tie saw (1).
    const { db, repo, item } = await storeWith('tiemixed', [
      { accountId: 'acct_1', platformUserId: 'user_1', status: 'connected', stripeStateAt: 105, stateVersion: 1 },
    ]);

    const read = settling('acct_1', 100_999, { at: 100_000, version: 1 }, { payoutsEnabled: true });

    expect(await repo.applyInPlace('evt_b', read, Date.now())).toBe('stale');
    expect(await item('acct_1')).toMatchObject({ stripeStateAt: 105, stateVersion: 1 });
    db.destroy();
  });
});
