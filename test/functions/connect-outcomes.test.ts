import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { maxOpenFlowsPerBrowser, stateCookieName, stateCookieNames } from '../../shared/http/cookies';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';
import {
  callApi,
  confirmAccount,
  platformStripe,
  settled,
  storedAccount,
  stripeCalls,
  viewOf,
} from '../support/platform-api';
import { locationOf, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

const authorizeIn = async (browser: TestBrowser, user: string, query: string) => {
  const response = await browser.get(
    `${stack.gatewayUrl}/connect/authorize?${query}&ticket=${await stack.mintTicket(user)}`,
  );
  expect(response.status).toBe(302);
  return locationOf(response);
};
const stateOf = (authorizeUrl: URL) => authorizeUrl.searchParams.get('state') ?? '';
const failureUrl = (error: string) => `${stack.gatewayUrl}/local/failed?error=${error}`;

/** The service's log lines of the request that answered `response`. */
const logsOf = (response: Response) =>
  capturedServiceLines()
    .filter((line) => line.startsWith('{"level":'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.correlation_id === response.headers.get('x-request-id'));

/** The real SDK with the platform's key, talking to the emulator as the service does. */
const platformSdk = () => platformStripe(stack, { maxNetworkRetries: 0 });

/** Whether the platform is still connected to the account at Stripe: deauthorizing it again is refused if not. */
const connectedAtStripe = async (accountId: string): Promise<boolean> => {
  // Counted by path: the service may call the emulator meanwhile (a webhook re-reading an account).
  const probe = stripeCalls(stack, 'POST', '/oauth/deauthorize');
  try {
    // Only ever asked of accounts the test expects to be gone; a live one would be ended here.
    await platformSdk().oauth.deauthorize({ client_id: localDefaults.stripeClientId, stripe_user_id: accountId });
    return true;
  } catch (error) {
    // One request, not retried: the SDK was refused, not cut off.
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(probe + 1);
    expect(error).toMatchObject({ type: 'StripeInvalidClientError', message: expect.stringMatching(/not connected/) });
    return false;
  }
};

/** The owner connects an account; returns its id once its first webhook has settled. */
const connectOwned = async (flow: 'standard' | 'express', owner: string) => {
  const browser = new TestBrowser();
  const callbackUrl = await stack.emulator.decide((await authorizeIn(browser, owner, `type=${flow}`)).href, 'allow');
  const accountId = locationOf(await browser.get(callbackUrl)).searchParams.get('account') ?? '';
  await settled(stack, accountId);
  return accountId;
};

/** Who owns the account and since when (its snapshot fields follow Stripe's webhooks, which a reconnection sends). */
const ownership = (item: Record<string, unknown> | undefined) => ({
  platformUserId: item?.platformUserId,
  status: item?.status,
  connectedAt: item?.connectedAt,
  statusChangedAt: item?.statusChangedAt,
});

/** Another user completes a flow at Stripe with the owner's account. */
const claimBy = async (flow: 'standard' | 'express', intruder: string, accountId: string) => {
  const browser = new TestBrowser();
  const authorizeUrl = await authorizeIn(browser, intruder, `type=${flow}`);
  return browser.get(await stack.emulator.decide(authorizeUrl.href, 'allow', { accountId }));
};

describe('two flows side by side in one browser', () => {
  it('connects a Standard and an Express account started in two tabs, finished in order', async () => {
    const browser = new TestBrowser();
    const standard = await authorizeIn(browser, 'two_tabs', 'type=standard');
    const express = await authorizeIn(browser, 'two_tabs', 'type=express');
    const standardCallback = await stack.emulator.decide(standard.href, 'allow');
    const expressCallback = await stack.emulator.decide(express.href, 'allow');
    expect(browser.cookie(stateCookieName(stateOf(standard)))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.cookie(stateCookieName(stateOf(express)))).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const first = locationOf(await browser.get(standardCallback));
    const second = locationOf(await browser.get(expressCallback));

    const accounts = [first.searchParams.get('account') ?? '', second.searchParams.get('account') ?? ''];
    expect(accounts).toEqual([expect.stringMatching(/^acct_/), expect.stringMatching(/^acct_/)]);
    expect(await storedAccount(stack, accounts[0] ?? '')).toMatchObject({
      platformUserId: 'two_tabs',
      type: 'standard',
    });
    expect(await storedAccount(stack, accounts[1] ?? '')).toMatchObject({
      platformUserId: 'two_tabs',
      type: 'express',
    });
    expect(browser.cookie(stateCookieName(stateOf(standard)))).toBeUndefined();
    expect(browser.cookie(stateCookieName(stateOf(express)))).toBeUndefined();
  });

  it("clears no flow's cookie on a junk callback (no state, an unknown state, an error without state)", async () => {
    const browser = new TestBrowser();
    const standard = await authorizeIn(browser, 'junk_tabs', 'type=standard');
    const express = await authorizeIn(browser, 'junk_tabs', 'type=express');
    const before = [stateCookieName(stateOf(standard)), stateCookieName(stateOf(express))].map((name) => [
      name,
      browser.cookie(name),
    ]);

    const unknownState = 'j'.repeat(43);
    const junk: readonly (readonly [string, string, readonly string[]])[] = [
      ['code=ac_junk', 'invalid_callback', []],
      ['error=access_denied', 'access_denied', []],
      // Its own (absent) cookie is named by its state: no other flow's.
      [
        `code=ac_junk&state=${unknownState}`,
        'session_mismatch',
        [`${stateCookieName(unknownState)}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`],
      ],
    ];
    for (const [query, error, setCookies] of junk) {
      const response = await browser.get(`${stack.gatewayUrl}/connect/callback?${query}`);
      expect(locationOf(response).href).toBe(failureUrl(error));
      expect(response.headers.getSetCookie()).toEqual(setCookies);
    }

    expect(before.map(([name]) => [name, browser.cookie(name ?? '')])).toEqual(before);
    const finished = await browser.get(await stack.emulator.decide(standard.href, 'allow'));
    expect(locationOf(finished).searchParams.get('account')).toMatch(/^acct_/);
  });

  it(`keeps ${maxOpenFlowsPerBrowser} flows open at once; a start beyond them closes the others, so starts without end cannot flood the browser`, async () => {
    const browser = new TestBrowser();
    const openCookies = () => stateCookieNames(browser.cookies()).length;
    const open = [];
    for (let flow = 0; flow < maxOpenFlowsPerBrowser; flow += 1)
      open.push(await authorizeIn(browser, 'many_tabs', 'type=standard'));
    expect(openCookies()).toBe(maxOpenFlowsPerBrowser);

    // A page sending the browser through the start link again and again (top-level navigations carry cookies).
    let newest = open[0] as URL;
    for (let start = 0; start < 3 * maxOpenFlowsPerBrowser; start += 1) {
      newest = await authorizeIn(browser, 'many_tabs', 'type=standard');
      expect(openCookies()).toBeLessThanOrEqual(maxOpenFlowsPerBrowser);
    }

    // The newest flow connects; one closed along the way fails as a flow from another browser does, storing nothing.
    const closed = await browser.get(await stack.emulator.decide((open[0] as URL).href, 'allow'));
    expect(locationOf(closed).href).toBe(failureUrl('session_mismatch'));
    const finished = locationOf(await browser.get(await stack.emulator.decide(newest.href, 'allow')));
    expect(finished.searchParams.get('account')).toMatch(/^acct_/);
  });
});

describe('a connection made at Stripe and then not kept', () => {
  it('flow mix-up with a Standard account: ended at Stripe, nothing stored, the same failure redirect', async () => {
    const browser = new TestBrowser();
    const express = await authorizeIn(browser, 'mixup_std', 'type=express');
    const standard = await authorizeIn(new TestBrowser(), 'mixup_std', 'type=standard');
    standard.searchParams.set('state', stateOf(express));
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const response = await browser.get(await stack.emulator.decide(standard.href, 'allow'));

    expect(locationOf(response).href).toBe(failureUrl('flow_mismatch'));
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls + 1);
    const ended = logsOf(response).find((line) => line.message === 'connection ended at Stripe');
    expect(ended).toMatchObject({ level: 'WARN', reason: 'flow_mismatch', scope: 'read_write' });
    const accountId = String(ended?.accountId);
    expect(logsOf(response)).toContainEqual(
      expect.objectContaining({
        message: 'connect failed',
        reason: 'flow_mismatch',
        accountId,
        connection: 'deauthorized',
      }),
    );
    expect(stack.emulator.getAccount(accountId ?? '')?.type).toBe('standard');
    expect(await connectedAtStripe(accountId ?? '')).toBe(false);
    expect(await storedAccount(stack, accountId ?? '')).toBeUndefined();
  });

  it('flow mix-up with an Express account: Stripe does not allow ending it, so it is kept here unclaimed and flagged', async () => {
    const browser = new TestBrowser();
    const standard = await authorizeIn(browser, 'mixup_exp', 'type=standard');
    const express = await authorizeIn(new TestBrowser(), 'mixup_exp', 'type=express');
    express.searchParams.set('state', stateOf(standard));
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const response = await browser.get(await stack.emulator.decide(express.href, 'allow'));

    expect(locationOf(response).href).toBe(failureUrl('flow_mismatch'));
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls);
    const kept = logsOf(response).find((line) => line.message === 'connection kept unclaimed');
    expect(kept).toMatchObject({ level: 'WARN', reason: 'flow_mismatch', scope: 'express', recorded: true });
    const accountId = String(kept?.accountId);
    // Its webhooks apply like any connected account's: the authorized event brings its state.
    await settled(stack, accountId ?? '');
    const stored = await storedAccount(stack, accountId ?? '');
    expect(stored).toMatchObject({
      accountId,
      type: 'express',
      scope: 'express',
      livemode: false,
      status: 'connected',
      flagged: 'flow_mismatch',
      stripeStateAt: expect.any(Number),
    });
    expect(stored).not.toHaveProperty('platformUserId');
    // Nobody's account: no user sees it through the API.
    const view = await callApi(stack, 'GET', `/accounts/${accountId}`, await stack.mintTicket('mixup_exp'));
    expect(view.status).toBe(403);
    // A later completed flow with the account claims it, and the flag goes.
    const claimed = await claimBy('express', 'rightful_user', accountId);
    expect(locationOf(claimed).searchParams.get('account')).toBe(accountId);
    const owned = await storedAccount(stack, accountId);
    expect(owned).toMatchObject({ platformUserId: 'rightful_user', status: 'connected' });
    expect(owned).not.toHaveProperty('flagged');
  });

  it("an account of another user (Standard): the connection is its owner's, so it is neither ended nor changed", async () => {
    const accountId = await connectOwned('standard', 'std_owner');
    const before = await storedAccount(stack, accountId);
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const response = await claimBy('standard', 'std_intruder', accountId);

    expect(locationOf(response).href).toBe(failureUrl('account_claimed'));
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls);
    expect(await storedAccount(stack, accountId)).toMatchObject(ownership(before));
    // Still connected at Stripe: the owner's account is readable with the platform key.
    await expect(platformSdk().accounts.retrieve(accountId)).resolves.toMatchObject({ id: accountId });
  });

  it("an account of another user (Express): kept as its owner's, not flagged", async () => {
    const accountId = await connectOwned('express', 'exp_owner');
    const before = await storedAccount(stack, accountId);

    const response = await claimBy('express', 'exp_intruder', accountId);

    expect(locationOf(response).href).toBe(failureUrl('account_claimed'));
    const after = await storedAccount(stack, accountId);
    expect(after).toMatchObject(ownership(before));
    expect(after).toMatchObject({ platformUserId: 'exp_owner', status: 'connected' });
    expect(after).not.toHaveProperty('flagged');
  });
});

describe('suggested capabilities Stripe did not add', () => {
  it('stores the account flagged with what is missing, says so in the success redirect, shows it in the JSON view and applies its webhooks', async () => {
    stack.emulator.setUnavailableCapabilities('BR', ['card_payments']);
    try {
      const browser = new TestBrowser();
      const authorizeUrl = await authorizeIn(
        browser,
        'caps_br',
        'type=express&stripe_user[country]=BR&suggested_capabilities[]=card_payments&suggested_capabilities[]=transfers',
      );

      const success = locationOf(await browser.get(await stack.emulator.decide(authorizeUrl.href, 'allow')));

      const accountId = success.searchParams.get('account') ?? '';
      const confirmation = success.searchParams.get('confirmation') ?? '';
      expect(Object.fromEntries(success.searchParams)).toEqual({
        account: accountId,
        confirmation: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        capabilities_missing: 'card_payments',
      });
      // Had the code been exchanged with assert_capabilities, Stripe would have refused it (after the account was made).
      await settled(stack, accountId);
      const stored = await storedAccount(stack, accountId);
      expect(stored).toMatchObject({
        platformUserId: 'caps_br',
        status: 'connected',
        capabilitiesMissing: ['card_payments'],
        capabilities: { transfers: 'active' },
      });
      expect(await confirmAccount(stack, 'caps_br', { accountId, confirmation })).toMatchObject({ status: 200 });
      const view = await callApi(stack, 'GET', `/accounts/${accountId}`, await stack.mintTicket('caps_br'));
      expect(view).toMatchObject({ status: 200, body: viewOf((await storedAccount(stack, accountId)) ?? {}) });
      expect(view.body.capabilitiesMissing).toEqual(['card_payments']);
    } finally {
      stack.emulator.setUnavailableCapabilities('BR', []);
    }
  });

  it('seed 001 happy path: the suggested transfers capability is added, nothing is flagged', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await authorizeIn(browser, 'caps_us', 'type=express&suggested_capabilities[]=transfers');

    const success = locationOf(await browser.get(await stack.emulator.decide(authorizeUrl.href, 'allow')));

    const accountId = success.searchParams.get('account') ?? '';
    expect(Object.fromEntries(success.searchParams)).toEqual({
      account: accountId,
      confirmation: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    await settled(stack, accountId);
    const stored = await storedAccount(stack, accountId);
    expect(stored).toMatchObject({ platformUserId: 'caps_us', capabilities: { transfers: 'active' } });
    expect(stored).not.toHaveProperty('capabilitiesMissing');
  });
});
