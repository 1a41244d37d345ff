import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createAccountReader } from '../../../shared/stripe/account-reader';
import { stripeApiVersion } from '../../../shared/stripe/api-version';
import { answerReserveMs, sdkRetryDelayMs } from '../../../shared/stripe/call-budget';

/** A fetch that answers from a script and records what was asked. */
const scripted = (answers: (Response | Error)[]) => {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    requests.push({ url: String(url), headers: init.headers as Record<string, string> });
    const answer = answers.shift() ?? new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
};
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** A request with a minute left: time for every try. */
const aMinuteLeft = () => Date.now() + 60_000;
const reader = (fetch: typeof globalThis.fetch, retryDelayMs = 0, deadline = aMinuteLeft()) =>
  createAccountReader('sk_test_123', {
    apiBase: new URL('http://127.0.0.1:9'),
    timeoutMs: 1000,
    deadline,
    fetch,
    retryDelayMs,
  });

describe('createAccountReader', () => {
  it('reads the account with the platform key and the API version the SDK pins', async () => {
    const { fetch, requests } = scripted([json(200, { id: 'acct_1', object: 'account' })]);

    await expect(reader(fetch)('acct_1')).resolves.toEqual({ id: 'acct_1', object: 'account' });
    expect(requests).toEqual([
      {
        url: 'http://127.0.0.1:9/v1/accounts/acct_1',
        headers: {
          authorization: 'Bearer sk_test_123',
          'stripe-version': stripeApiVersion,
          'user-agent': 'connect-onboarding',
        },
      },
    ]);
    expect(stripeApiVersion).toBe(Stripe.API_VERSION);
  });

  it('answers undefined when the key no longer reaches the account (403 account_invalid)', async () => {
    const { fetch } = scripted([json(403, { error: { type: 'invalid_request_error', code: 'account_invalid' } })]);
    await expect(reader(fetch)('acct_1')).resolves.toBeUndefined();
  });

  it('answers undefined when the account does not exist (404)', async () => {
    const { fetch } = scripted([json(404, { error: { type: 'invalid_request_error', code: 'resource_missing' } })]);
    await expect(reader(fetch)('acct_1')).resolves.toBeUndefined();
  });

  it('treats a 403 that is not about the account (a restricted key without Accounts read) as our misconfiguration, never "account gone"', async () => {
    const { fetch, requests } = scripted([
      json(403, {
        error: {
          type: 'invalid_request_error',
          message:
            "The provided key 'rk_test_***123' does not have the required permissions for this endpoint on account 'acct_platform'.",
        },
      }),
      json(200, { id: 'acct_1', object: 'account' }),
    ]);
    await expect(reader(fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_misconfigured' }),
    );
    expect(requests).toHaveLength(1);
  });

  it('answers undefined for a 401 that says our access to the account was revoked', async () => {
    const { fetch } = scripted([
      json(401, {
        error: {
          type: 'invalid_request_error',
          message:
            "The provided key 'sk_test_***123' does not have access to account 'acct_1' (or that account does not exist). Application access may have been revoked.",
        },
      }),
    ]);
    await expect(reader(fetch)('acct_1')).resolves.toBeUndefined();
  });

  it('treats a refused platform key (401) as our misconfiguration: a 502 without a retry, never "account gone"', async () => {
    const { fetch, requests } = scripted([
      json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }),
    ]);
    await expect(reader(fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_misconfigured' }),
    );
    expect(requests).toHaveLength(1);
  });

  it('retries once after a 5xx or a dropped connection, then gives up with a 502', async () => {
    const recovered = scripted([json(500, {}), json(200, { id: 'acct_1' })]);
    const failing = scripted([new TypeError('fetch failed'), json(503, {})]);

    await expect(reader(recovered.fetch)('acct_1')).resolves.toEqual({ id: 'acct_1' });
    await expect(reader(failing.fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_unavailable' }),
    );
    expect(failing.requests).toHaveLength(2);
  });

  it('waits as stripe-node does (half a second) before its retry, so a lock timeout is not asked again at once', async () => {
    const times: number[] = [];
    const { fetch } = scripted([
      new Response(JSON.stringify({ error: { type: 'invalid_request_error', code: 'lock_timeout' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'stripe-should-retry': 'true' },
      }),
      json(200, { id: 'acct_1' }),
    ]);
    const timed = (async (...args: Parameters<typeof fetch>) => {
      times.push(performance.now());
      return fetch(...args);
    }) as typeof fetch;

    await expect(
      createAccountReader('sk_test_123', {
        timeoutMs: 1000,
        deadline: aMinuteLeft(),
        fetch: timed,
        apiBase: new URL('http://127.0.0.1:9'),
      })('acct_1'),
    ).resolves.toEqual({ id: 'acct_1' });
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(sdkRetryDelayMs - 5);
  });

  it('retries as stripe-node does without Stripe-Should-Retry: a 409 and a timeout, not a 429 rate limit', async () => {
    const rateLimit = json(429, { error: { type: 'invalid_request_error', code: 'rate_limit' } });
    const limited = scripted([rateLimit, json(200, { id: 'acct_1' })]);
    const conflict = scripted([json(409, { error: { type: 'api_error' } }), json(200, { id: 'acct_1' })]);
    const slow = scripted([
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      json(200, { id: 'acct_1' }),
    ]);

    await expect(reader(limited.fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed' }),
    );
    await expect(reader(conflict.fetch)('acct_1')).resolves.toEqual({ id: 'acct_1' });
    await expect(reader(slow.fetch)('acct_1')).resolves.toEqual({ id: 'acct_1' });
    expect([limited, conflict, slow].map(({ requests }) => requests.length)).toEqual([1, 2, 2]);
  });

  it('does not retry a 5xx that Stripe marks Stripe-Should-Retry: false', async () => {
    const { fetch, requests } = scripted([
      new Response(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }), {
        status: 500,
        headers: { 'content-type': 'application/json', 'stripe-should-retry': 'false' },
      }),
      json(200, { id: 'acct_1' }),
    ]);
    await expect(reader(fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_unavailable' }),
    );
    expect(requests).toHaveLength(1);
  });

  it('answers 504 when Stripe does not answer in time, twice', async () => {
    const timedOut = () => Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const { fetch } = scripted([timedOut(), timedOut()]);
    await expect(reader(fetch)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_timeout', code: 'stripe_timeout' }),
    );
  });

  it('tries once when the time its request has left holds no second try, and answers that try', async () => {
    const { fetch, requests } = scripted([json(503, { error: { type: 'api_error' } }), json(200, { id: 'acct_1' })]);
    const oneTryLeft = Date.now() + answerReserveMs + 1500;

    await expect(reader(fetch, 0, oneTryLeft)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_unavailable' }),
    );
    expect(requests).toHaveLength(1);
  });

  it('asks nothing when its request has no time left, and answers 504 so Stripe delivers again', async () => {
    const { fetch, requests } = scripted([json(200, { id: 'acct_1' })]);

    await expect(reader(fetch, 0, Date.now() + answerReserveMs)('acct_1')).rejects.toThrowError(
      expect.objectContaining({ kind: 'upstream_timeout', code: 'stripe_timeout' }),
    );
    expect(requests).toHaveLength(0);
  });
});
