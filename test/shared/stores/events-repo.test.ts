import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { appliedEventsCompactionThreshold, checksAppliedEvents } from '../../../shared/stores/accounts-repo';
import { createEventsRepo } from '../../../shared/stores/events-repo';
import type { AccountChange, StateChange } from '../../../shared/webhooks/account-change';
import { accountState } from '../../support/account-state';

/** A transaction DynamoDB cancelled, shaped as the SDK throws it. */
const cancelled = (...codes: (string | { Code: string; Item?: Record<string, unknown> })[]) =>
  Object.assign(
    new Error(
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.map((code) => (typeof code === 'string' ? code : code.Code)).join(', ')}]`,
    ),
    {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : code)),
    },
  );

/** A client whose transactions fail as scripted, then succeed; counts the calls. */
const scriptedClient = (failures: Error[]) => {
  let calls = 0;
  const client = {
    send: async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls: () => calls };
};

const event = {
  eventId: 'evt_1',
  type: 'account.application.deauthorized',
  accountId: 'acct_1',
  created: 1_700_000_000_000,
};
const change: AccountChange = { kind: 'deauthorized', accountId: 'acct_1', asOf: 1_700_000_000_999 };
const apply = (failures: Error[]) => {
  const scripted = scriptedClient(failures);
  const repo = createEventsRepo(scripted.client, { events: 'events', accounts: 'accounts' });
  return { result: repo.applyOnce(event, change, 1_700_000_001_000), calls: scripted.calls };
};

describe('eventsRepo.applyOnce', () => {
  it('reads the cancellation reasons as answers', async () => {
    await expect(apply([cancelled('ConditionalCheckFailed', 'None')]).result).resolves.toBe('duplicate');
    await expect(apply([cancelled('None', 'ConditionalCheckFailed')]).result).resolves.toBe('unknown_account');
    await expect(
      apply([cancelled('None', { Code: 'ConditionalCheckFailed', Item: { status: { S: 'deauthorized' } } })]).result,
    ).resolves.toBe('account_deauthorized');
    await expect(
      apply([cancelled('None', { Code: 'ConditionalCheckFailed', Item: { status: { S: 'connected' } } })]).result,
    ).resolves.toBe('stale');
  });

  it('retries a transaction that lost a race with another writer or was throttled (or gave no reason), then applies it', async () => {
    const { result, calls } = apply([
      cancelled('TransactionConflict', 'None'),
      cancelled('None', 'ThrottlingError'),
      cancelled(),
    ]);
    await expect(result).resolves.toBe('applied');
    expect(calls()).toBe(4);
  });

  it('gives up after a few conflicts with a 503 so Stripe retries later', async () => {
    const { result, calls } = apply(Array.from({ length: 10 }, () => cancelled('TransactionConflict', 'None')));
    await expect(result).rejects.toThrowError(expect.objectContaining({ kind: 'unavailable', code: 'store_conflict' }));
    expect(calls()).toBe(4);
  });

  it('does not retry a cancellation that cannot pass on a retry (validation, item too large): 503 at once', async () => {
    const { result, calls } = apply([cancelled('None', 'ValidationError')]);
    await expect(result).rejects.toThrowError(expect.objectContaining({ kind: 'unavailable', code: 'store_rejected' }));
    expect(calls()).toBe(1);
  });

  it('answers 503 store_unavailable when DynamoDB cannot be reached', async () => {
    const { result } = apply([Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' })]);
    await expect(result).rejects.toThrowError(
      expect.objectContaining({ kind: 'unavailable', code: 'store_unavailable' }),
    );
  });
});

/** The first `evt_<n>` that does (or does not) ask for the applied-events set back. */
const eventIdThat = (checks: boolean): string => {
  for (let index = 0; ; index += 1) if (checksAppliedEvents(`evt_${index}`) === checks) return `evt_${index}`;
};

describe('eventsRepo.applyInPlace', () => {
  /** A client answering each call with the next scripted answer (an error is thrown); records the commands. */
  const answering = (answers: (Error | Record<string, unknown>)[]) => {
    const commands: { input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        commands.push(command);
        const answer = answers.shift() ?? {};
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    return { repo: createEventsRepo(client, { events: 'events', accounts: 'accounts' }), commands };
  };
  const snapshot: StateChange = {
    kind: 'state',
    accountId: 'acct_1',
    asOf: 1_700_000_100_000,
    source: 'event',
    state: accountState({ payoutsEnabled: true }),
  };
  const refused = (item?: Record<string, unknown>) =>
    Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      ...(item ? { Item: item } : {}),
    });
  const now = 1_700_000_101_000;

  it('records the event on the account item in the one write that applies it', async () => {
    const { repo, commands } = answering([{}]);

    await expect(repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('applied');

    expect(commands).toHaveLength(1);
    expect(commands[0]?.input).toMatchObject({
      TableName: 'accounts',
      UpdateExpression: expect.stringContaining('ADD appliedEvents :appliedEvents'),
      ConditionExpression: expect.stringContaining('NOT contains(appliedEvents, :appliedEvent)'),
      ExpressionAttributeValues: expect.objectContaining({
        ':appliedEvents': new Set(['1700000100:evt_1']),
        ':appliedEvent': '1700000100:evt_1',
      }),
    });
  });

  it('reads the refusing item as the answer', async () => {
    const connected = (entries: string[]) => ({ status: { S: 'connected' }, appliedEvents: { SS: entries } });
    await expect(
      answering([refused(connected(['1700000100:evt_1']))]).repo.applyInPlace('evt_1', snapshot, now),
    ).resolves.toBe('duplicate');
    await expect(
      answering([refused(connected(['1700000200:evt_2']))]).repo.applyInPlace('evt_1', snapshot, now),
    ).resolves.toBe('stale');
    await expect(
      answering([refused({ status: { S: 'deauthorized' } })]).repo.applyInPlace('evt_1', snapshot, now),
    ).resolves.toBe('account_deauthorized');
  });

  it("answers same_second, with the stored snapshot's version, when a snapshot of the event's second is stored", async () => {
    const storedAt = (second: number) => ({
      status: { S: 'connected' },
      stripeStateAt: { N: String(second) },
      stateVersion: { N: '7' },
      appliedEvents: { SS: [`${second}:evt_2`] },
    });
    const tie = answering([refused(storedAt(1_700_000_100))]);
    await expect(tie.repo.applyInPlace('evt_1', snapshot, now)).resolves.toEqual({
      outcome: 'same_second',
      stateVersion: 7,
    });
    expect(tie.commands[0]?.input).toMatchObject({
      ConditionExpression: expect.stringContaining('stripeStateAt < :stateAt'),
    });
    await expect(answering([refused(storedAt(1_700_000_101))]).repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe(
      'stale',
    );
  });

  it("answers same_second for the read that settles a tie when another snapshot of the tied event's second was stored meanwhile", async () => {
    const settling: StateChange = {
      ...snapshot,
      asOf: 1_700_000_103_200,
      source: 'read',
      tie: { at: snapshot.asOf, version: 7 },
    };
    const storedAt = (second: number) => ({
      status: { S: 'connected' },
      stripeStateAt: { N: String(second) },
      stateVersion: { N: '8' },
    });

    await expect(
      answering([refused(storedAt(1_700_000_100))]).repo.applyInPlace('evt_1', settling, now),
    ).resolves.toEqual({ outcome: 'same_second', stateVersion: 8 });
    await expect(answering([refused(storedAt(1_700_000_103))]).repo.applyInPlace('evt_1', settling, now)).resolves.toBe(
      'stale',
    );
  });

  it('applies a snapshot read at Stripe over one of its own second only while the version it saw is stored', async () => {
    const { repo, commands } = answering([{}]);
    await expect(repo.applyInPlace('evt_1', { ...snapshot, source: 'read', seen: 3 }, now)).resolves.toBe('applied');
    expect(commands[0]?.input).toMatchObject({
      ConditionExpression: expect.stringContaining(
        'stateVersion = :seenVersion AND (attribute_not_exists(stripeStateAt) OR stripeStateAt <= :stateAt)',
      ),
      ExpressionAttributeValues: expect.objectContaining({ ':seenVersion': 3 }),
    });
  });

  it('reads a write whose every answer was lost back before answering 503: applied only if it finds its own id', async () => {
    /** A store whose write lands unanswered, and whose read back finds `found` (given the write's own id). */
    const unansweredStore = (found: (ownId: string) => Record<string, unknown> | Error) => {
      const commands: { input: Record<string, unknown> }[] = [];
      const client = {
        send: async (command: { input: Record<string, unknown> }) => {
          commands.push(command);
          const [write] = commands;
          if (command === write) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
          const values = write?.input.ExpressionAttributeValues as Record<string, string> | undefined;
          const items = write?.input.TransactItems as { Put?: { Item: { writeId: string } } }[] | undefined;
          const answer = found(values?.[':writeId'] ?? items?.[0]?.Put?.Item.writeId ?? '');
          if (answer instanceof Error) throw answer;
          return { Item: answer };
        },
      } as unknown as DynamoDBDocumentClient;
      return { repo: createEventsRepo(client, { events: 'events', accounts: 'accounts' }), commands };
    };
    const record = { eventId: 'evt_1', type: 'capability.updated', accountId: 'acct_1', created: 1_700_000_100_000 };
    const deauthorized = { kind: 'deauthorized' as const, accountId: 'acct_1', asOf: 1_700_000_100_999 };

    const inPlace = unansweredStore((ownId) => ({ accountId: 'acct_1', lastInPlaceWrite: ownId }));
    await expect(inPlace.repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('applied');
    expect(inPlace.commands[1]?.input).toMatchObject({ Key: { accountId: 'acct_1' }, ConsistentRead: true });
    const transaction = unansweredStore((ownId) => ({ eventId: 'evt_1', writeId: ownId }));
    await expect(transaction.repo.applyOnce(record, deauthorized, now)).resolves.toBe('applied');
    expect(transaction.commands[1]?.input).toMatchObject({ TableName: 'events', Key: { eventId: 'evt_1' } });

    // Another write's id, nothing found, or the read failing too: it may not have landed, 503.
    for (const found of [{ lastInPlaceWrite: 'another' }, undefined, new Error('unreachable')] as const) {
      const store = unansweredStore(() => found as Record<string, unknown> | Error);
      await expect(store.repo.applyInPlace('evt_1', snapshot, now)).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      const other = found && !(found instanceof Error) ? { writeId: 'another' } : found;
      const events = unansweredStore(() => other as Record<string, unknown> | Error);
      await expect(events.repo.applyOnce(record, deauthorized, now)).rejects.toMatchObject({
        code: 'store_unavailable',
      });
    }
  });

  it('answers same_second for a read whose transaction the stored snapshot of its second refused', async () => {
    const read = { ...snapshot, asOf: 1_700_000_100_400, source: 'read' as const, seen: 3 };
    const refusedBy = (item: Record<string, unknown>) =>
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: item }],
      });
    const stored = (second: number) => ({
      status: { S: 'connected' },
      stripeStateAt: { N: String(second) },
      stateVersion: { N: '4' },
    });
    const record = { eventId: 'evt_1', type: 'capability.updated', accountId: 'acct_1', created: 1_700_000_100_000 };

    const tied = answering([refusedBy(stored(1_700_000_100))]);
    await expect(tied.repo.applyOnce(record, read, now)).resolves.toEqual({ outcome: 'same_second', stateVersion: 4 });
    const overtaken = answering([refusedBy(stored(1_700_000_101))]);
    await expect(overtaken.repo.applyOnce(record, read, now)).resolves.toBe('stale');
  });

  it('tells an unknown account from an engine that returns no item by a consistent read', async () => {
    const unknown = answering([refused(), {}]);
    await expect(unknown.repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('unknown_account');
    expect(unknown.commands[1]?.input).toMatchObject({
      TableName: 'accounts',
      Key: { accountId: 'acct_1' },
      ConsistentRead: true,
    });

    const silent = answering([
      refused(),
      { Item: { accountId: 'acct_1', status: 'connected', appliedEvents: new Set(['1700000100:evt_1']) } },
    ]);
    await expect(silent.repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('duplicate');
  });

  it('asks for the set back for one event in eight, chosen by id', async () => {
    const ids = Array.from({ length: 800 }, (_, index) => `evt_${index}`);
    const checking = ids.filter(checksAppliedEvents).length;
    expect(checking).toBeGreaterThan(60);
    expect(checking).toBeLessThan(140);

    const quiet = answering([{}]);
    await quiet.repo.applyInPlace(eventIdThat(false), snapshot, now);
    expect(quiet.commands[0]?.input).toMatchObject({ ReturnValues: 'NONE' });
    const asking = answering([{}]);
    await asking.repo.applyInPlace(eventIdThat(true), snapshot, now);
    expect(asking.commands[0]?.input).toMatchObject({ ReturnValues: 'UPDATED_NEW' });
  });

  it('drops entries of earlier seconds once enough pile up, never those of the applied second', async () => {
    const older = Array.from(
      { length: appliedEventsCompactionThreshold },
      (_, index) => `${1_700_000_000 + index}:evt_old${index}`,
    );
    const eventId = eventIdThat(true);
    const current = ['1700000100:evt_other', `1700000100:${eventId}`];
    const { repo, commands } = answering([
      { Attributes: { appliedEvents: new Set([...older, ...current]) } },
      new Error('throttled'),
    ]);

    // The compaction failed: harmless, the event stays applied.
    await expect(repo.applyInPlace(eventId, snapshot, now)).resolves.toBe('applied');

    expect(commands[1]?.input).toEqual({
      TableName: 'accounts',
      Key: { accountId: 'acct_1' },
      UpdateExpression: 'DELETE appliedEvents :older',
      ConditionExpression: 'attribute_exists(accountId)',
      ExpressionAttributeValues: { ':older': new Set(older) },
    });
  });

  it('leaves a few entries of earlier seconds alone: one write per event', async () => {
    const older = Array.from(
      { length: appliedEventsCompactionThreshold - 1 },
      (_, index) => `${1_700_000_000 + index}:evt_old${index}`,
    );
    const eventId = eventIdThat(true);
    const { repo, commands } = answering([
      { Attributes: { appliedEvents: new Set([...older, `1700000100:${eventId}`]) } },
    ]);

    await expect(repo.applyInPlace(eventId, snapshot, now)).resolves.toBe('applied');

    expect(commands).toHaveLength(1);
  });

  it('answers 503 store_unavailable when DynamoDB cannot be reached', async () => {
    const { repo } = answering([Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' })]);
    await expect(repo.applyInPlace('evt_1', snapshot, now)).rejects.toThrowError(
      expect.objectContaining({ kind: 'unavailable', code: 'store_unavailable' }),
    );
  });

  it('counts its own write as applied when a retry of it (after a lost answer) is refused as a duplicate', async () => {
    // What the SDK's retry meets: the item as its first, unanswered attempt left it.
    const client = {
      send: async (command: { input: { ExpressionAttributeValues: Record<string, unknown> } }) => {
        const values = command.input.ExpressionAttributeValues;
        throw refused({
          status: { S: 'connected' },
          appliedEvents: { SS: [values[':appliedEvent']] },
          lastInPlaceWrite: { S: values[':writeId'] },
        });
      },
    } as unknown as DynamoDBDocumentClient;
    const repo = createEventsRepo(client, { events: 'events', accounts: 'accounts' });

    await expect(repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('applied');
    // Another writer's id there: a copy of the event got there first.
    const other = answering([
      refused({
        status: { S: 'connected' },
        appliedEvents: { SS: ['1700000100:evt_1'] },
        lastInPlaceWrite: { S: 'someone-else' },
      }),
    ]);
    await expect(other.repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('duplicate');
  });

  it('retries a write that met a transaction in flight on the account, then gives up with 503 store_conflict', async () => {
    const conflict = () =>
      Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });
    const passing = answering([conflict(), conflict(), {}]);
    await expect(passing.repo.applyInPlace('evt_1', snapshot, now)).resolves.toBe('applied');
    expect(passing.commands).toHaveLength(3);

    const stuck = answering(Array.from({ length: 10 }, conflict));
    await expect(stuck.repo.applyInPlace('evt_1', snapshot, now)).rejects.toThrowError(
      expect.objectContaining({ kind: 'unavailable', code: 'store_conflict' }),
    );
    expect(stuck.commands).toHaveLength(4);
  });
});

describe('eventsRepo.beforeStripeRead', () => {
  /** A client that answers each command from `answers` by its name, recording the commands sent. */
  const answeringClient = (answers: Record<string, (input: Record<string, unknown>) => unknown>) => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        const answer = answers[command.constructor.name];
        if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
        return answer(command.input);
      },
    } as unknown as DynamoDBDocumentClient;
    return { repo: createEventsRepo(client, { events: 'events', accounts: 'accounts' }), sent };
  };

  it("reads the event's record and the account's snapshot version in one consistent round trip", async () => {
    const { repo, sent } = answeringClient({
      BatchGetCommand: () => ({ Responses: { events: [], accounts: [{ accountId: 'acct_1', stateVersion: 4 }] } }),
    });

    await expect(repo.beforeStripeRead('evt_1', 'acct_1')).resolves.toEqual({ processed: false, snapshotVersion: 4 });
    expect(sent).toEqual([
      {
        name: 'BatchGetCommand',
        input: {
          RequestItems: {
            events: { Keys: [{ eventId: 'evt_1' }], ProjectionExpression: 'eventId', ConsistentRead: true },
            accounts: {
              Keys: [{ accountId: 'acct_1' }],
              ProjectionExpression: 'accountId, stateVersion',
              ConsistentRead: true,
            },
          },
        },
      },
    ]);
  });

  it('tells a processed event, an account stored without a version (0) and one not stored (undefined)', async () => {
    const batch = (events: object[], accounts: object[]) =>
      answeringClient({ BatchGetCommand: () => ({ Responses: { events, accounts } }) }).repo;

    await expect(
      batch([{ eventId: 'evt_1' }], [{ accountId: 'acct_1' }]).beforeStripeRead('evt_1', 'acct_1'),
    ).resolves.toEqual({ processed: true, snapshotVersion: 0 });
    await expect(batch([], []).beforeStripeRead('evt_1', 'acct_1')).resolves.toEqual({
      processed: false,
      snapshotVersion: undefined,
    });
  });

  it('reads on its own each key DynamoDB left unread (throttling), and only the event without an account', async () => {
    const { repo, sent } = answeringClient({
      BatchGetCommand: () => ({
        Responses: { events: [] },
        UnprocessedKeys: { accounts: { Keys: [{ accountId: 'acct_1' }] } },
      }),
      GetCommand: (input) =>
        input.TableName === 'accounts'
          ? { Item: { accountId: 'acct_1', stateVersion: 2 } }
          : { Item: { eventId: 'evt_2' } },
    });

    await expect(repo.beforeStripeRead('evt_1', 'acct_1')).resolves.toEqual({ processed: false, snapshotVersion: 2 });
    await expect(repo.beforeStripeRead('evt_2', undefined)).resolves.toEqual({
      processed: true,
      snapshotVersion: undefined,
    });
    expect(sent.map(({ name, input }) => [name, input.TableName])).toEqual([
      ['BatchGetCommand', undefined],
      ['GetCommand', 'accounts'],
      ['GetCommand', 'events'],
    ]);
  });

  it('reads both on their own, consistently, when DynamoDB left both keys unread', async () => {
    const { repo, sent } = answeringClient({
      BatchGetCommand: () => ({
        Responses: {},
        UnprocessedKeys: { events: { Keys: [{ eventId: 'evt_1' }] }, accounts: { Keys: [{ accountId: 'acct_1' }] } },
      }),
      GetCommand: (input) =>
        input.TableName === 'accounts' ? { Item: { accountId: 'acct_1' } } : { Item: { eventId: 'evt_1' } },
    });

    await expect(repo.beforeStripeRead('evt_1', 'acct_1')).resolves.toEqual({ processed: true, snapshotVersion: 0 });
    expect(sent.map(({ name, input }) => [name, input.TableName, input.ConsistentRead])).toEqual([
      ['BatchGetCommand', undefined, undefined],
      ['GetCommand', 'events', true],
      ['GetCommand', 'accounts', true],
    ]);
  });
});
