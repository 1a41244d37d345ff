import { StoreUnavailableError } from '../errors';

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException');

/**
 * Runs one DynamoDB call. Anything but a condition failure (or what else `isAnswer` says the caller handles) means the store
 * is unreachable, throttled past the SDK's retries, or refusing us: a 503 the caller may retry.
 */
export const storeCall = async <T>(
  call: () => Promise<T>,
  isAnswer: (error: unknown) => boolean = isConditionFailure,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (isAnswer(error)) throw error;
    throw new StoreUnavailableError(error);
  }
};

/** A conditional write: its result, or undefined when its condition failed (an answer, not an outage). */
export const conditionalCall = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await storeCall(call);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};
