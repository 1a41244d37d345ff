import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createEventsRepo } from '../../../shared/stores/events-repo';
import type { AccountChange } from '../../../shared/webhooks/account-change';

/** A transaction DynamoDB cancelled, shaped as the SDK throws it. */
const cancelled = (...codes: (string | { Code: string; Item?: Record<string, unknown> })[]) =>
  Object.assign(new Error(`Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.map((code) => (typeof code === 'string' ? code : code.Code)).join(', ')}]`), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : code)),
  });

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

const event = { eventId: 'evt_1', type: 'account.application.deauthorized', accountId: 'acct_1', created: 1_700_000_000 };
const change: AccountChange = { kind: 'deauthorized', accountId: 'acct_1', asOf: 1_700_000_000_999 };
const apply = (failures: Error[]) => {
  const scripted = scriptedClient(failures);
  const repo = createEventsRepo(scripted.client, { events: 'events', accounts: 'accounts' });
  return { result: repo.applyOnce(event, change, new Date(1_700_000_001_000)), calls: scripted.calls };
};

describe('eventsRepo.applyOnce', () => {
  it('reads the cancellation reasons as answers', async () => {
    await expect(apply([cancelled('ConditionalCheckFailed', 'None')]).result).resolves.toBe('duplicate');
    await expect(apply([cancelled('None', 'ConditionalCheckFailed')]).result).resolves.toBe('unknown_account');
    await expect(apply([cancelled('None', { Code: 'ConditionalCheckFailed', Item: { status: { S: 'deauthorized' } } })]).result).resolves.toBe('account_deauthorized');
    await expect(apply([cancelled('None', { Code: 'ConditionalCheckFailed', Item: { status: { S: 'connected' } } })]).result).resolves.toBe('stale');
  });

  it('retries a transaction that lost a race with another writer or was throttled (or gave no reason), then applies it', async () => {
    const { result, calls } = apply([cancelled('TransactionConflict', 'None'), cancelled('None', 'ThrottlingError'), cancelled()]);
    await expect(result).resolves.toBe('applied');
    expect(calls()).toBe(4);
  });

  it('gives up after a few conflicts with a 503 so Stripe retries later', async () => {
    const { result, calls } = apply(Array.from({ length: 10 }, () => cancelled('TransactionConflict', 'None')));
    await expect(result).rejects.toThrowError(expect.objectContaining({ status: 503, code: 'store_conflict' }));
    expect(calls()).toBe(4);
  });

  it('does not retry a cancellation that cannot pass on a retry (validation, item too large): 503 at once', async () => {
    const { result, calls } = apply([cancelled('None', 'ValidationError')]);
    await expect(result).rejects.toThrowError(expect.objectContaining({ status: 503, code: 'store_rejected' }));
    expect(calls()).toBe(1);
  });

  it('answers 503 store_unavailable when DynamoDB cannot be reached', async () => {
    const { result } = apply([Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' })]);
    await expect(result).rejects.toThrowError(expect.objectContaining({ status: 503, code: 'store_unavailable' }));
  });
});
