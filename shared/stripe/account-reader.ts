/**
 * Reads one connected account with a plain `GET /v1/accounts/{id}`. The webhook function needs
 * Stripe for this single idempotent read; the SDK for it cost a third of the function's cold start
 * (measured: bench/results.md), so it speaks HTTP itself, with the SDK's API version, a timeout and
 * one retry, as the SDK would.
 */

import { serviceName } from '../service-name';
import { pause } from '../time';
import { stripeApiVersion } from './api-version';
import { type RequestDeadline, type StripeCallBudget, sdkRetryDelayMs, stripeCallBudget } from './call-budget';
import type { StripeClientOptions } from './client';
import {
  classifyStripeError,
  commonStripeAnswers,
  type StripeAnswer,
  type StripeFailure,
  type StripeFailureKind,
  stripeCallError,
  stripeErrorOfResponse,
} from './errors';

/** The account object, or undefined when the platform key no longer reaches it. */
export type AccountReader = (accountId: string) => Promise<Readonly<Record<string, unknown>> | undefined>;

export interface AccountReaderOptions extends StripeClientOptions {
  /** When the request must have answered: each try gets only what is left (./call-budget.ts). */
  readonly deadline: RequestDeadline;
  readonly fetch?: typeof fetch;
  /** How long to wait before the one retry (default `sdkRetryDelayMs`). */
  readonly retryDelayMs?: number;
}

/**
 * A read that cannot succeed (the account is gone or no longer ours): undefined, not an error. A 403
 * that is not about the account (a restricted key without Accounts read) is not here: it is ours to fix.
 */
const accountGone: ReadonlySet<StripeFailureKind> = new Set(['account_not_connected', 'not_found']);

/**
 * The webhook's answer to the other failures: a 5xx, so Stripe redelivers the event. A refused key
 * (a bad rotation) or one without the permission to read accounts is the operator's; anything else
 * counts as Stripe not answering.
 */
const answerFor = (failure: StripeFailure): StripeAnswer => {
  switch (failure.kind) {
    case 'timeout':
      return commonStripeAnswers.timeout;
    case 'credentials_refused':
    case 'permission_denied':
      return commonStripeAnswers[failure.kind];
    default:
      return commonStripeAnswers.stripe_unavailable;
  }
};

class ReadFailed extends Error {
  constructor(
    readonly failure: StripeFailure,
    override readonly cause: unknown,
  ) {
    super(failure.kind);
  }
}

/**
 * Reads accounts with `secretKey`, from `apiBase` (the emulator locally), as
 * `createStripeClient(secretKey, options)` would.
 */
export const createAccountReader = (
  secretKey: string,
  { apiBase, timeoutMs, deadline, fetch: send = fetch, retryDelayMs = sdkRetryDelayMs }: AccountReaderOptions,
): AccountReader => {
  const base = apiBase ?? new URL('https://api.stripe.com');
  const budgetNow = (): StripeCallBudget => {
    try {
      return stripeCallBudget(deadline, timeoutMs);
    } catch (error) {
      throw new ReadFailed({ kind: 'timeout' }, error);
    }
  };
  const readOnce = async (
    accountId: string,
    budget: StripeCallBudget,
  ): Promise<Readonly<Record<string, unknown>> | undefined> => {
    let response: Response;
    try {
      response = await send(new URL(`/v1/accounts/${encodeURIComponent(accountId)}`, base), {
        headers: {
          authorization: `Bearer ${secretKey}`,
          'stripe-version': stripeApiVersion,
          'user-agent': serviceName,
        },
        signal: AbortSignal.timeout(budget.timeout),
      });
    } catch (error) {
      const failure = classifyStripeError(error);
      // fetch's network errors are not Stripe's: the connection failed.
      throw new ReadFailed(failure.kind === 'unknown' ? { kind: 'unreachable' } : failure, error);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok && typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
    const stripeError = stripeErrorOfResponse(
      response.status,
      response.ok ? { error: { message: 'Stripe answered with something that is not an account' } } : body,
      Object.fromEntries(response.headers),
    );
    const failure = response.ok ? { kind: 'stripe_unavailable' as const } : classifyStripeError(stripeError);
    if (accountGone.has(failure.kind)) return undefined;
    throw new ReadFailed(
      failure,
      new Error(`Stripe answered ${response.status}: ${stripeError.code ?? stripeError.rawType ?? 'no error code'}`),
    );
  };
  /**
   * Once more, after the SDK's wait, when stripe-node's maxNetworkRetries: 1 would ask again
   * (`RequestSender._shouldRetry`): as Stripe's `Stripe-Should-Retry` says when it says; else after no
   * answer (a dropped connection, a timeout), a 409 or a 5xx. A 429 without the header (a rate limit, not a
   * lock timeout) is not asked again: the webhook's 5xx lets Stripe redeliver the event later instead.
   */
  const mayRetry = ({ shouldRetry, status }: StripeFailure): boolean =>
    shouldRetry ?? (status === undefined || status === 409 || status >= 500);
  return async (accountId) => {
    try {
      // As stripe-node decides its retries: once, when the request starts.
      const budget = budgetNow();
      try {
        return await readOnce(accountId, budget);
      } catch (error) {
        const retryFits = budget.maxNetworkRetries === undefined;
        if (!(error instanceof ReadFailed && retryFits && mayRetry(error.failure))) throw error;
        await pause(retryDelayMs);
        return await readOnce(accountId, budgetNow());
      }
    } catch (error) {
      if (error instanceof ReadFailed) throw stripeCallError(answerFor(error.failure), error.cause);
      throw error;
    }
  };
};
