/**
 * How DynamoDB's failures reach the stores: outages become a StoreUnavailableError, condition failures stay answers, and
 * the item a refused write returns is unmarshalled here, once, so store logic only sees plain objects.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StoreUnavailableError } from '../errors';
import { pause } from '../time';

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException');

/**
 * A request the same input can never make pass: DynamoDB refused it as invalid (`ValidationException`: an item
 * over 400 KB, a value it cannot store), or it never left the process (the SDK could not marshal our input: a
 * plain Error without the `$metadata` every answered or retried call carries).
 */
export const isRefusedForGood = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ValidationException' ||
    error.name === 'SerializationException' ||
    ((error.name === 'Error' || error.name === 'TypeError') && !('$metadata' in error)));

/** A refusal that will not change on a retry: `store_rejected`, still a 503 for the API routes (our fault, not theirs). */
export const storeRejected = (cause: unknown, message = 'Our database refused this request. Nothing was changed.') =>
  new StoreUnavailableError(cause, 'store_rejected', message);

/**
 * Runs one DynamoDB call. Anything but a condition failure (or what else `isAnswer` says the caller handles) means the store
 * is unreachable, throttled past the SDK's retries, or refusing us: a StoreUnavailableError the caller may retry, with code
 * `store_rejected` when a retry cannot help (see isRefusedForGood).
 */
export const storeCall = async <T>(
  call: () => Promise<T>,
  isAnswer: (error: unknown) => boolean = isConditionFailure,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (isAnswer(error)) throw error;
    throw isRefusedForGood(error) ? storeRejected(error) : new StoreUnavailableError(error);
  }
};

/**
 * A write whose outcome is unknown: no answer came back (a timeout, a lost connection, after the SDK's retries),
 * so it may have landed all the same. Refusals for good and conflicts are answers: those writes did not happen.
 */
export const isUnanswered = (error: unknown): boolean =>
  error instanceof StoreUnavailableError && error.code === 'store_unavailable';

/** A conditional write: its result, or undefined when its condition failed (an answer, not an outage). */
export const conditionalCall = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await storeCall(call);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

type WireItem = Record<string, AttributeValue>;

/** A wire-format item (`{ S: … }`) as a plain object: lib-dynamodb does not unmarshall what comes with an error. */
const plainItem = (item: WireItem | undefined): Record<string, unknown> | undefined =>
  item ? unmarshall(item) : undefined;

/**
 * The item a refused single-item write returned (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), as a
 * plain object; undefined when none came back (no such item, or an engine that does not return it).
 */
export const refusedItem = (error: unknown): Record<string, unknown> | undefined =>
  plainItem((error as { Item?: WireItem }).Item);

export interface CancellationReason {
  readonly code: string | undefined;
  /** The refusing item, as a plain object, when the write asked for it. */
  readonly item: Record<string, unknown> | undefined;
}

/** A cancelled transaction's reasons, one per item in order, as plain objects; undefined for any other error. */
export const cancellationReasons = (error: unknown): readonly CancellationReason[] | undefined => {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: WireItem }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => ({ code: reason.Code, item: plainItem(reason.Item) }));
};

/** A single-item write that met a transaction in flight on the same item: it did not happen. */
export const conflictsWithTransaction = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TransactionConflictException';

/** How many times a write that met another writer is tried again before giving up. */
export const maxConflictRetries = 3;

const conflictBackoff = (attempt: number): Promise<void> => pause(20 * 2 ** attempt + Math.random() * 20);

/**
 * Runs `write`, and again after a short, growing, jittered pause while it fails with a conflict
 * (`isConflict`: another writer on the same item, which goes away on its own), at most
 * `maxConflictRetries` times more; the last failure, conflict or not, is thrown to the caller.
 */
export const retryingConflicts = async <T>(
  write: () => Promise<T>,
  isConflict: (error: unknown) => boolean,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isConflict(error) || attempt >= maxConflictRetries) throw error;
      await conflictBackoff(attempt);
    }
  }
};

/**
 * An event we could not record: still contended (`store_conflict`, unavailable, so Stripe retries it), or refused by
 * the store for good (`store_rejected`, which the webhook answers 200 so that Stripe stops).
 */
export const eventNotRecorded = (cause: unknown, code: 'store_conflict' | 'store_rejected' = 'store_conflict') =>
  code === 'store_rejected'
    ? storeRejected(cause, 'The store refuses this event; retrying it cannot help.')
    : new StoreUnavailableError(cause, code, 'The event could not be recorded right now; Stripe will retry it.');
