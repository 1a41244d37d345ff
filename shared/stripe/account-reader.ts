/**
 * Reads one connected account with a plain `GET /v1/accounts/{id}`. The webhook function needs
 * Stripe for this single idempotent read; the SDK for it cost a third of the function's cold start
 * (measured: bench/results.md), so it speaks HTTP itself, with the SDK's API version, a timeout and
 * one retry, as the SDK would.
 */
import { HttpError } from '../errors';
import { stripeApiVersion } from './api-version';

/** The account object, or undefined when the platform key no longer reaches it (403/404). */
export type AccountReader = (accountId: string) => Promise<Readonly<Record<string, unknown>> | undefined>;

export interface AccountReaderOptions {
  readonly secretKey: string;
  readonly apiBase: URL | undefined;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

const stripeError = (body: unknown): Record<string, unknown> | undefined => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : undefined;
};

const errorCodeOf = (body: unknown): string =>
  String(stripeError(body)?.code ?? stripeError(body)?.type ?? 'no error code');

const revokedAccess = (body: unknown): boolean => {
  const error = stripeError(body);
  return (
    error?.code === 'account_invalid' ||
    /does not have access to account|access may have been revoked/i.test(String(error?.message ?? ''))
  );
};

const unavailable = (cause: unknown) =>
  new HttpError(502, 'stripe_unavailable', 'Stripe is not answering right now. Please try again in a moment.', {
    cause,
    expose: true,
  });

export const createAccountReader = ({
  secretKey,
  apiBase,
  timeoutMs,
  fetch: send = fetch,
}: AccountReaderOptions): AccountReader => {
  const base = apiBase ?? new URL('https://api.stripe.com');
  const readOnce: AccountReader = async (accountId) => {
    let response: Response;
    try {
      response = await send(new URL(`/v1/accounts/${encodeURIComponent(accountId)}`, base), {
        headers: {
          authorization: `Bearer ${secretKey}`,
          'stripe-version': stripeApiVersion,
          'user-agent': 'connect-onboarding',
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new HttpError(504, 'stripe_timeout', 'Stripe did not answer in time. It is safe to try again.', {
          cause: error,
          expose: true,
        });
      }
      throw unavailable(error);
    }
    if (response.status === 403 || response.status === 404) return undefined;
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 401) {
      // Stripe has answered revoked access with a 401 too; any other 401 is our own key refused (a bad
      // rotation): a 5xx, so Stripe retries the event once the key is fixed.
      if (revokedAccess(body)) return undefined;
      throw new HttpError(502, 'stripe_misconfigured', 'Stripe refused the platform credentials.', {
        cause: new Error(`Stripe answered 401: ${errorCodeOf(body)}`),
      });
    }
    if (!response.ok || typeof body !== 'object' || body === null || Array.isArray(body))
      throw unavailable(new Error(`Stripe answered ${response.status}`));
    return body as Record<string, unknown>;
  };
  // One retry for a failure that may pass (5xx, 429, a dropped connection), as the SDK's maxNetworkRetries: 1.
  return async (accountId) => {
    try {
      return await readOnce(accountId);
    } catch (error) {
      if (error instanceof HttpError && error.code === 'stripe_unavailable') return readOnce(accountId);
      throw error;
    }
  };
};
