/**
 * Applying webhook events exactly once, two ways, each a single atomic write so a crash midway
 * leaves the event retryable and two concurrent deliveries of one event apply it once:
 * - `applyOnce`: the account write and a record in the events table, in one transaction (the rare
 *   events, whose record is also checked before a Stripe call);
 * - `applyInPlace`: a snapshot whose event id is remembered on the account item it changes, in the
 *   same single-item write (the accounts repo's; the bulk of the traffic: billed once where a
 *   transaction bills each item twice, and no transaction conflicts between bursts on one account).
 * The account's side of both is the accounts repo's: this module writes only the events table.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type EpochMs, secondsMs, toEpochSeconds, toIso, ttlAt } from '../time';
import type { AccountChange, StateChange } from '../webhooks/account-change';
import {
  accountChangeWrite,
  applySnapshotInPlace,
  type InPlaceOutcome,
  readSnapshotVersion,
  refusalOf,
  snapshotRefusal,
  snapshotVersionOf,
  snapshotVersionRead,
} from './accounts-repo';
import {
  type CancellationReason,
  cancellationReasons,
  eventNotRecorded,
  isUnanswered,
  retryingConflicts,
  storeCall,
} from './store-errors';

/** Longer than Stripe's 3-day retry window, with margin. */
export const processedEventRetentionSeconds = 30 * 24 * 60 * 60;

export interface ProcessedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly accountId: string;
  /** From the event (stored in epoch seconds, as Stripe sends it). */
  readonly created: EpochMs;
}

/** What the webhook reads before it reads an account at Stripe (see {@link EventsRepo.beforeStripeRead}). */
export interface BeforeStripeRead {
  /** The event is recorded as processed: a redelivery, which costs no Stripe call. */
  readonly processed: boolean;
  /**
   * The version of the account's stored snapshot (0 for none; undefined when not stored): what the read at
   * Stripe is ordered against (`StateChange.seen`).
   */
  readonly snapshotVersion: number | undefined;
}

export interface EventsRepo {
  /**
   * Whether the event is processed and, given its account, that account's snapshot version: both read
   * consistently, in one round trip.
   */
  beforeStripeRead(eventId: string, accountId: string | undefined): Promise<BeforeStripeRead>;
  /** Applies a change once; a snapshot refused for a stored one of its very second is `same_second` (see `SnapshotSource`). */
  applyOnce(event: ProcessedEvent, change: AccountChange, now: EpochMs): Promise<InPlaceOutcome>;
  /**
   * Applies an `account.updated`'s snapshot (its `asOf` the event's `created`), or the read that settles its
   * tie (`SnapshotTie`), remembering the event on the account item.
   */
  applyInPlace(eventId: string, change: StateChange, now: EpochMs): Promise<InPlaceOutcome>;
}

/**
 * The events table's item: the event, when we processed it, when DynamoDB may forget it, and the id of the
 * write that recorded it (`writeId`: a write whose every answer was lost reads it back to learn it landed).
 */
const processedEventItem = (event: ProcessedEvent, writeId: string, now: EpochMs) => ({
  ...event,
  created: toEpochSeconds(event.created),
  processedAt: toIso(now),
  ttl: ttlAt(now + secondsMs(processedEventRetentionSeconds)),
  writeId,
});

/** Cancellation reasons that go away on their own: another writer in flight, or a burst of load. */
const transientReasons: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/** Reasons that may pass on a retry; none at all says nothing either way, so it counts as passing too. */
const isTransient = (reasons: readonly CancellationReason[]): boolean =>
  reasons.length === 0 || reasons.some((reason) => reason.code !== undefined && transientReasons.has(reason.code));

/**
 * A transaction cancelled only because another writer (another delivery of the same event, or a write to
 * the same account) or a burst of load was in the way: neither item refused it.
 */
const isTransientCancellation = (error: unknown): boolean => {
  const reasons = cancellationReasons(error);
  return (
    reasons !== undefined && !reasons.some((reason) => reason.code === 'ConditionalCheckFailed') && isTransient(reasons)
  );
};

export const createEventsRepo = (
  client: DynamoDBDocumentClient,
  tables: { events: string; accounts: string },
): EventsRepo => {
  const transact = async (event: ProcessedEvent, change: AccountChange, writeId: string, now: EpochMs) =>
    client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tables.events,
              Item: processedEventItem(event, writeId, now),
              ConditionExpression: 'attribute_not_exists(eventId)',
            },
          },
          {
            Update: {
              ...accountChangeWrite(tables.accounts, change, now),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );

  const processedEvent = async (eventId: string) =>
    (
      await storeCall(() =>
        client.send(new GetCommand({ TableName: tables.events, Key: { eventId }, ConsistentRead: true })),
      )
    ).Item;

  return {
    beforeStripeRead: async (eventId, accountId) => {
      if (accountId === undefined)
        return { processed: (await processedEvent(eventId)) !== undefined, snapshotVersion: undefined };
      const result = await storeCall(() =>
        client.send(
          new BatchGetCommand({
            RequestItems: {
              [tables.events]: { Keys: [{ eventId }], ProjectionExpression: 'eventId', ConsistentRead: true },
              [tables.accounts]: { Keys: [{ accountId }], ...snapshotVersionRead },
            },
          }),
        ),
      );
      // DynamoDB may leave keys unread (throttling): those are read on their own.
      const unread = result.UnprocessedKeys ?? {};
      const [event] =
        tables.events in unread ? [await processedEvent(eventId)] : (result.Responses?.[tables.events] ?? []);
      const snapshotVersion =
        tables.accounts in unread
          ? await readSnapshotVersion(client, tables.accounts, accountId)
          : snapshotVersionOf(result.Responses?.[tables.accounts]?.[0]);
      return { processed: event !== undefined, snapshotVersion };
    },

    applyInPlace: (eventId, change, now) => applySnapshotInPlace(client, tables.accounts, eventId, change, now),

    applyOnce: async (event, change, now) => {
      const writeId = randomUUID();
      try {
        // storeCall passes a cancelled transaction through untouched: its reasons are answers.
        await retryingConflicts(() => storeCall(() => transact(event, change, writeId, now)), isTransientCancellation);
        return 'applied';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) {
          // No answer came, even to the SDK's retries (which repeat the transaction's token), but it may have
          // committed: its id on the event's record tells. Answered 503, a committed one would be a duplicate to
          // Stripe's retry, and its change told to nobody.
          const landed = isUnanswered(error) && (await processedEvent(event.eventId).catch(() => undefined));
          if (landed && landed.writeId === writeId) return 'applied';
          throw error;
        }
        const [eventReason, accountReason] = reasons;
        if (eventReason?.code === 'ConditionalCheckFailed') return 'duplicate';
        if (accountReason?.code === 'ConditionalCheckFailed')
          return change.kind === 'state' ? snapshotRefusal(change, accountReason.item) : refusalOf(accountReason.item);
        // Still contended after the retries, or (a validation error, an item too large) never to pass: answer at
        // once, logged with its reasons (DynamoDB's message lists them: "... [None, ValidationError]").
        throw eventNotRecorded(error, isTransient(reasons) ? 'store_conflict' : 'store_rejected');
      }
    },
  };
};
