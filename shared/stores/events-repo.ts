/**
 * Applying webhook events exactly once, two ways, each a single atomic write so a crash midway
 * leaves the event retryable and two concurrent deliveries of one event apply it once:
 * - `applyOnce`: the effect and a record in the events table, in one transaction (the rare events,
 *   whose record is also checked before a Stripe call);
 * - `applyInPlace`: a snapshot whose event id is remembered on the account item it changes, in the
 *   same single-item write (`account.updated`, the bulk of the traffic: billed once where a
 *   transaction bills each item twice, and no transaction conflicts between bursts on one account).
 */

import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors';
import type { AccountChange } from '../webhooks/account-change';
import {
  accountUpdateFor,
  appliedEventEntry,
  appliedEventSecond,
  inPlaceSnapshotUpdateFor,
  type StateChange,
} from './account-updates';
import { isConditionFailure, storeCall } from './store-errors';

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
  /** Applies a snapshot whose `asOf` is its event's `created`, remembering the event on the account item. */
  applyInPlace(eventId: string, change: StateChange, now: Date): Promise<ApplyOutcome>;
}

/** The fields of an account item that say why a conditional write was refused (wire format, as DynamoDB returns them with an error). */
interface RefusingItem {
  readonly status?: { S?: string };
  readonly appliedEvents?: { SS?: string[] };
  readonly lastInPlaceWrite?: { S?: string };
}

/** A single-item write that met a transaction in flight on the same item (the rarer events' path): it did not happen. */
const conflictsWithTransaction = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TransactionConflictException';

/** A 503 that makes Stripe retry an event we could not record: still contended, or refused by the store. */
const eventNotRecorded = (cause: unknown, code: 'store_conflict' | 'store_rejected' = 'store_conflict') =>
  new StoreUnavailableError(cause, code, 'The event could not be recorded right now; Stripe will retry it.');

const conflictBackoff = (attempt: number) => sleep(20 * 2 ** attempt + Math.random() * 20);

/** Entries older than the applied second are dropped when a checking write finds this many. */
export const appliedEventsCompactionThreshold = 16;

/**
 * Whether this event's write asks for the set back to check for entries to drop. One event in eight,
 * chosen by its id so a redelivery chooses alike: the others write without a reply to read (the
 * reply is the whole updated snapshot), and the set still cannot grow far between checks.
 */
export const checksAppliedEvents = (eventId: string): boolean =>
  (createHash('sha1').update(eventId).digest()[0] ?? 0) % 8 === 0;

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
const transientReasons: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

export const createEventsRepo = (
  client: DynamoDBDocumentClient,
  tables: { events: string; accounts: string },
): EventsRepo => {
  const transact = async (event: ProcessedEvent, change: AccountChange, now: Date) =>
    client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tables.events,
              Item: {
                ...event,
                processedAt: now.toISOString(),
                ttl: Math.floor(now.getTime() / 1000) + processedEventRetentionSeconds,
              },
              ConditionExpression: 'attribute_not_exists(eventId)',
            },
          },
          {
            Update: {
              ...accountUpdateFor(tables.accounts, change, now),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );

  /** The refusing fields by a consistent read, for an engine that does not return them with the error. */
  const refusingItemByRead = async (accountId: string): Promise<RefusingItem | undefined> => {
    const result = await storeCall(() =>
      client.send(new GetCommand({ TableName: tables.accounts, Key: { accountId }, ConsistentRead: true })),
    );
    const item = result.Item as { status?: string; appliedEvents?: Set<string>; lastInPlaceWrite?: string } | undefined;
    if (!item) return undefined;
    return {
      status: { S: item.status },
      appliedEvents: { SS: [...(item.appliedEvents ?? [])] },
      lastInPlaceWrite: { S: item.lastInPlaceWrite },
    };
  };

  /**
   * Once applied at second `asOf`, the item's state is that second's: a redelivery of an event of an
   * earlier second is refused as older whether or not its entry is kept, so those entries can go.
   * Only ever removes such entries (concurrent writers add only entries of `asOf` or later).
   */
  const forgetOlderEntries = async (change: StateChange, applied: unknown): Promise<void> => {
    if (!(applied instanceof Set)) return;
    const older = [...(applied as Set<string>)].filter((entry) => appliedEventSecond(entry) < change.asOf);
    if (older.length < appliedEventsCompactionThreshold) return;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tables.accounts,
          Key: { accountId: change.accountId },
          UpdateExpression: 'DELETE appliedEvents :older',
          ConditionExpression: 'attribute_exists(accountId)',
          ExpressionAttributeValues: { ':older': new Set(older) },
        }),
      );
    } catch {
      // The event is applied and stays so: the entries are only dead weight, and the next compaction takes them.
    }
  };

  return {
    isProcessed: async (eventId) => {
      const result = await storeCall(() =>
        client.send(new GetCommand({ TableName: tables.events, Key: { eventId }, ConsistentRead: true })),
      );
      return result.Item !== undefined;
    },

    applyInPlace: async (eventId, change, now) => {
      const entry = appliedEventEntry(change.asOf, eventId);
      const writeId = randomUUID();
      const update = new UpdateCommand({
        ...inPlaceSnapshotUpdateFor(tables.accounts, change, eventId, writeId, now),
        ReturnValues: checksAppliedEvents(eventId) ? 'UPDATED_NEW' : 'NONE',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await storeCall(
            () => client.send(update),
            (error) => isConditionFailure(error) || conflictsWithTransaction(error),
          );
          await forgetOlderEntries(change, result.Attributes?.appliedEvents);
          return 'applied';
        } catch (error) {
          if (conflictsWithTransaction(error)) {
            if (attempt < maxConflictRetries) {
              await conflictBackoff(attempt);
              continue;
            }
            throw eventNotRecorded(error);
          }
          if (!isConditionFailure(error)) throw error;
          // DynamoDB Local returns the refusing item; dynalite does not, and neither does either engine for a missing one.
          const refusing = (error as { Item?: RefusingItem }).Item ?? (await refusingItemByRead(change.accountId));
          if (!refusing) return 'unknown_account';
          if (refusing.lastInPlaceWrite?.S === writeId) return 'applied';
          if (refusing.status?.S !== 'connected')
            return refusing.status?.S === 'deauthorized' ? 'account_deauthorized' : 'stale';
          return refusing.appliedEvents?.SS?.includes(entry) ? 'duplicate' : 'stale';
        }
      }
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
          const transient =
            reasons.length === 0 ||
            reasons.some((reason) => reason.Code !== undefined && transientReasons.has(reason.Code));
          // Another delivery of the same event (or a write to the same account) is in flight.
          if (transient && attempt < maxConflictRetries) {
            await conflictBackoff(attempt);
            continue;
          }
          // Anything else (a validation error, an item too large) will not pass on a retry here: answer at once, logged
          // with its reasons (DynamoDB's message lists them: "... [None, ValidationError]").
          throw eventNotRecorded(error, transient ? 'store_conflict' : 'store_rejected');
        }
      }
    },
  };
};
