import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient, useDocumentClient } from '../../shared/clients/dynamodb';
import { useAccountNotices } from '../../shared/clients/notices';
import { stateCookieName } from '../../shared/http/cookies';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { useLocalStack } from '../support/local-stack';
import { confirmAccount, connectAccount, finishFlow } from '../support/platform-api';
import { updateAnswerLost, writeAnswerLostOn } from '../support/store-faults';
import { locationOf, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

const startConnect = async (browser: TestBrowser, query: string) => {
  const response = await browser.get(`${stack.gatewayUrl}/connect/authorize?${query}`);
  expect(response.status).toBe(302);
  return locationOf(response);
};

const connect = async (flow: 'standard' | 'express', user: string, extra = '') => {
  const browser = new TestBrowser();
  const ticket = await stack.mintTicket(user);
  const authorizeUrl = await startConnect(browser, `type=${flow}&ticket=${ticket}${extra}`);
  const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow');
  const finished = await browser.get(callbackUrl);
  return { browser, authorizeUrl, callbackUrl, finished };
};

const readAccount = async (accountId: string) =>
  (await createDocumentClient().send(new GetCommand({ TableName: stack.tables.accounts, Key: { accountId } }))).Item;

describe('GET /connect/authorize', () => {
  it('redirects a Standard flow to /oauth/authorize with scope=read_write and sets the state cookie', async () => {
    const browser = new TestBrowser();
    const ticket = await stack.mintTicket('user_std');
    const location = await startConnect(browser, `type=standard&ticket=${ticket}&stripe_user[email]=a%40example.com`);

    expect(location.origin + location.pathname).toBe(`${stack.emulator.url}/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      response_type: 'code',
      scope: 'read_write',
      client_id: 'ca_local0connect0onboarding00000',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      redirect_uri: `${stack.gatewayUrl}/connect/callback`,
      'stripe_user[email]': 'a@example.com',
    });
    expect(browser.cookie(stateCookieName(location.searchParams.get('state') ?? ''))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("sets the flow's own cookie, named by its state, as __Host-, Secure, HttpOnly, SameSite=Lax with the state lifetime, and no-store headers", async () => {
    const ticket = await stack.mintTicket('user_std');
    const response = await fetch(`${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${ticket}`, {
      redirect: 'manual',
    });
    const state = locationOf(response).searchParams.get('state') ?? '';

    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^__Host-connect_state_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
      ),
    ]);
    expect(response.headers.getSetCookie()[0]).toMatch(new RegExp(`^${stateCookieName(state)}=`));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('redirects an Express flow to /express/oauth/authorize with suggested capabilities', async () => {
    const ticket = await stack.mintTicket('user_exp');
    const location = await startConnect(
      new TestBrowser(),
      `type=express&ticket=${ticket}&suggested_capabilities[]=transfers&suggested_capabilities[]=card_payments`,
    );

    expect(location.pathname).toBe('/express/oauth/authorize');
    expect(location.searchParams.getAll('suggested_capabilities[]')).toEqual(['transfers', 'card_payments']);
    expect(location.searchParams.has('scope')).toBe(false);
  });

  it.each([
    ['no ticket', 'type=standard', 401, 'missing_token'],
    ['a bad type', 'type=custom&ticket=TICKET', 400, 'invalid_parameter'],
    ['an unknown parameter', 'type=standard&ticket=TICKET&suggested_capabilites[]=transfers', 400, 'unknown_parameter'],
    ['an unknown stripe_user field', 'type=standard&ticket=TICKET&stripe_user[password]=x', 400, 'invalid_stripe_user'],
    [
      'a return_to off the allowlist',
      'type=standard&ticket=TICKET&return_to=https%3A%2F%2Fevil.example',
      400,
      'invalid_return_to',
    ],
    ['a forged ticket', 'type=standard&ticket=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 401, 'invalid_token'],
  ])('refuses %s with an HTML page and stores no state', async (_, query, status, code) => {
    const ticket = await stack.mintTicket('user_bad');
    const response = await fetch(`${stack.gatewayUrl}/connect/authorize?${query.replace('TICKET', ticket)}`, {
      redirect: 'manual',
    });
    const body = await response.text();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(body).toContain(`Error code: ${code}`);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('GET /connect/callback', () => {
  it('completes a Standard connection and stores the account for its platform user', async () => {
    const { finished } = await connect('standard', 'user_std');
    const success = locationOf(finished);
    const accountId = success.searchParams.get('account') ?? '';

    expect(success.origin + success.pathname).toBe(`${stack.gatewayUrl}/local/connected`);
    expect(accountId).toMatch(/^acct_/);
    const record = await readAccount(accountId);
    expect(record).toMatchObject({
      accountId,
      platformUserId: 'user_std',
      type: 'standard',
      scope: 'read_write',
      livemode: false,
      status: 'connected',
      chargesEnabled: expect.any(Boolean),
      payoutsEnabled: expect.any(Boolean),
      detailsSubmitted: expect.any(Boolean),
      capabilities: expect.any(Object),
      connectedAt: expect.any(String),
      updatedAt: expect.any(String),
      statusChangedAt: expect.any(Number),
    });
    // Only the account id is kept: never an access token, refresh token or publishable key.
    expect(JSON.stringify(record)).not.toMatch(/access_token|refresh_token|sk_|pk_|rt_/);
  });

  it('completes an Express connection with suggested capabilities', async () => {
    const { finished } = await connect('express', 'user_exp', '&suggested_capabilities[]=transfers');
    const accountId = locationOf(finished).searchParams.get('account') ?? '';

    expect(await readAccount(accountId)).toMatchObject({
      accountId,
      platformUserId: 'user_exp',
      type: 'express',
      scope: 'express',
    });
  });

  it('publishes account.connected once the platform confirms the account, not when the flow ends', async () => {
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      const { finished } = await connect('express', 'user_notice');
      const redirect = locationOf(finished).searchParams;
      const accountId = redirect.get('account') ?? '';
      const connected = () => notices.filter((notice) => notice.type === 'account.connected');

      // Pending: nobody's yet (the emulator's authorized webhook may add an account.updated meanwhile).
      expect(connected()).toEqual([]);
      const confirm = () =>
        confirmAccount(stack, 'user_notice', { accountId, confirmation: redirect.get('confirmation') ?? '' });
      expect((await confirm()).status).toBe(200);
      expect(connected()).toEqual([
        {
          type: 'account.connected',
          accountId,
          detail: {
            platformUserId: 'user_notice',
            type: 'express',
            livemode: false,
            connection: 'oauth',
            connectedAt: expect.any(String),
          },
        },
      ]);
      // The platform's retry of the same confirmation changes nothing and announces nothing again.
      expect((await confirm()).status).toBe(200);
      expect(connected()).toHaveLength(1);
    } finally {
      useAccountNotices(undefined);
    }
  });

  it('announces a confirmation whose write the SDK retried after the answer was lost, once', async () => {
    const finished = await finishFlow(stack, 'express', 'user_lost_answer');
    const notices: AccountNotice[] = [];
    // The first attempt reaches DynamoDB and its answer is lost; the retry, refused by the condition, is what
    // the handler hears back.
    useDocumentClient(updateAnswerLost());
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      expect(await confirmAccount(stack, 'user_lost_answer', finished)).toMatchObject({
        status: 200,
        body: { accountId: finished.accountId, confirmation: 'confirmed' },
      });
    } finally {
      useAccountNotices(undefined);
      useDocumentClient(undefined);
    }

    expect(notices.filter((notice) => notice.type === 'account.connected')).toEqual([
      expect.objectContaining({ accountId: finished.accountId }),
    ]);
  });

  it('publishes account.connected at the callback for a reconnection that keeps its confirmation', async () => {
    const accountId = await connectAccount(stack, 'standard', 'user_renews');
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      const browser = new TestBrowser();
      const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_renews')}`);
      const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow', { accountId });
      expect(locationOf(await browser.get(callbackUrl)).searchParams.get('account')).toBe(accountId);

      expect(notices.filter((notice) => notice.type === 'account.connected')).toEqual([
        expect.objectContaining({ accountId, detail: expect.objectContaining({ platformUserId: 'user_renews' }) }),
      ]);
    } finally {
      useAccountNotices(undefined);
    }
  });

  it('clears the state cookie after use', async () => {
    const { browser, authorizeUrl } = await connect('standard', 'user_std');

    expect(browser.cookie(stateCookieName(authorizeUrl.searchParams.get('state') ?? ''))).toBeUndefined();
  });

  it('returns to the validated return_to fixed when the flow started', async () => {
    const returnTo = encodeURIComponent(`${stack.gatewayUrl}/settings/payouts?tab=stripe`);
    const { finished } = await connect('standard', 'user_std', `&return_to=${returnTo}`);
    const location = locationOf(finished);

    expect(location.pathname).toBe('/settings/payouts');
    expect(location.searchParams.get('tab')).toBe('stripe');
    expect(location.searchParams.get('account')).toMatch(/^acct_/);
  });

  it('sends a denial to the failure URL with error=access_denied and burns the state', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'deny');
    const state = authorizeUrl.searchParams.get('state') ?? '';
    const cookie = browser.cookie(stateCookieName(state)) ?? '';
    const denied = await browser.get(callbackUrl);

    expect(locationOf(denied).href).toBe(`${stack.gatewayUrl}/local/failed?error=access_denied`);
    expect(browser.cookie(stateCookieName(state))).toBeUndefined();
    const replay = new TestBrowser();
    replay.setCookie(stateCookieName(state), cookie);
    const reuse = await replay.get(`${stack.gatewayUrl}/connect/callback?code=ac_anything&state=${state}`);
    expect(locationOf(reuse).searchParams.get('error')).toBe('state_invalid');
  });

  it('refuses a replayed callback: the state is single use and Stripe is called once', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const state = authorizeUrl.searchParams.get('state') ?? '';
    // The flow's own binding, kept before the callback clears it: the replay is refused for the state, not the cookie.
    const cookie = browser.cookie(stateCookieName(state)) ?? '';
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow');
    const tokenCalls = () => stack.emulator.requestLog().filter((entry) => entry.path === '/oauth/token').length;
    const before = tokenCalls();

    const finished = await browser.get(callbackUrl);
    browser.setCookie(stateCookieName(state), cookie);
    const replay = await browser.get(callbackUrl);

    expect(locationOf(finished).searchParams.get('account')).toMatch(/^acct_/);
    expect(locationOf(replay).searchParams.get('error')).toBe('state_invalid');
    expect(tokenCalls() - before).toBe(1);
  });

  it('completes a connection whose state consume the SDK retried after its answer was lost, and the state stays single use', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(
      browser,
      `type=standard&ticket=${await stack.mintTicket('user_lost_consume')}`,
    );
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow');
    const state = authorizeUrl.searchParams.get('state') ?? '';
    const cookie = browser.cookie(stateCookieName(state)) ?? '';

    // The consume reaches DynamoDB, its answer is lost, and the SDK's retry meets the state the first attempt used.
    useDocumentClient(writeAnswerLostOn(stack.tables.states));
    let finished: Response;
    try {
      finished = await browser.get(callbackUrl);
    } finally {
      useDocumentClient(undefined);
    }

    expect(locationOf(finished).searchParams.get('error')).toBeNull();
    expect(locationOf(finished).searchParams.get('account')).toMatch(/^acct_/);
    const replay = new TestBrowser();
    replay.setCookie(stateCookieName(state), cookie);
    expect(locationOf(await replay.get(callbackUrl)).searchParams.get('error')).toBe('state_invalid');
  });

  it('refuses a callback from a browser without the state cookie (CSRF) and leaves the state usable', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow');

    const attacker = await new TestBrowser().get(callbackUrl);
    const victim = await browser.get(callbackUrl);

    expect(locationOf(attacker).searchParams.get('error')).toBe('session_mismatch');
    expect(locationOf(victim).searchParams.get('account')).toMatch(/^acct_/);
  });

  it('refuses a callback whose cookie belongs to another flow (forged state binding)', async () => {
    const victim = new TestBrowser();
    const victimAuthorize = await startConnect(victim, `type=standard&ticket=${await stack.mintTicket('victim')}`);
    const attacker = new TestBrowser();
    await startConnect(attacker, `type=standard&ticket=${await stack.mintTicket('attacker')}`);
    const callbackUrl = await stack.emulator.decide(victimAuthorize.href, 'allow');

    const response = await attacker.get(callbackUrl);

    expect(locationOf(response).searchParams.get('error')).toBe('session_mismatch');
  });

  it('refuses an unknown state', async () => {
    const browser = new TestBrowser();
    browser.setCookie(stateCookieName('a'.repeat(43)), 'b'.repeat(43));

    const response = await browser.get(`${stack.gatewayUrl}/connect/callback?code=ac_123&state=${'a'.repeat(43)}`);

    expect(locationOf(response).searchParams.get('error')).toBe('state_invalid');
  });

  it('refuses an invalid code after consuming the state', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const state = authorizeUrl.searchParams.get('state') ?? '';
    const cookie = browser.cookie(stateCookieName(state)) ?? '';

    const response = await browser.get(`${stack.gatewayUrl}/connect/callback?code=ac_doesnotexist&state=${state}`);

    expect(locationOf(response).href).toBe(`${stack.gatewayUrl}/local/failed?error=code_invalid`);
    // The state is spent: the owner's genuine code, with the flow's own binding, is no longer taken with it.
    const genuine = await stack.emulator.decide(authorizeUrl.href, 'allow');
    const replay = new TestBrowser();
    replay.setCookie(stateCookieName(state), cookie);
    expect(locationOf(await replay.get(genuine)).searchParams.get('error')).toBe('state_invalid');
  });

  it('refuses a callback without code or state', async () => {
    const response = await new TestBrowser().get(`${stack.gatewayUrl}/connect/callback`);

    expect(locationOf(response).searchParams.get('error')).toBe('invalid_callback');
  });
});

describe('GET /connect/callback against stored states', () => {
  const stateOf = (authorizeUrl: URL) => authorizeUrl.searchParams.get('state') ?? '';

  it('refuses a state that is still in the table but past its expiry (TTL deletion is lazy)', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { hashSecretValue } = await import('../../shared/oauth/state');
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow');
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.tables.states,
        Key: { stateHash: hashSecretValue(stateOf(authorizeUrl)) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );

    const response = await browser.get(callbackUrl);

    expect(locationOf(response).searchParams.get('error')).toBe('state_expired');
  });

  it('refuses a state minted for the Standard flow used with an Express code (flow mix-up)', async () => {
    const browser = new TestBrowser();
    const standardAuthorize = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('user_std')}`);
    const expressAuthorize = await startConnect(
      new TestBrowser(),
      `type=express&ticket=${await stack.mintTicket('user_std')}`,
    );
    expressAuthorize.searchParams.set('state', stateOf(standardAuthorize));
    const callbackUrl = await stack.emulator.decide(expressAuthorize.href, 'allow');

    const response = await browser.get(callbackUrl);

    expect(locationOf(response).searchParams.get('error')).toBe('flow_mismatch');
  });

  it('refuses to hand an account connected by one platform user to another', async () => {
    const first = await connect('standard', 'owner');
    const accountId = locationOf(first.finished).searchParams.get('account') ?? '';
    const browser = new TestBrowser();
    const authorizeUrl = await startConnect(browser, `type=standard&ticket=${await stack.mintTicket('intruder')}`);
    const callbackUrl = await stack.emulator.decide(authorizeUrl.href, 'allow', { accountId });

    const response = await browser.get(callbackUrl);

    expect(locationOf(response).searchParams.get('error')).toBe('account_claimed');
    expect(await readAccount(accountId)).toMatchObject({ platformUserId: 'owner' });
  });
});
