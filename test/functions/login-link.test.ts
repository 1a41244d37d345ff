import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack';
import { apiError, callApi, connectAccount, seedAccount, stripeCalls } from '../support/platform-api';
import { TestBrowser } from '../support/test-browser';

// Short enough for the timeout test (the SDK tries twice), long enough for a loaded test machine.
const stack = useLocalStack({ env: { STRIPE_TIMEOUT_MS: '1500' } });

const api = (method: 'GET' | 'POST', path: string, token?: string) => callApi(stack, method, path, token);
const as = (user: string) => stack.mintTicket(user);
const linkPath = (accountId: string) => `/v1/accounts/${accountId}/login_links`;
const dashboard = async (query: string) => new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?${query}`);

describe('POST /accounts/{accountId}/login_links', () => {
  it("answers Stripe's login_link object (200, as Stripe does) for the owner of an Express account, never cached", async () => {
    const accountId = await connectAccount(stack, 'express', 'express_owner');

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as('express_owner'));

    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual({
      object: 'login_link',
      url: expect.stringMatching(`^${stack.emulator.url}/express/login/[A-Za-z0-9]+$`),
      created: expect.any(Number),
    });
    expect(Math.abs(Number(result.body.created) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('creates a fresh link on every call; each opens the Express dashboard once', async () => {
    const accountId = await connectAccount(stack, 'express', 'twice_owner');
    const token = await as('twice_owner');

    const first = String((await api('POST', `/accounts/${accountId}/login_links`, token)).body.url);
    const second = String((await api('POST', `/accounts/${accountId}/login_links`, token)).body.url);

    expect(first).not.toBe(second);
    expect(stripeCalls(stack, 'POST', linkPath(accountId))).toBe(2);
    const opened = await fetch(first);
    expect(await opened.text()).toContain(`Express dashboard for ${accountId}`);
    expect((await fetch(first)).status).toBe(404);
  });

  it('refuses a Standard account with a 400 that points to the Stripe Dashboard, without asking Stripe', async () => {
    const accountId = await connectAccount(stack, 'standard', 'std_owner');

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('std_owner'))).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'standard_account',
        `${accountId} is a Standard account: its owner signs in to the Stripe Dashboard directly at https://dashboard.stripe.com. Login links are for Express accounts.`,
      ),
    });
    expect(stripeCalls(stack, 'POST', linkPath(accountId))).toBe(0);
  });

  it('refuses another user’s account (403), an unknown one (404) and a malformed id (400), without asking Stripe', async () => {
    const accountId = await connectAccount(stack, 'express', 'link_owner');

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('link_thief'))).toMatchObject({
      status: 403,
      body: apiError(
        'permission_error',
        'not_your_account',
        `The account ${accountId} is not one of your connected accounts.`,
      ),
    });
    expect(await api('POST', '/accounts/acct_nothere99/login_links', await as('link_owner'))).toMatchObject({
      status: 404,
      body: apiError('not_found_error', 'account_not_found', 'No connected account acct_nothere99 is known here.'),
    });
    expect(await api('POST', '/accounts/acct_%3Cx%3E/login_links', await as('link_owner'))).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'invalid_account_id',
        'The account id must look like acct_ followed by letters and digits.',
      ),
    });
    expect(stripeCalls(stack, 'POST', linkPath('acct_nothere99'))).toBe(0);
    expect(stripeCalls(stack, 'POST', linkPath(accountId))).toBe(0);
  });

  it('answers 409 account_deauthorized for a deauthorized account, without asking Stripe', async () => {
    const item = await seedAccount(stack, { platformUserId: 'revoked_owner', type: 'express', status: 'deauthorized' });
    const accountId = String(item.accountId);

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('revoked_owner'))).toMatchObject({
      status: 409,
      body: apiError(
        'conflict_error',
        'account_deauthorized',
        `${accountId} is no longer connected to the platform; connect it again first.`,
      ),
    });
    expect(stripeCalls(stack, 'POST', linkPath(accountId))).toBe(0);
  });

  it('answers 409 account_not_connected when Stripe says the platform has no access (before the webhook arrived)', async () => {
    const item = await seedAccount(stack, { platformUserId: 'stale_owner', type: 'express' });
    const accountId = String(item.accountId);

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('stale_owner'))).toMatchObject({
      status: 409,
      body: apiError(
        'conflict_error',
        'account_not_connected',
        `Stripe says ${accountId} is no longer connected to the platform; connect it again first.`,
      ),
    });
    expect(stripeCalls(stack, 'POST', linkPath(accountId))).toBe(1);
  });

  it('answers 409 onboarding_incomplete for an Express account that has not finished onboarding, and says what to do', async () => {
    const accountId = await connectAccount(stack, 'express', 'unfinished_owner');
    await stack.emulator.updateAccount(accountId, { details_submitted: false });

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as('unfinished_owner'));

    expect(result).toMatchObject({
      status: 409,
      body: {
        error: {
          type: 'conflict_error',
          code: 'onboarding_incomplete',
          message: expect.stringContaining('Account Link'),
        },
      },
    });
    expect(result.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    [
      'a Stripe 500',
      'server_error',
      502,
      'stripe_unavailable',
      'Stripe is not answering right now. Please try again in a moment.',
    ],
    [
      'a Stripe 429',
      'rate_limit',
      502,
      'stripe_unavailable',
      'Stripe is not answering right now. Please try again in a moment.',
    ],
    ['a Stripe timeout', 'timeout', 504, 'stripe_timeout', 'Stripe did not answer in time. It is safe to try again.'],
  ] as const)('maps %s (%s) to %i %s', async (_, mode, status, code, message) => {
    const user = `fault_${mode}`;
    const accountId = await connectAccount(stack, 'express', user);
    // stripe-node retries a 5xx and a timeout once (never a rate limit): fault both tries.
    stack.emulator.injectFault({ method: 'POST', path: linkPath(accountId), mode, times: 2 });

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as(user));
    stack.emulator.clearFaults();

    expect(result).toMatchObject({ status, body: apiError('upstream_error', code, message) });
  });
});

/** The retired route's page: the same for every query, so no ticket opens anything. */
const retiredDashboardMessage =
  'Dashboard links are no longer used, because anyone who opened one reached that user\u2019s Express Dashboard. ' +
  'Open the dashboard from the platform instead: its backend calls POST /accounts/{accountId}/login_links for you, signed in, and sends you to the link.';

describe('GET /connect/dashboard (retired)', () => {
  let dashAccount = '';
  beforeAll(async () => {
    dashAccount = await connectAccount(stack, 'express', 'dash_owner');
  });

  it.each([
    ['the ticket of an Express account owner', async () => `ticket=${await as('dash_owner')}`],
    ['a ticket and the account', async () => `ticket=${await as('dash_owner')}&account=${dashAccount}`],
    ['no ticket', async () => ''],
    ['an unknown parameter', async () => 'acount=acct_1'],
  ])('answers %s with a 410 page saying what replaced it, and creates no login link', async (_, query) => {
    const response = await dashboard(await query());
    const html = await response.text();

    expect(response.status).toBe(410);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain(`<p>${retiredDashboardMessage.replaceAll("'", '&#39;')}</p>`);
    expect(html).toContain('Error code: route_retired');
    expect(html).not.toMatch(/<script/i);
    expect(stripeCalls(stack, 'POST', linkPath(dashAccount))).toBe(0);
  });
});
