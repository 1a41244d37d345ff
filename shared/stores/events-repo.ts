/**
 * Processed webhook events. An event's effect on its account and the record that it was processed
 * are written in one transaction: either both happen or neither does, so a crash midway leaves the
 * event retryable, and two concurrent deliveries of one event apply it exactly once.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountChange } from '../webhooks/account-change';
import { accountUpdateFor } from './account-updates';
import { HttpError } from '../errors';
import { storeCall } from './store-errors';

/** Longer than Stripe's 3-day retry window, with margin. */
export const processedEventRetentionSeconds = 30 * 24 * 60 * 60;

export interface ProcessedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly accountId: string;
  /** Epoch seconds, from the event. */
  readonly created: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'unknown_account' | 'stale' | 'account_deauthorized';

export interface EventsRepo {
  isProcessed(eventId: string): Promise<boolean>;
  applyOnce(event: ProcessedEvent, change: AccountChange, now: Date): Promise<ApplyOutcome>;
}

interface CancellationReason {
  readonly Code?: string;
  readonly Item?: { status?: { S?: string } };
}

const cancellationReasons = (error: unknown): readonly CancellationReason[] | undefined =>
  error instanceof Error && error.name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
    : undefined;

const maxConflictRetries = 3;

/** Cancellation reasons that go away on their own: another writer in flight, or a burst of load. */
const transientReasons: ReadonlySet<string> = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

export const createEventsRepo = (client: DynamoDBDocumentClient, tables: { events: string; accounts: string }): EventsRepo => {
  const transact = async (event: ProcessedEvent, change: AccountChange, now: Date) =>
    client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tables.events,
              Item: { ...event, processedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + processedEventRetentionSeconds },
              ConditionExpression: 'attribute_not_exists(eventId)',
            },
          },
          { Update: { ...accountUpdateFor(tables.accounts, change, now), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        ],
      }),
    );

  return {
    isProcessed: async (eventId) => {
      const result = await storeCall(() => client.send(new GetCommand({ TableName: tables.events, Key: { eventId }, ConsistentRead: true })));
      return result.Item !== undefined;
    },

    applyOnce: async (event, change, now) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          // storeCall passes a cancelled transaction through untouched: its reasons are answers.
          await storeCall(() => transact(event, change, now));
          return 'applied';
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          const [eventReason, accountReason] = reasons;
          if (eventReason?.Code === 'ConditionalCheckFailed') return 'duplicate';
          if (accountReason?.Code === 'ConditionalCheckFailed') {
            if (!accountReason.Item) return 'unknown_account';
            return accountReason.Item.status?.S === 'deauthorized' ? 'account_deauthorized' : 'stale';
          }
          // No reasons at all says nothing either way: treat it as passing, like a conflict.
          const transient = reasons.length === 0 || reasons.some((reason) => reason.Code !== undefined && transientReasons.has(reason.Code));
          // Another delivery of the same event (or a write to the same account) is in flight.
          if (transient && attempt < maxConflictRetries) {
            await sleep(20 * 2 ** attempt + Math.random() * 20);
            continue;
          }
          // Anything else (a validation error, an item too large) will not pass on a retry here: answer at once, logged with its reasons.
          throw new HttpError(503, transient ? 'store_conflict' : 'store_rejected', 'The event could not be recorded right now; Stripe will retry it.', {
            // DynamoDB's message lists the reasons ("... [None, ValidationError]"): the log line shows them.
            cause: error,
            expose: true,
          });
        }
      }
    },
  };
};
