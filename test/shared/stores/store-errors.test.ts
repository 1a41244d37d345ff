import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/clients/dynamodb';
import { storeCall } from '../../../shared/stores/store-errors';

const failingWith = (error: Error) => storeCall(() => Promise.reject(error));

describe('storeCall', () => {
  it.each([
    ['an item over 400 KB', 'ValidationException', 'Item size has exceeded the maximum allowed size'],
    ['a value DynamoDB cannot store', 'ValidationException', 'One or more parameter values were invalid'],
  ])('calls %s refused for good: store_rejected', async (_, name, message) => {
    await expect(
      failingWith(Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } })),
    ).rejects.toThrowError(expect.objectContaining({ kind: 'unavailable', code: 'store_rejected' }));
  });

  it('calls a request the SDK cannot even marshal (an own `constructor` key) refused for good', async () => {
    const client = createDocumentClient({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    const unmarshallable = Object.fromEntries([['constructor', 'active']]);

    const call = storeCall(() =>
      client.send(
        new UpdateCommand({
          TableName: 'accounts',
          Key: { accountId: 'acct_1' },
          UpdateExpression: 'SET capabilities = :capabilities',
          ExpressionAttributeValues: { ':capabilities': unmarshallable },
        }),
      ),
    );

    await expect(call).rejects.toThrowError(expect.objectContaining({ code: 'store_rejected' }));
  });

  it.each([
    ['throttling past the retries', 'ProvisionedThroughputExceededException', { httpStatusCode: 400, attempts: 3 }],
    ['an unreachable endpoint', 'TimeoutError', { attempts: 3 }],
    ['a DynamoDB outage', 'InternalServerError', { httpStatusCode: 500, attempts: 3 }],
  ])('calls %s unavailable: store_unavailable, worth a retry', async (_, name, $metadata) => {
    await expect(failingWith(Object.assign(new Error('failed'), { name, $metadata }))).rejects.toThrowError(
      expect.objectContaining({ kind: 'unavailable', code: 'store_unavailable' }),
    );
  });
});
