import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
});
