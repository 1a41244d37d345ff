import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { connect, httpCall, SECRET_KEY, startTestEmulator, stripeFor } from './helpers';

describe('StripeEmulator > Stripe-Should-Retry', () => {
  let emulator: StripeEmulator;
  let accountId: string;

  beforeEach(async () => {
    emulator = await startTestEmulator();
    accountId = await connect(emulator, 'standard');
  });

  afterEach(async () => {
    await emulator.close();
  });

  const call = (method: string, path: string, key = SECRET_KEY, body?: string) =>
    httpCall(`${emulator.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      ...(body !== undefined ? { body } : {}),
    });
  const advice = (response: { status: number; headers: Record<string, unknown> }) => [
    response.status,
    response.headers['stripe-should-retry'],
  ];

  it.each([
    ['server_error', 500],
    ['lock_timeout', 429],
  ] as const)('says true on an injected %s (%i): a retry may succeed', async (mode, status) => {
    emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode });

    expect(advice(await call('GET', `/v1/accounts/${accountId}`))).toEqual([status, 'true']);
  });

  it("says false on a rate limit (429 rate_limit): Stripe's libraries retry only lock timeouts, and stripe-node asks once", async () => {
    emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'rate_limit' });
    expect(advice(await call('GET', `/v1/accounts/${accountId}`))).toEqual([429, 'false']);

    emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'rate_limit' });
    const before = emulator.requestLog().length;
    await expect(stripeFor(emulator).accounts.retrieve(accountId)).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      code: 'rate_limit',
    });
    expect(emulator.requestLog().length - before).toBe(1);
  });

  it('says false on the 4xx that fail the same way again: bad key, no access, unknown URL, OAuth errors', async () => {
    expect(advice(await call('GET', `/v1/accounts/${accountId}`, 'sk_test_wrong0000000000000000000'))).toEqual([
      401,
      'false',
    ]);
    expect(advice(await call('GET', '/v1/accounts/acct_unknown000000000'))).toEqual([403, 'false']);
    expect(advice(await call('GET', '/v1/nothing'))).toEqual([404, 'false']);
    expect(
      advice(await call('POST', '/oauth/token', SECRET_KEY, 'grant_type=authorization_code&code=ac_nope')),
    ).toEqual([400, 'false']);
  });

  it('sends no Stripe-Should-Retry on success', async () => {
    const response = await call('GET', `/v1/accounts/${accountId}`);

    expect(advice(response)).toEqual([200, undefined]);
  });

  it('answers lock_timeout as Stripe does, and stripe-node (which obeys the header) retries it once and succeeds', async () => {
    emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'lock_timeout' });
    const faulted = stripeFor(emulator).accounts.retrieve(accountId);
    await expect(faulted).rejects.toMatchObject({ statusCode: 429, code: 'lock_timeout' });

    emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'lock_timeout' });
    const url = new URL(emulator.url);
    const retrying = new Stripe(SECRET_KEY, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      maxNetworkRetries: 1,
    });
    expect((await retrying.accounts.retrieve(accountId)).id).toBe(accountId);
  });
});
