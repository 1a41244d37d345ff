import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createStatesRepo, type StateItem } from '../../../shared/stores/states-repo';

/** A client whose every call throws `error`, counting the calls. */
const failingWith = (error: Error) => {
  const calls: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      calls.push(command);
      throw error;
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls };
};

const item: StateItem = {
  stateHash: 'h'.repeat(43),
  bindingHash: 'b'.repeat(43),
  flow: 'standard',
  platformUserId: 'user_1',
  suggestedCapabilities: [],
  expiresAt: 1_800_000_000_000,
  ttl: 1_800_000_000,
  createdAt: '2027-01-15T08:00:00.000Z',
};

describe('createStatesRepo', () => {
  it('takes a state already stored under its key as its own write, stored by an attempt whose answer was lost', async () => {
    const { client, calls } = failingWith(
      Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }),
    );

    await expect(createStatesRepo(client, 'states').put(item)).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('still fails a put the store did not take', async () => {
    const { client } = failingWith(
      Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }),
    );

    await expect(createStatesRepo(client, 'states').put(item)).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  describe('consume refused', () => {
    const now = item.expiresAt - 1;
    /** A refusal of the consume's condition, with the item as the engine returned it (or none, as dynalite). */
    const refusedWith = (stored: Partial<StateItem> | undefined) =>
      failingWith(
        Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
          ...(stored ? { Item: marshall(stored) } : {}),
        }),
      ).client;
    const consume = (stored: Partial<StateItem> | undefined, bindingHash: string, at: number) =>
      createStatesRepo(refusedWith(stored), 'states').consume(item.stateHash, bindingHash, at);

    const used = { ...item, consumedBy: 'another consume' };
    const otherBrowser = 'x'.repeat(43);
    const later = item.expiresAt + 1;

    it.each<{
      state: string;
      stored: Partial<StateItem> | undefined;
      binding?: string;
      at?: number;
      reason: 'unknown' | 'mismatch' | 'expired';
    }>([
      { state: 'gone, or refused by an engine that returns no item', stored: undefined, reason: 'unknown' },
      { state: 'used by another consume', stored: used, reason: 'unknown' },
      { state: 'used, asked from another browser', stored: used, binding: otherBrowser, reason: 'unknown' },
      { state: 'used, asked after its expiry', stored: used, at: later, reason: 'unknown' },
      { state: 'unused, asked from another browser', stored: item, binding: otherBrowser, reason: 'mismatch' },
      {
        state: 'unused, from another browser after its expiry',
        stored: item,
        binding: otherBrowser,
        at: later,
        reason: 'mismatch',
      },
      { state: 'unused, asked after its expiry', stored: item, at: later, reason: 'expired' },
    ])(
      'reads a refusal of a state $state as $reason',
      async ({ stored, binding = item.bindingHash, at = now, reason }) => {
        expect(await consume(stored, binding, at)).toEqual({ ok: false, reason });
      },
    );
  });
});
