/**
 * Webhook throughput and, beside it, the store's own rate for the cheapest write a webhook could
 * make: a single conditional put. Both in this process against the engine directly (no counting
 * proxy), at the same concurrency and the same amount of work.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { checksAppliedEvents, inPlaceSnapshotWrite } from '../shared/stores/accounts-repo';
import { fromEpochSeconds } from '../shared/time';
import { noRequirements } from '../shared/webhooks/account-change';
import type { Fixtures, Invoke } from './fixtures';
import { toEvent } from './requests';
import type { BenchStack } from './stack';
import { accountFor, measureThroughput, type ThroughputRun } from './throughput';

export const measureRawPuts = async (
  stack: BenchStack,
  concurrency: number,
  perWorker: number,
): Promise<ThroughputRun> => {
  const client = createDocumentClient({ DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint });
  const put = async (): Promise<boolean> => {
    const eventId = `evt_raw${randomBytes(12).toString('hex')}`;
    await client.send(
      new PutCommand({
        TableName: stack.tables.events,
        Item: { eventId, processedAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(eventId)',
      }),
    );
    return true;
  };
  try {
    for (let index = 0; index < 20; index += 1) await put();
    return await measureThroughput(concurrency, perWorker, put);
  } finally {
    client.destroy();
  }
};

/**
 * The store's rate for the write a new `account.updated` makes (shared/stores/accounts-repo.ts,
 * applyInPlace): the same conditional account update, built by the same function, without the
 * handler around it. Beside the webhook's rate, it tells our code's share of the gap.
 */
export const measureRawAccountUpdates = async (
  stack: BenchStack,
  pool: readonly string[],
  concurrency: number,
  perWorker: number,
  eventSecond: Fixtures['eventSecond'],
): Promise<ThroughputRun> => {
  const client = createDocumentClient({ DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint });
  const state = {
    chargesEnabled: true,
    payoutsEnabled: true,
    detailsSubmitted: true,
    capabilities: { card_payments: 'active', transfers: 'active' },
    requirements: noRequirements,
    futureRequirements: noRequirements,
  };
  const update = async (worker: number, index: number): Promise<boolean> => {
    const now = Date.now();
    const accountId = accountFor(pool, concurrency, worker, index);
    const change = {
      kind: 'state' as const,
      accountId,
      state,
      // A new event's second, as the webhook's events have (see Fixtures.eventSecond).
      asOf: fromEpochSeconds(eventSecond(accountId)),
      source: 'event' as const,
    };
    const eventId = `evt_upd${randomBytes(12).toString('hex')}`;
    await client.send(
      new UpdateCommand({
        ...inPlaceSnapshotWrite(stack.tables.accounts, change, eventId, randomUUID(), now),
        ReturnValues: checksAppliedEvents(eventId) ? 'UPDATED_NEW' : 'NONE',
      }),
    );
    return true;
  };
  try {
    return await measureThroughput(concurrency, perWorker, update);
  } finally {
    client.destroy();
  }
};

/**
 * The store's rate for the write the rarer events make (applyOnce): one transaction of a
 * conditional put and a conditional update of the account.
 */
export const measureRawTransactions = async (
  stack: BenchStack,
  pool: readonly string[],
  concurrency: number,
  perWorker: number,
): Promise<ThroughputRun> => {
  const client = createDocumentClient({ DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint });
  const transact = async (worker: number, index: number): Promise<boolean> => {
    const eventId = `evt_tx${randomBytes(12).toString('hex')}`;
    const at = new Date().toISOString();
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: stack.tables.events,
              Item: { eventId, processedAt: at },
              ConditionExpression: 'attribute_not_exists(eventId)',
            },
          },
          {
            Update: {
              TableName: stack.tables.accounts,
              Key: { accountId: accountFor(pool, concurrency, worker, index) },
              UpdateExpression: 'SET updatedAt = :at',
              ConditionExpression: 'attribute_exists(accountId)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
        ],
      }),
    );
    return true;
  };
  try {
    return await measureThroughput(concurrency, perWorker, transact);
  } finally {
    client.destroy();
  }
};

export const measureWebhookThroughput = async (
  invoke: Invoke,
  fixtures: Fixtures,
  pool: readonly string[],
  concurrency: number,
  perWorker: number,
): Promise<ThroughputRun> => {
  // Signing is Stripe's work, not ours: every event is built and signed before the clock starts.
  const events = Array.from({ length: concurrency }, (_, worker) =>
    Array.from({ length: perWorker }, (_, index) =>
      toEvent(fixtures.webhookRequest('account.updated', accountFor(pool, concurrency, worker, index))),
    ),
  );
  const deliver = async (worker: number, index: number): Promise<boolean> => {
    const event = events[worker]?.[index];
    if (!event) return false;
    const result = await invoke('webhook', event);
    return result.statusCode === 200 && (result.body ?? '').includes('"processed"');
  };
  return measureThroughput(concurrency, perWorker, deliver);
};
