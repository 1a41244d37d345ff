import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountChangeWrite, accountConditions, createAccountsRepo } from '../../../shared/stores/accounts-repo';
import type { AccountState } from '../../../shared/webhooks/account-change';

const { exists, isAbsent, isConnected, isDeauthorized, notDeauthorized, ownedBy } = accountConditions;
const { isNotOlderSnapshot, noStatusChangeAfter } = accountConditions;

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

const state: AccountState = {
  chargesEnabled: true,
  payoutsEnabled: false,
  detailsSubmitted: true,
  capabilities: {},
  requirements: { currentlyDue: [], pastDue: [], eventuallyDue: [], disabledReason: null, currentDeadline: null },
};
const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('accountsRepo writes', () => {
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

  it('stores a snapshot ordered to the second: its time in epoch seconds, the write time as ISO', () => {
    expect(
      accountChangeWrite('accounts', { kind: 'state', accountId: 'acct_1', state, asOf: 1_700_000_100_999 }, now),
    ).toMatchObject({
      Key: { accountId: 'acct_1' },
      ConditionExpression: [exists, isConnected, isNotOlderSnapshot].join(' AND '),
      ExpressionAttributeValues: {
        ':stateAt': 1_700_000_100,
        ':connected': 'connected',
        ':at': '2026-01-02T03:04:05.678Z',
      },
    });
  });

  it('connects a new account, its owner again, or anyone after a deauthorization, with its times as ISO and ms', async () => {
    const { repo, inputs } = recording();
    await repo.putConnected({
      accountId: 'acct_1',
      platformUserId: 'user_1',
      type: 'standard',
      scope: 'read_write',
      livemode: false,
      at: now,
    });

    expect(inputs[0]).toMatchObject({
      ConditionExpression: [isAbsent, ownedBy, isDeauthorized].join(' OR '),
      ExpressionAttributeValues: { ':user': 'user_1', ':at': '2026-01-02T03:04:05.678Z', ':statusAt': now },
    });
  });
});
