import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountChangeWrite, accountConditions, createAccountsRepo } from '../../../shared/stores/accounts-repo';
import type { SnapshotSource, SnapshotTie } from '../../../shared/webhooks/account-change';
import { accountState } from '../../support/account-state';

const { exists, isAbsent, isConnected, isDeauthorized, notDeauthorized, ownedBy, isUnclaimed } = accountConditions;
const { isNotOlderSnapshot, isNewerSnapshot, isUnversioned, isVersion, isStillTied, noStatusChangeAfter } =
  accountConditions;
const { isPending, isConfirmed, confirmationIs, confirmationUnexpired, confirmationLapsed, notCreated } =
  accountConditions;

const conditionFailure = () => Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' });

/** A repo over a client that refuses the first `refusals` commands' conditions and answers the rest. */
const refusing = (refusals: number) => {
  const inputs: Record<string, unknown>[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      if (inputs.length <= refusals) throw conditionFailure();
      return { Attributes: { accountId: 'acct_1' } };
    },
  } as unknown as DynamoDBDocumentClient;
  return { repo: createAccountsRepo(client, 'accounts'), inputs };
};

const connection = {
  accountId: 'acct_1',
  platformUserId: 'user_1',
  type: 'standard' as const,
  scope: 'read_write',
  livemode: false,
  confirmation: { hash: 'a'.repeat(64), expiresAt: Date.UTC(2026, 0, 2, 3, 19, 5, 678) },
};

/** A repo over a client that records each command's input and answers `answer`. */
const recording = (answer: Record<string, unknown> = { Attributes: {} }) => {
  const inputs: Record<string, unknown>[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return answer;
    },
  } as unknown as DynamoDBDocumentClient;
  return { repo: createAccountsRepo(client, 'accounts'), inputs };
};

const state = accountState();
const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('accountsRepo writes', () => {
  it('records the creating browser; the same browser again gets the record back, another is told the slot is taken', async () => {
    const inputs: Record<string, unknown>[] = [];
    const stored = {
      accountId: 'acct_1',
      platformUserId: 'user_1',
      connection: 'created',
      onboardingBrowsers: new Set(['h1']),
    };
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        inputs.push(command.input);
        if ('ConditionExpression' in command.input) throw conditionFailure();
        return { Item: stored };
      },
    } as unknown as DynamoDBDocumentClient;
    const click = (browserHash: string) => ({
      accountId: 'acct_1',
      platformUserId: 'user_1',
      type: 'express' as const,
      livemode: false,
      onboardingSlot: 0,
      confirmationHash: 'c'.repeat(64),
      browserHash,
      at: now,
    });
    const repo = createAccountsRepo(client, 'accounts');

    const sameBrowser = await repo.putCreated(click('h1'));
    const otherBrowser = await repo.putCreated(click('h2'));

    expect(inputs[0]).toMatchObject({
      UpdateExpression: expect.stringMatching(/, onboardingBrowsers = :browsers$/),
      ExpressionAttributeValues: expect.objectContaining({ ':browsers': new Set(['h1']) }),
    });
    expect(sameBrowser).toEqual({ ok: true, record: stored });
    expect(otherBrowser).toEqual({ ok: false, reason: 'slot_taken', holder: stored });
    // Each: the conditional write, then a read; no write adds a browser.
    expect(inputs).toHaveLength(4);
  });

  it("stores a finished onboarding's new value only while pending, and without a value writes only a confirmed account", async () => {
    const owned = { accountId: 'acct_1', platformUserId: 'user_1' };
    const finished = { chargesEnabled: true, payoutsEnabled: false, at: now };
    const value = { hash: 'b'.repeat(64), expiresAt: now + 900_000 };
    const withValue = refusing(1);
    const withoutValue = refusing(1);

    const outcomes = [
      await withValue.repo.recordFinished(owned, { ...finished, confirmation: value }),
      await withoutValue.repo.recordFinished(owned, finished),
    ];

    expect(outcomes).toEqual(['already_confirmed', 'gone']);
    expect(withValue.inputs.map((input) => input.ConditionExpression)).toEqual([
      [exists, ownedBy, isConnected, isPending].join(' AND '),
      [exists, ownedBy, isConnected, isConfirmed].join(' AND '),
    ]);
    expect(withValue.inputs[0]).toMatchObject({
      ExpressionAttributeValues: { ':confirmationHash': value.hash, ':confirmationExpiresAt': value.expiresAt },
    });
    expect(withValue.inputs[1]?.UpdateExpression).not.toContain('confirmationHash');
    // A platform API link's return (no value): one write, for a confirmed account only; a pending one is refused.
    expect(withoutValue.inputs).toEqual([withValue.inputs[1]]);
  });

  it('orders a deauthorization by the same condition whether our route or Stripe makes it', async () => {
    const { repo, inputs } = recording();
    await repo.markDeauthorized({ accountId: 'acct_1', platformUserId: 'user_1' }, now);
    const webhook = accountChangeWrite('accounts', { kind: 'deauthorized', accountId: 'acct_1', asOf: now - 1 }, now);

    expect(inputs[0]).toMatchObject({
      ConditionExpression: [exists, notDeauthorized, ownedBy, noStatusChangeAfter].join(' AND '),
      ExpressionAttributeValues: {
        ':deauthorized': 'deauthorized',
        ':at': '2026-01-02T03:04:05.678Z',
        ':statusAt': now,
        ':user': 'user_1',
      },
      ReturnValues: 'ALL_NEW',
    });
    expect(webhook).toMatchObject({
      UpdateExpression: (inputs[0] as { UpdateExpression: string }).UpdateExpression,
      ConditionExpression: [exists, notDeauthorized, noStatusChangeAfter].join(' AND '),
      ExpressionAttributeValues: {
        ':deauthorized': 'deauthorized',
        ':at': '2026-01-02T03:04:05.678Z',
        ':statusAt': now - 1,
      },
    });
  });

  /** The write of acct_1's snapshot as of `asOf` from `source` (for a read, a `tie` it settles or the version it `seen`). */
  const snapshotWriteOf = (asOf: number, source: SnapshotSource, order: { tie?: SnapshotTie; seen?: number } = {}) =>
    accountChangeWrite('accounts', { kind: 'state', accountId: 'acct_1', state, asOf, source, ...order }, now);

  it("stores an event's snapshot ordered to the second, only over an older second: its time in epoch seconds, the write time as ISO", () => {
    expect(snapshotWriteOf(1_700_000_100_999, 'event')).toMatchObject({
      Key: { accountId: 'acct_1' },
      ConditionExpression: [exists, isConnected, isNewerSnapshot].join(' AND '),
      ExpressionAttributeValues: {
        ':stateAt': 1_700_000_100,
        ':connected': 'connected',
        ':at': '2026-01-02T03:04:05.678Z',
      },
    });
  });

  it('stores a snapshot read at Stripe over one of its own second only while the version it saw is stored', () => {
    expect(snapshotWriteOf(1_700_000_100_999, 'read', { seen: 4 })).toMatchObject({
      ConditionExpression: `${[exists, isConnected].join(' AND ')} AND (${isNewerSnapshot} OR ${isVersion} AND ${isNotOlderSnapshot})`,
      ExpressionAttributeValues: { ':stateAt': 1_700_000_100, ':seenVersion': 4 },
    });
    expect(snapshotWriteOf(1_700_000_100_999, 'read', { seen: 0 })).toMatchObject({
      ConditionExpression: `${[exists, isConnected].join(' AND ')} AND (${isNewerSnapshot} OR ${isUnversioned} AND ${isNotOlderSnapshot})`,
    });
    // Without a version seen, as an event's: only over an older second (a tie is settled by reading again).
    expect(snapshotWriteOf(1_700_000_100_999, 'read')).toMatchObject({
      ConditionExpression: [exists, isConnected, isNewerSnapshot].join(' AND '),
    });
    expect(snapshotWriteOf(1_700_000_100_999, 'read').ExpressionAttributeValues).not.toHaveProperty(':seenVersion');
  });

  it('stores the read that settles a tie as of its own second, only over the snapshot version it saw', () => {
    const settling = (version: number) =>
      snapshotWriteOf(1_700_000_103_200, 'read', { tie: { at: 1_700_000_100_000, version } });

    expect(settling(4)).toMatchObject({
      ConditionExpression: [exists, isConnected, isVersion, isStillTied].join(' AND '),
      ExpressionAttributeValues: { ':stateAt': 1_700_000_103, ':seenVersion': 4, ':tiedAt': 1_700_000_100 },
    });
    // An item no snapshot was written to since versions began has none: the read applies while it still has none.
    expect(settling(0)).toMatchObject({
      ConditionExpression: [exists, isConnected, isUnversioned, isStillTied].join(' AND '),
    });
    expect(settling(0).ExpressionAttributeValues).not.toHaveProperty(':seenVersion');
  });

  it('counts every snapshot write in stateVersion', () => {
    expect(snapshotWriteOf(1, 'event')).toMatchObject({
      UpdateExpression: expect.stringContaining('stateVersion = if_not_exists(stateVersion, :noVersion) + :one'),
      ExpressionAttributeValues: expect.objectContaining({ ':noVersion': 0, ':one': 1 }),
    });
  });

  it('connects a new account, anyone after a deauthorization or when unclaimed, or its owner while pending: pending, with the new hash', async () => {
    const { repo, inputs } = recording();
    expect(await repo.putConnected({ ...connection, at: now })).toMatchObject({ ok: true, confirmation: 'pending' });

    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({
      UpdateExpression: expect.stringMatching(
        /, confirmationHash = :confirmationHash, confirmationExpiresAt = :confirmationExpiresAt REMOVE deauthorizedAt, confirmedAt, flagged, capabilitiesMissing, #connection, onboardingBrowsers$/,
      ),
      ConditionExpression: [
        isAbsent,
        isDeauthorized,
        isUnclaimed,
        `${ownedBy} AND ${isPending}`,
        [isPending, confirmationLapsed, notCreated].join(' AND '),
      ].join(' OR '),
      ExpressionAttributeNames: { '#connection': 'connection' },
      ExpressionAttributeValues: {
        ':user': 'user_1',
        ':at': '2026-01-02T03:04:05.678Z',
        ':statusAt': now,
        ':confirmationHash': 'a'.repeat(64),
        ':confirmationExpiresAt': connection.confirmation.expiresAt,
        ':now': now,
      },
    });
    // DynamoDB refuses a value no expression uses: `notCreated` reads the slot, not `:created`.
    expect(inputs[0]?.ExpressionAttributeValues).not.toHaveProperty(':created');
  });

  it('keeps the confirmation of an account connected and confirmed for the same owner (a reconnection)', async () => {
    const { repo, inputs } = refusing(1);
    expect(await repo.putConnected({ ...connection, at: now })).toMatchObject({ ok: true, confirmation: 'kept' });

    expect(inputs[1]).toMatchObject({
      UpdateExpression: expect.stringMatching(
        /capabilities = if_not_exists\(capabilities, :none\) REMOVE deauthorizedAt, flagged$/,
      ),
      ConditionExpression: [ownedBy, isConnected, isConfirmed].join(' AND '),
    });
    expect(inputs[1]?.ExpressionAttributeValues).not.toHaveProperty(':confirmationHash');
  });

  it('confirms once: only the owner, only while connected and pending, only with the stored hash, only before it expires', async () => {
    const { repo, inputs } = recording({ Attributes: { accountId: 'acct_1', confirmedAt: 'x' } });
    expect(await repo.confirm({ accountId: 'acct_1', platformUserId: 'user_1' }, 'b'.repeat(64), now)).toEqual({
      ok: true,
      record: { accountId: 'acct_1', confirmedAt: 'x' },
    });

    expect(inputs[0]).toEqual({
      TableName: 'accounts',
      Key: { accountId: 'acct_1' },
      UpdateExpression: 'SET confirmedAt = :at, updatedAt = :at REMOVE confirmationHash, confirmationExpiresAt',
      ConditionExpression: [exists, ownedBy, isConnected, isPending, confirmationIs, confirmationUnexpired].join(
        ' AND ',
      ),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':user': 'user_1',
        ':connected': 'connected',
        ':confirmationHash': 'b'.repeat(64),
        ':now': now,
        ':at': '2026-01-02T03:04:05.678Z',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('records an unclaimed connection only where no account is or it was deauthorized, owned by nobody', async () => {
    const { repo, inputs } = recording();
    const recorded = await repo.putUnclaimed({
      accountId: 'acct_2',
      type: 'express',
      scope: 'express',
      livemode: false,
      flagged: 'flow_mismatch',
      at: now,
    });

    expect(recorded).toBe(true);
    expect(inputs[0]).toMatchObject({
      Key: { accountId: 'acct_2' },
      ConditionExpression: [isAbsent, isDeauthorized].join(' OR '),
      ExpressionAttributeValues: {
        ':type': 'express',
        ':connected': 'connected',
        ':flagged': 'flow_mismatch',
        ':at': '2026-01-02T03:04:05.678Z',
        ':statusAt': now,
      },
    });
    expect(inputs[0]?.UpdateExpression).toMatch(/ REMOVE platformUserId, deauthorizedAt$/);
    // It resets the state fields: a read that settled a tie before it may not be stored over them.
    expect(inputs[0]?.UpdateExpression).toContain('stateVersion = if_not_exists(stateVersion, :noVersion) + :one');
  });

  it("sets the missing capabilities on the owner's connected account, and clears them when none are missing", async () => {
    const { repo, inputs } = recording();
    await repo.setCapabilitiesMissing({ accountId: 'acct_1', platformUserId: 'user_1' }, ['card_payments'], now);
    await repo.setCapabilitiesMissing({ accountId: 'acct_1', platformUserId: 'user_1' }, [], now);

    expect(inputs).toEqual([
      expect.objectContaining({
        UpdateExpression: 'SET capabilitiesMissing = :missing, updatedAt = :at',
        ConditionExpression: [exists, ownedBy, isConnected].join(' AND '),
        ExpressionAttributeValues: {
          ':user': 'user_1',
          ':connected': 'connected',
          ':at': '2026-01-02T03:04:05.678Z',
          ':missing': ['card_payments'],
        },
      }),
      expect.objectContaining({
        UpdateExpression: 'SET updatedAt = :at REMOVE capabilitiesMissing',
        ConditionExpression: [exists, ownedBy, isConnected].join(' AND '),
      }),
    ]);
  });

  it("finds the user's created accounts of one type, even those since connected through OAuth, in one filtered query, without a page limit", async () => {
    const { repo, inputs } = recording({ Items: [{ accountId: 'acct_9', connection: 'created', type: 'express' }] });

    expect(await repo.listCreated('user_1', 'express')).toEqual([
      { accountId: 'acct_9', connection: 'created', type: 'express' },
    ]);
    expect(inputs).toEqual([
      {
        TableName: 'accounts',
        IndexName: 'byPlatformUser',
        KeyConditionExpression: 'platformUserId = :user',
        FilterExpression: `${accountConditions.wasCreated} AND #type = :type`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':user': 'user_1', ':type': 'express' },
      },
    ]);
  });
});
