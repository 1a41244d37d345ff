/**
 * One unit for time inside the service: epoch milliseconds, as `Date.now()` gives them. Other forms
 * exist only at the edges, converted by these functions: Stripe's `created` and signature timestamps
 * (epoch seconds), ISO-8601 strings in stored items and JSON answers, and the epoch seconds some stored
 * attributes keep for compatibility (DynamoDB TTL, the accounts item's `stripeStateAt` and `appliedEvents`).
 */
export type EpochMs = number;

/** Epoch seconds (Stripe's `created`, a TTL attribute) as milliseconds. */
export const fromEpochSeconds = (seconds: number): EpochMs => seconds * 1000;

/**
 * Whether a value from a payload is an epoch-second time (a whole, non-negative number a double holds
 * exactly). Anything else (1e17, 1e-200, -1) is no time at all, and one the store could not write.
 */
export const isEpochSeconds = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

/** The whole epoch second a millisecond falls in. */
export const toEpochSeconds = (ms: EpochMs): number => Math.floor(ms / 1000);

/**
 * Milliseconds (an instant or a duration) as seconds, fractions kept: for comparing with an epoch-second
 * claim or timestamp (a token's `exp`, a signature's `t=`) without rounding either way.
 */
export const inSeconds = (ms: number): number => ms / 1000;

/** A duration given in seconds (a setting, a lifetime) in milliseconds. */
export const secondsMs = (seconds: number): number => seconds * 1000;

/** The DynamoDB TTL (epoch seconds) of an item that may go once `ms` has passed: never a second early. */
export const ttlAt = (ms: EpochMs): number => Math.ceil(ms / 1000);

/** The ISO-8601 form stored items and JSON answers carry. */
export const toIso = (ms: EpochMs): string => new Date(ms).toISOString();

/**
 * The last millisecond of the second `ms` falls in: a time known only to the second (Stripe's `created`),
 * counted as at or after everything else that happened in that second.
 */
export const endOfSecond = (ms: EpochMs): EpochMs => fromEpochSeconds(toEpochSeconds(ms)) + 999;

/** Waits `ms`. A plain timer: importing `node:timers/promises` would load a Node module at every cold start. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
