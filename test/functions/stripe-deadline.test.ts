/**
 * A slow Stripe and the function's timeout, through the local gateway, which ends a function at its timeout
 * as Lambda does. Each Stripe call gets only what its request has left (shared/stripe/call-budget.ts), so
 * the route gives its own `stripe_timeout` answer in time, instead of middy's bare 500 at the deadline.
 *
 * The functions here run with a 3 s timeout and a 1.5 s Stripe timeout. Tried twice, as the client's
 * retry would, a call that never answers takes 1.5 + 0.5 + 1.5 = 3.5 s: past the deadline. Budgeted, with
 * about 2 s left after the reserve, it is tried once, for under a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack';
import { apiError, callApi, connectAccount, storedAccount, stripeCalls } from '../support/platform-api';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';

const functionTimeoutSeconds = 3;
const stripeTimeoutMs = 1500;
const stack = useLocalStack({
  env: { STRIPE_TIMEOUT_MS: String(stripeTimeoutMs) },
  gateway: {
    functionTimeouts: {
      'login-link': functionTimeoutSeconds,
      deauthorize: functionTimeoutSeconds,
      onboard: functionTimeoutSeconds,
    },
  },
});

const as = (user: string) => stack.mintTicket(user);
const stripeTimeout = apiError(
  'upstream_error',
  'stripe_timeout',
  'Stripe did not answer in time. It is safe to try again.',
);
/** Stripe holds every try of the call: without the budget, both would run. */
const stripeHangs = (method: 'GET' | 'POST', path: string) =>
  stack.emulator.injectFault({ method, path, mode: 'timeout', times: 2 });

afterEach(() => {
  stack.emulator.clearFaults();
});

describe('a Stripe call that never answers', () => {
  it('POST /accounts/{id}/login_links answers 504 stripe_timeout in time, having tried Stripe once', async () => {
    const accountId = await connectAccount(stack, 'express', 'slow_link_owner');
    const path = `/v1/accounts/${accountId}/login_links`;
    const calls = stripeCalls(stack, 'POST', path);
    stripeHangs('POST', path);

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/login_links`, await as('slow_link_owner'));

    expect(result).toMatchObject({ status: 504, body: stripeTimeout });
    expect(stripeCalls(stack, 'POST', path) - calls).toBe(1);
  });

  it('POST /accounts/{id}/deauthorize answers 504 stripe_timeout in time and leaves the account connected', async () => {
    const accountId = await connectAccount(stack, 'standard', 'slow_deauthorizer');
    const calls = stripeCalls(stack, 'POST', '/oauth/deauthorize');
    stripeHangs('POST', '/oauth/deauthorize');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/deauthorize`, await as('slow_deauthorizer'));

    expect(result).toMatchObject({ status: 504, body: stripeTimeout });
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize') - calls).toBe(1);
    expect((await storedAccount(stack, accountId))?.status).toBe('connected');
  });

  it('GET /connect/onboard: the account created, its link unanswered, the page says stripe_timeout in time and the next click goes on', async () => {
    const links = stripeCalls(stack, 'POST', '/v1/account_links');
    stripeHangs('POST', '/v1/account_links');
    const browser = new TestBrowser();
    const url = async () => `${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await as('slow_onboarder')}`;

    const failed = await openStartLink(browser, await url());

    expect(failed.status).toBe(504);
    expect(await failed.text()).toContain('Error code: stripe_timeout');
    expect(stripeCalls(stack, 'POST', '/v1/account_links') - links).toBe(1);
    stack.emulator.clearFaults();
    const retried = await browser.get(await url());
    expect(retried.status).toBe(302);
    expect(locationOf(retried).pathname).toMatch(/^\/setup\/s\/acct_/);
  });
});
