import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient, useDocumentClient } from '../../shared/clients/dynamodb';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { TestBrowser, locationOf } from '../support/test-browser';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ env: { STRIPE_TIMEOUT_MS: '2000' } });
});

afterAll(async () => {
  await stack?.close();
});

const connect = async (flow: 'standard' | 'express', user: string): Promise<string> => {
  const browser = new TestBrowser();
  const start = await browser.get(`${stack.gatewayUrl}/connect/authorize?type=${flow}&ticket=${await stack.mintTicket(user)}`);
  const finished = await browser.get(await stack.emulator.decide(locationOf(start).href, 'allow'));
  return locationOf(finished).searchParams.get('account') ?? '';
};

const api = async (method: 'GET' | 'POST', path: string, token?: string) => {
  const response = await fetch(`${stack.gatewayUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as Record<string, unknown> };
};
const as = (user: string) => stack.mintTicket(user);
const error = (type: string, code: string) => ({ error: { type, code, message: expect.any(String) } });
const stripeCalls = (path: string) => stack.emulator.requestLog().filter((entry) => entry.path === path).length;
const sign = (claims: { aud?: string; exp?: number | string }, key: string = localDefaults.platformTokenSecret) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user_a')
    .setAudience(claims.aud ?? 'connect-onboarding')
    .setExpirationTime(claims.exp ?? '5m')
    .sign(new TextEncoder().encode(key));

describe('authentication of the platform API', () => {
  it.each([
    ['no token', async () => undefined, 'missing_token'],
    ['an expired token', () => sign({ exp: Math.floor(Date.now() / 1000) - 120 }), 'token_expired'],
    ['a token for another audience', () => sign({ aud: 'billing' }), 'invalid_token'],
    ['a token with a bad signature', () => sign({}, 'not-the-platform-secret-not-the-platform'), 'invalid_token'],
  ])('refuses %s on every API route with 401', async (_, token, code) => {
    const minted = await token();
    for (const [method, path] of [
      ['GET', '/accounts'],
      ['GET', '/accounts/acct_1'],
      ['POST', '/accounts/acct_1/login_links'],
      ['POST', '/accounts/acct_1/deauthorize'],
    ] as const) {
      expect(await api(method, path, minted)).toMatchObject({ status: 401, body: error('authentication_error', code) });
    }
  });
});

describe('GET /accounts/{accountId}', () => {
  it('returns the owner its account record', async () => {
    const accountId = await connect('standard', 'reader');

    const { status, body } = await api('GET', `/accounts/${accountId}`, await as('reader'));

    expect(status).toBe(200);
    expect(body).toMatchObject({ accountId, platformUserId: 'reader', type: 'standard', scope: 'read_write', livemode: false, status: 'connected' });
    expect(Object.keys(body)).not.toContain('statusChangedAt');
  });

  it('refuses another user (403), an unknown account (404) and a malformed id (400)', async () => {
    const accountId = await connect('standard', 'owner_1');

    expect(await api('GET', `/accounts/${accountId}`, await as('someone_else'))).toMatchObject({ status: 403, body: error('permission_error', 'not_your_account') });
    expect(await api('GET', '/accounts/acct_unknown123', await as('owner_1'))).toMatchObject({ status: 404, body: error('not_found_error', 'account_not_found') });
    expect(await api('GET', '/accounts/not-an-account', await as('owner_1'))).toMatchObject({ status: 400, body: error('invalid_request_error', 'invalid_account_id') });
  });
});

describe('GET /accounts', () => {
  it('lists only the token user’s accounts, newest first, across pages with a cursor', async () => {
    const ids = [];
    for (let index = 0; index < 3; index += 1) ids.push(await connect(index === 1 ? 'express' : 'standard', 'lister'));
    await connect('standard', 'not_the_lister');
    const token = await as('lister');

    const first = await api('GET', '/accounts?limit=2', token);
    const second = await api('GET', `/accounts?limit=2&cursor=${String(first.body['next_cursor'])}`, token);

    expect(first.body).toMatchObject({ object: 'list', has_more: true, next_cursor: expect.any(String) });
    expect(second.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    const listed = [...(first.body['data'] as { accountId: string }[]), ...(second.body['data'] as { accountId: string }[])].map((item) => item.accountId);
    expect(listed).toEqual([...ids].reverse());
  });

  it('refuses a cursor issued to another user, a tampered cursor and a bad limit', async () => {
    await connect('standard', 'cursor_owner');
    await connect('standard', 'cursor_owner');
    const { body } = await api('GET', '/accounts?limit=1', await as('cursor_owner'));
    const cursor = String(body['next_cursor']);

    expect(await api('GET', `/accounts?cursor=${cursor}`, await as('cursor_thief'))).toMatchObject({ status: 400, body: error('invalid_request_error', 'invalid_cursor') });
    expect(await api('GET', `/accounts?cursor=${cursor.slice(0, -3)}xyz`, await as('cursor_owner'))).toMatchObject({ status: 400, body: error('invalid_request_error', 'invalid_cursor') });
    expect(await api('GET', '/accounts?limit=0', await as('cursor_owner'))).toMatchObject({ status: 400, body: error('invalid_request_error', 'invalid_limit') });
    expect(await api('GET', '/accounts?limit=101', await as('cursor_owner'))).toMatchObject({ status: 400, body: error('invalid_request_error', 'invalid_limit') });
  });

  it('answers an empty list to a user without accounts', async () => {
    expect(await api('GET', '/accounts', await as('nobody'))).toEqual({
      status: 200,
      cacheControl: 'no-store',
      body: { object: 'list', data: [], has_more: false, next_cursor: null },
    });
  });

  it('answers 503 when the store is unreachable', async () => {
    useDocumentClient(createDocumentClient({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', AWS_REGION: 'local' }));
    const result = await api('GET', '/accounts', await as('nobody'));
    useDocumentClient(undefined);

    expect(result).toMatchObject({ status: 503, body: error('service_unavailable_error', 'store_unavailable') });
  });
});

describe('POST /accounts/{accountId}/login_links', () => {
  it('creates a fresh single-use login link for the owner of an Express account, never cached', async () => {
    const accountId = await connect('express', 'express_owner');

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as('express_owner'));

    expect(result).toEqual({ status: 200, cacheControl: 'no-store', body: { object: 'login_link', url: expect.stringMatching(/^http/), created: expect.any(Number) } });
    const page = await fetch(String(result.body['url']));
    expect(await page.text()).toContain(accountId);
  });

  it('refuses a Standard account with a 400 that points to the Stripe Dashboard', async () => {
    const accountId = await connect('standard', 'std_owner');

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as('std_owner'));

    expect(result).toMatchObject({ status: 400, body: error('invalid_request_error', 'standard_account') });
    expect(String((result.body['error'] as { message: string }).message)).toContain('https://dashboard.stripe.com');
  });

  it('refuses another user’s account and an unknown one', async () => {
    const accountId = await connect('express', 'link_owner');

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('link_thief'))).toMatchObject({ status: 403, body: error('permission_error', 'not_your_account') });
    expect(await api('POST', '/accounts/acct_nothere99/login_links', await as('link_owner'))).toMatchObject({ status: 404 });
  });

  it('answers 409 for an account that Stripe no longer connects, and for a deauthorized record', async () => {
    const accountId = await connect('express', 'revoked_owner');
    await stack.emulator.trigger('account.application.deauthorized', accountId);
    await expect.poll(async () => (await api('GET', `/accounts/${accountId}`, await as('revoked_owner'))).body['status'], { timeout: 5000 }).toBe('deauthorized');

    expect(await api('POST', `/accounts/${accountId}/login_links`, await as('revoked_owner'))).toMatchObject({ status: 409, body: error('conflict_error', 'account_deauthorized') });
  });

  it.each([
    ['a Stripe 500', 'server_error', 502, 'stripe_unavailable'],
    ['a Stripe timeout', 'timeout', 504, 'stripe_timeout'],
  ] as const)('maps %s (%s) to %i %s', async (_, mode, status, code) => {
    const accountId = await connect('express', `fault_${mode}`);
    stack.emulator.injectFault({ method: 'POST', path: new RegExp(`/v1/accounts/${accountId}/login_links`), mode, times: 2 });

    const result = await api('POST', `/accounts/${accountId}/login_links`, await as(`fault_${mode}`));
    stack.emulator.clearFaults();

    expect(result).toMatchObject({ status, body: error('upstream_error', code) });
  });
});

describe('GET /connect/dashboard', () => {
  it('redirects the owner of one Express account straight to a fresh login link', async () => {
    await connect('express', 'dash_single');

    const response = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?ticket=${await as('dash_single')}`);

    expect(response.status).toBe(302);
    expect(locationOf(response).origin).toBe(stack.emulator.url);
  });

  it('offers a choice between several Express accounts, and account= picks one', async () => {
    const first = await connect('express', 'dash_many');
    const second = await connect('express', 'dash_many');
    const ticket = await as('dash_many');

    const choice = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?ticket=${ticket}`);
    const picked = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?ticket=${ticket}&account=${second}`);

    expect(choice.status).toBe(200);
    const html = await choice.text();
    expect(html).toContain(first);
    expect(html).toContain(second);
    expect(picked.status).toBe(302);
  });

  it('explains in a page when the user has no Express account, or names another user’s', async () => {
    const other = await connect('express', 'dash_other');

    const none = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?ticket=${await as('dash_none')}`);
    const notYours = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard?ticket=${await as('dash_none')}&account=${other}`);
    const noTicket = await new TestBrowser().get(`${stack.gatewayUrl}/connect/dashboard`);

    expect(none.status).toBe(404);
    expect(await none.text()).toContain('You have no connected Express account.');
    expect(notYours.status).toBe(403);
    expect(noTicket.status).toBe(401);
  });
});

describe('POST /accounts/{accountId}/deauthorize', () => {
  it('disconnects a Standard account exactly once; a second call is 200 with the same record', async () => {
    const accountId = await connect('standard', 'leaver');
    const token = await as('leaver');
    const before = stripeCalls('/oauth/deauthorize');

    const first = await api('POST', `/accounts/${accountId}/deauthorize`, token);
    const second = await api('POST', `/accounts/${accountId}/deauthorize`, token);

    expect(first).toMatchObject({ status: 200, body: { accountId, status: 'deauthorized', deauthorizedAt: expect.any(String) } });
    expect(second).toEqual(first);
    expect(stripeCalls('/oauth/deauthorize') - before).toBe(1);
  });

  it('marks an account Stripe says is no longer connected as deauthorized too', async () => {
    const accountId = await connect('standard', 'already_gone');
    await fetch(`${stack.emulator.url}/oauth/deauthorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${localDefaults.stripeSecretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${localDefaults.stripeClientId}&stripe_user_id=${accountId}`,
    });
    // As if the deauthorization webhook had not arrived yet: the record still says connected.
    await expect.poll(async () => (await api('GET', `/accounts/${accountId}`, await as('already_gone'))).body['status'], { timeout: 5000 }).toBe('deauthorized');
    await createDocumentClient().send(
      new UpdateCommand({ TableName: stack.tables.accounts, Key: { accountId }, UpdateExpression: 'SET #status = :connected', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':connected': 'connected' } }),
    );
    const before = stripeCalls('/oauth/deauthorize');

    const result = await api('POST', `/accounts/${accountId}/deauthorize`, await as('already_gone'));

    expect(result).toMatchObject({ status: 200, body: { accountId, status: 'deauthorized' } });
    expect(stripeCalls('/oauth/deauthorize') - before).toBe(1);
  });

  it('refuses an Express account with a 409 that explains why, calling nothing and changing nothing', async () => {
    const accountId = await connect('express', 'express_leaver');
    const token = await as('express_leaver');
    const before = stripeCalls('/oauth/deauthorize');

    const result = await api('POST', `/accounts/${accountId}/deauthorize`, token);

    expect(result).toMatchObject({ status: 409, body: error('conflict_error', 'express_account') });
    expect(String((result.body['error'] as { message: string }).message)).toContain('Stripe does not allow disconnecting Express accounts');
    expect(stripeCalls('/oauth/deauthorize')).toBe(before);
    expect((await api('GET', `/accounts/${accountId}`, token)).body).toMatchObject({ status: 'connected' });
  });

  it('never lets one platform user disconnect another’s account', async () => {
    const accountId = await connect('standard', 'victim_owner');

    expect(await api('POST', `/accounts/${accountId}/deauthorize`, await as('attacker'))).toMatchObject({ status: 403, body: error('permission_error', 'not_your_account') });
    expect((await api('GET', `/accounts/${accountId}`, await as('victim_owner'))).body).toMatchObject({ status: 'connected' });
  });

  it('answers 502 and changes nothing when Stripe fails', async () => {
    const accountId = await connect('standard', 'stripe_down');
    stack.emulator.injectFault({ method: 'POST', path: '/oauth/deauthorize', mode: 'server_error', times: 2 });

    const result = await api('POST', `/accounts/${accountId}/deauthorize`, await as('stripe_down'));
    stack.emulator.clearFaults();

    expect(result).toMatchObject({ status: 502, body: error('upstream_error', 'stripe_unavailable') });
    expect((await api('GET', `/accounts/${accountId}`, await as('stripe_down'))).body).toMatchObject({ status: 'connected' });
  });
});
