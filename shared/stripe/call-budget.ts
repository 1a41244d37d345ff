/**
 * How long a Stripe call may take, from the time its request has left. A function answers within its
 * Lambda timeout (`timeoutSeconds` in shared/routes.ts) or not at all: when it runs out, middy gives up
 * on the handler shortly before (`answerBeforeDeadlineMs`, ../http/handler.ts) with a 503
 * `service_timeout`, and the route's own answer (a failure redirect, `stripe_timeout`) is lost. A route may make several Stripe calls, each tried twice at
 * `STRIPE_TIMEOUT_MS`, which together can outlast the function. So each call, when it is made, gets
 * what is left: its full timeout and the client's retry while both fit; otherwise no retry, and a
 * timeout short enough for the one retry stripe-node makes anyway (on a connection closed under it,
 * whatever `maxNetworkRetries` says) to fit as well; and no call at all when too little is left.
 * See docs/configuration.md (`STRIPE_TIMEOUT_MS`).
 */
import type { EpochMs } from '../time';

/** stripe-node waits this long before its first retry (its initial network retry delay, 0.5 s, is also its least). */
export const sdkRetryDelayMs = 500;

/** Kept back from every call for what follows the last one (a store write and the answer), middy's early answer included. */
export const answerReserveMs = 1000;

/** A call that could be given less than this could only time out, so it is not made. */
export const leastCallMs = 250;

/** When a request must have answered: its Lambda's deadline. */
export type RequestDeadline = EpochMs;

/** What a Lambda context tells of its invocation's time. */
export interface LambdaClock {
  getRemainingTimeInMillis(): number;
}

/** The deadline of the invocation whose Lambda context this is. */
export const requestDeadline = (lambda: LambdaClock, now: EpochMs = Date.now()): RequestDeadline =>
  now + lambda.getRemainingTimeInMillis();

/**
 * A call's timeout, and `maxNetworkRetries: 0` when a retry would not fit (otherwise the caller's own
 * retry setting stands). Both are stripe-node request options. Never `maxNetworkRetries: undefined`: spread
 * over a call's own `0`, it would bring the client's retry back (a code exchange must never be sent twice).
 */
export interface StripeCallBudget {
  readonly timeout: number;
  readonly maxNetworkRetries?: 0;
}

/**
 * What the request has left is not enough for a Stripe call. Named as a timeout is
 * (`TimeoutError`), so the one classifier (./errors.ts) reads it as Stripe not answering in time, and
 * every route answers it as its own `stripe_timeout`.
 */
export class OutOfTimeError extends Error {
  override readonly name = 'TimeoutError';

  constructor(leftMs: number) {
    super(`Only ${leftMs} ms are left before the request's deadline: too little to call Stripe.`);
  }
}

/** The budget of a Stripe call made at `now`; throws an `OutOfTimeError` when none is left. */
export const stripeCallBudget = (
  deadline: RequestDeadline,
  timeoutMs: number,
  now: EpochMs = Date.now(),
): StripeCallBudget => {
  const left = Math.floor(deadline - answerReserveMs - now);
  if (left >= 2 * timeoutMs + sdkRetryDelayMs) return { timeout: timeoutMs };
  // stripe-node retries a closed connection (ECONNRESET, EPIPE) once even with retries off, after its wait.
  const timeout = Math.min(timeoutMs, Math.floor((left - sdkRetryDelayMs) / 2));
  if (timeout < leastCallMs) throw new OutOfTimeError(Math.max(0, left));
  return { timeout, maxNetworkRetries: 0 };
};

/**
 * A request's `callOptions` (`PlatformStripe` in ./client.ts): a call's own options with its budget
 * over them, so a call that must not be retried stays so, and one that may is retried only if it fits.
 */
export const callOptionsWithin =
  (deadline: RequestDeadline, timeoutMs: number) =>
  <Options extends object>(own?: Options): Options & StripeCallBudget => ({
    ...(own as Options),
    ...stripeCallBudget(deadline, timeoutMs),
  });
