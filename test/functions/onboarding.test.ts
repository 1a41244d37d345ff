/**
 * Onboarding with Account Links through the local gateway: the real handlers, DynamoDB and the Stripe
 * emulator's Accounts API and hosted onboarding page.
 */
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { useAccountNotices } from '../../shared/clients/notices';
import { browserCookieName, onboardingCookieName } from '../../shared/http/cookies';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { mintResumeValue } from '../../shared/onboarding/resume-value';
import { createAccountsRepo, type NewCreatedAccount } from '../../shared/stores/accounts-repo';
import { accountsByUserIndex } from '../../shared/tables';
import { accountStateFrom } from '../../shared/webhooks/account-change';
import { useLocalStack } from '../support/local-stack';
import {
  accountOfLink,
  answerHostedPage,
  apiError,
  callApi,
  confirmAccount,
  type FinishedFlow,
  finishOnboarding,
  storedAccount,
  stripeCalls,
  viewOf,
} from '../support/platform-api';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

type Flow = 'express' | 'standard';

const as = (user: string) => stack.mintTicket(user);
const start = async (user: string, type: Flow, browser = new TestBrowser()) =>
  openStartLink(browser, `${stack.gatewayUrl}/connect/onboard?type=${type}&ticket=${await as(user)}`);
const createCalls = () => stripeCalls(stack, 'POST', '/v1/accounts');
const linkCalls = () => stripeCalls(stack, 'POST', '/v1/account_links');

/** The user connects an existing account through Standard OAuth; answers the confirmation the success redirect carries. */
const connectThroughOAuth = async (user: string, accountId: string): Promise<string> => {
  const browser = new TestBrowser();
  const started = await browser.get(`${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await as(user)}`);
  const callback = await stack.emulator.decide(locationOf(started).href, 'allow', { accountId });
  const success = locationOf(await browser.get(callback));
  expect(success.searchParams.get('account')).toBe(accountId);
  return success.searchParams.get('confirmation') ?? '';
};

/** Start → hosted page → submit → our return: what the success redirect carries. */
const onboard = async (user: string, type: Flow): Promise<FinishedFlow> => {
  const finished = await finishOnboarding(stack, type, user);
  expect(finished.confirmation).toMatch(/^[A-Za-z0-9_-]{22}$/);
  return finished;
};

/** Onboarded and confirmed by the platform's backend, as a platform does on its success page. */
const onboardAndConfirm = async (user: string, type: Flow): Promise<string> => {
  const finished = await onboard(user, type);
  expect((await confirmAccount(stack, user, finished)).status).toBe(200);
  return finished.accountId;
};

/** Every record of the user in the table, pending ones included. */
const recordsOf = async (user: string) =>
  (
    await createDocumentClient().send(
      new QueryCommand({
        TableName: stack.tables.accounts,
        IndexName: accountsByUserIndex,
        KeyConditionExpression: 'platformUserId = :user',
        ExpressionAttributeValues: { ':user': user },
      }),
    )
  ).Items ?? [];

/** Stores Stripe's account object as a snapshot of time `asOf`, as the webhook stores an account.updated; whether it was. */
const storeSnapshot = async (accountId: string, stripeAccount: Record<string, unknown>, asOf: number) => {
  const state = accountStateFrom({ object: 'account', ...stripeAccount });
  if (!state) throw new Error('a valid account state');
  const repo = createAccountsRepo(createDocumentClient(), stack.tables.accounts);
  return repo.recordState({ kind: 'state', accountId, state, asOf, source: 'event' }, Date.now());
};

const errorPageCode = async (response: Response) => /Error code: ([a-z_]+)/.exec(await response.text())?.[1];

/**
 * Two tabs of a browser that never had an id open `user`'s start link at once: both first requests leave before
 * either answer is back, so both go without an id, and each tab follows its redirect as soon as its answer is
 * stored, with the id that answer set. `creates` counts the account creations Stripe was asked for since.
 */
const openTwoTabsWithoutAnId = async (user: string) => {
  const link = `${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await as(user)}`;
  const redirects = await Promise.all([1, 2].map(() => fetch(link, { redirect: 'manual' })));
  const before = createCalls();
  const tabs = await Promise.all(
    redirects.map((redirect) => {
      const [idCookie = ''] = redirect.headers.getSetCookie();
      return fetch(locationOf(redirect), { redirect: 'manual', headers: { cookie: idCookie.split(';')[0] ?? '' } });
    }),
  );
  return { tabs, creates: () => createCalls() - before };
};

describe('GET /connect/onboard', () => {
  it('creates one account for several clicks at once: one at Stripe, one record, every click on a link for it', async () => {
    const creates = createCalls();
    // One browser, which has its id from the start link's first answer, clicks four times before any answer is
    // back: each click's answer (and the binding cookie it sets) kept apart, as the browser may keep any of them.
    const clicker = new TestBrowser();
    await clicker.get(`${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await as('eager_clicker')}`);
    const browsers = [1, 2, 3, 4].map(() => {
      const click = new TestBrowser();
      click.setCookie(browserCookieName, clicker.cookie(browserCookieName) ?? '');
      return click;
    });

    const responses = await Promise.all(browsers.map((browser) => start('eager_clicker', 'express', browser)));

    expect(responses.map((response) => response.status)).toEqual([302, 302, 302, 302]);
    const accounts = new Set(responses.map((response) => accountOfLink(locationOf(response))));
    expect(accounts.size).toBe(1);
    const [accountId = ''] = accounts;
    // Each click's browser is recorded with the account, so whichever answer a browser kept, it continues it.
    for (const browser of browsers) {
      expect(accountOfLink(locationOf(await start('eager_clicker', 'express', browser)))).toBe(accountId);
    }
    const records = await recordsOf('eager_clicker');
    expect(records.map((record) => record.accountId)).toEqual([accountId]);
    expect(records[0]).toMatchObject({
      connection: 'created',
      type: 'express',
      status: 'connected',
      onboardingSlot: 0,
    });
    // Retries carry the same idempotency key: however many reached Stripe, Stripe knows one account.
    expect(createCalls() - creates).toBeGreaterThanOrEqual(1);
    expect(stack.emulator.getAccount(accountId)?.metadata).toEqual({
      platform_user_id: 'eager_clicker',
      onboarding_slot: '0',
    });
  });

  // A browser's first clicks cannot be told from two browsers' until it has its id: two tabs opened at once on a
  // browser that never had one (the link opened twice from the platform's page) each get a redirect that sets a
  // different id, and each follows its own before the other's answer replaced it. Stripe gives both the slot's
  // account, whose record takes the first tab's binding; the second tab's id is another browser's as far as the
  // service can tell, so it moves on to an account of its own, both counted toward the limit of five. The id
  // cannot travel in the redirect's URL instead (a page of Mallory's could then send a victim's browser there with
  // her id, and both would share one binding again), so this is the design's cost: a decision, still open.
  it('today gives each of two tabs opened at once on a browser with no id yet an account of its own (the cost the next test pins)', async () => {
    const { tabs, creates } = await openTwoTabsWithoutAnId('two_fresh_tabs_today');

    expect(tabs.map((tab) => tab.status)).toEqual([302, 302]);
    expect(new Set(tabs.map((tab) => accountOfLink(locationOf(tab)))).size).toBe(2);
    expect(await recordsOf('two_fresh_tabs_today')).toHaveLength(2);
    expect(creates()).toBeGreaterThanOrEqual(2);
  });

  it.fails('creates one account for two tabs of a browser that has no id yet, opened at once', async () => {
    const { tabs } = await openTwoTabsWithoutAnId('two_fresh_tabs');

    expect(tabs.map((tab) => tab.status)).toEqual([302, 302]);
    expect(new Set(tabs.map((tab) => accountOfLink(locationOf(tab)))).size).toBe(1);
    expect(await recordsOf('two_fresh_tabs')).toHaveLength(1);
  });

  it('reuses the recorded account on the next click when Stripe failed between creating it and its link', async () => {
    const creates = createCalls();
    // The SDK retries a 500 once: both attempts fail.
    stack.emulator.injectFault({ method: 'POST', path: '/v1/account_links', mode: 'server_error', times: 2 });

    const browser = new TestBrowser();
    const failed = await start('unlucky', 'standard', browser);

    expect(failed.status).toBe(502);
    expect(await errorPageCode(failed)).toBe('stripe_unavailable');
    const [record] = await recordsOf('unlucky');
    expect(record).toMatchObject({ connection: 'created', type: 'standard' });

    // The error page carried the browser's binding, so its next click continues the recorded account.
    const retried = await start('unlucky', 'standard', browser);

    expect(retried.status).toBe(302);
    expect(accountOfLink(locationOf(retried))).toBe(record?.accountId);
    expect(createCalls() - creates).toBe(1);
    expect(await recordsOf('unlucky')).toHaveLength(1);
  });

  it('moves past a failure Stripe saved under the account key, instead of replaying it to every click for a day', async () => {
    const creates = createCalls();
    // The endpoint started and failed: Stripe saves the 500 and replays it to that key, Should-Retry false.
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error' });

    const browser = new TestBrowser();
    const first = await start('saved_failure', 'express', browser);
    const again = await start('saved_failure', 'express', browser);

    expect(first.status).toBe(302);
    const accountId = accountOfLink(locationOf(first));
    expect(accountOfLink(locationOf(again))).toBe(accountId);
    expect((await recordsOf('saved_failure')).map((record) => record.accountId)).toEqual([accountId]);
    // The saved failure, then one create under the next key; the second click reuses the record.
    expect(createCalls() - creates).toBe(2);
  });

  // Each click during an outage leaves its failure saved under the keys it tried; every click walks the same keys, so
  // once Stripe is back the first click walks past the failures earlier clicks left (answered Idempotent-Replayed)
  // to a key that works, instead of answering 502 for the day Stripe replays them.
  it('lets the user onboard once Stripe is back, after clicks during the outage left failures saved under their keys', async () => {
    const creates = createCalls();
    // The endpoint starts and fails on every create until Stripe is back: each failure is saved under its key.
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error', times: 100 });
    const browser = new TestBrowser();
    const during = [];
    for (let click = 0; click < 3; click += 1) during.push((await start('saved_often', 'express', browser)).status);
    // The first click gave up after its own failure and one renewal; each later one walked past the keys before it
    // and gave up after one failure of its own, leaving one more key.
    expect(during).toEqual([502, 502, 502]);
    expect(createCalls() - creates).toBe(2 + 3 + 4);

    stack.emulator.clearFaults();
    const after = await start('saved_often', 'express', browser);

    expect(after.status).toBe(302);
    expect((await recordsOf('saved_often')).map((record) => record.accountId)).toEqual([
      accountOfLink(locationOf(after)),
    ]);
    // The four saved failures, replayed, then one create under the fifth key.
    expect(createCalls() - creates).toBe(2 + 3 + 4 + 5);
  });

  // stripe-node asks again under the same key when this request's answer was lost (a closed connection, retried even
  // with retries off; a timeout, with maxNetworkRetries: 1) and then gets this request's own saved failure replayed.
  // Such a replay counts as the request's own failure, not an earlier click's: the port tells how often it was sent.
  it("lets the user onboard once Stripe is back, after a click during the outage lost Stripe's answers", async () => {
    const creates = createCalls();
    // The endpoint starts and fails, its 500 saved, and the answer is lost: stripe-node asks again under the same key
    // and gets that failure replayed (Idempotent-Replayed), its own request's failure, not an earlier click's.
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error_lost', times: 100 });
    const browser = new TestBrowser();
    const during = await start('saved_lost', 'express', browser);
    expect(during.status).toBe(502);
    // Its own failure and one renewal, as when the answers arrive: two keys, each asked twice.
    expect(createCalls() - creates).toBe(2 * 2);

    stack.emulator.clearFaults();
    const after = await start('saved_lost', 'express', browser);

    expect(after.status).toBe(302);
    expect((await recordsOf('saved_lost')).map((record) => record.accountId)).toEqual([
      accountOfLink(locationOf(after)),
    ]);
  });

  // A user told to try again may well click five times during one outage: each click after the first leaves one more
  // failed key, and a click walks past up to 16.
  it('lets the user onboard once Stripe is back, after five clicks during the outage', async () => {
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error', times: 100 });
    const browser = new TestBrowser();
    const during = [];
    for (let click = 0; click < 5; click += 1) during.push((await start('saved_five', 'express', browser)).status);
    expect(during).toEqual([502, 502, 502, 502, 502]);

    stack.emulator.clearFaults();
    const after = await start('saved_five', 'express', browser);

    expect(after.status).toBe(302);
  });

  it('tells a user whose earlier clicks left more failed keys than a click walks to come back later, not to retry now', async () => {
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error', times: 1000 });
    const browser = new TestBrowser();
    // Sixteen clicks during the outage leave seventeen failed keys, one more than a click walks past.
    for (let click = 0; click < 16; click += 1) await start('saved_many', 'express', browser);
    stack.emulator.clearFaults();
    const creates = createCalls();

    const after = await start('saved_many', 'express', browser);

    // Stripe replays those failures for a day: a 5xx would say to try again in a moment.
    expect(after.status).toBe(409);
    const page = await after.text();
    expect(page).toContain('try again later');
    expect(page).not.toContain('in a moment');
    // It walked past the sixteen keys it may, and asked under the seventeenth once.
    expect(createCalls() - creates).toBe(16 + 1);
    expect(await recordsOf('saved_many')).toEqual([]);
  });

  it('waits once for another request that holds the account key, then gets its account, instead of a 502', async () => {
    const creates = createCalls();
    // Stripe's 409 idempotency_key_in_use, to stripe-node's own retry as well.
    stack.emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'key_in_use', times: 2 });

    const response = await start('key_in_use', 'express');

    expect(response.status).toBe(302);
    expect((await recordsOf('key_in_use')).map((record) => record.accountId)).toEqual([
      accountOfLink(locationOf(response)),
    ]);
    expect(createCalls() - creates).toBe(3);
  });

  it('continues the unfinished account on a second click rather than creating another', async () => {
    const browser = new TestBrowser();
    const first = accountOfLink(locationOf(await start('second_click', 'express', browser)));
    const creates = createCalls();

    const second = accountOfLink(locationOf(await start('second_click', 'express', browser)));

    expect(second).toBe(first);
    expect(createCalls()).toBe(creates);
  });

  it('continues it for the browser that started it by the id it keeps, when the binding cookie is gone', async () => {
    const browser = new TestBrowser();
    const first = accountOfLink(locationOf(await start('lost_binding', 'express', browser)));
    const binding = browser.cookie(onboardingCookieName(first));
    browser.deleteCookie(onboardingCookieName(first));
    const creates = createCalls();

    const second = accountOfLink(locationOf(await start('lost_binding', 'express', browser)));

    expect(second).toBe(first);
    expect(createCalls()).toBe(creates);
    expect(browser.cookie(onboardingCookieName(first))).toBe(binding);
  });

  it('starts no more than 5 unfinished accounts for one ticket, however many browsers click it at once', async () => {
    const user = 'burst_clicker';
    const browsers = Array.from({ length: 12 }, () => new TestBrowser());
    // Each browser first gets its id, so that all twelve clicks below go to Stripe at once.
    for (const browser of browsers) {
      await browser.get(`${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await as(user)}`);
    }

    const answers = await Promise.all(browsers.map((browser) => start(user, 'express', browser)));

    const started = answers
      .filter((answer) => answer.status === 302)
      .map((answer) => accountOfLink(locationOf(answer)));
    expect(new Set(started).size).toBe(started.length);
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(started.length).toBeLessThanOrEqual(5);
    expect(answers.every((answer) => [302, 409, 429].includes(answer.status))).toBe(true);
    expect((await recordsOf(user)).map((record) => record.accountId).sort()).toEqual([...started].sort());
    // Stripe holds no account beyond the recorded ones for this user.
    const atStripe = stack.emulator
      .accountIds()
      .filter((id) => stack.emulator.getAccount(id)?.metadata?.platform_user_id === user);
    expect(atStripe.sort()).toEqual([...started].sort());
  });

  it('answers 429 to a sixth browser starting an account for the same user, creating nothing and setting no cookie', async () => {
    const browsers = Array.from({ length: 5 }, () => new TestBrowser());
    const started: string[] = [];
    for (const browser of browsers)
      started.push(accountOfLink(locationOf(await start('many_browsers', 'express', browser))));
    const creates = createCalls();
    const links = linkCalls();

    const refused = await start('many_browsers', 'express');

    expect(refused.status).toBe(429);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const page = await refused.text();
    expect(page).toContain('Error code: too_many_unfinished_accounts');
    expect(page).toContain('Continue one in the browser where you started it');
    // Retry-After names the minute the page names (the oldest of the five leaves the 30-day count), in seconds.
    const retryAt = Date.now() + Number(refused.headers.get('retry-after')) * 1000;
    const named = /from (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC/.exec(page);
    expect(Math.abs(retryAt - Date.parse(`${named?.[1]}T${named?.[2]}:00Z`))).toBeLessThan(60_000);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30 * 24 * 3600 - 120);
    expect([createCalls(), linkCalls()]).toEqual([creates, links]);
    expect(await recordsOf('many_browsers')).toHaveLength(5);
    // A browser that started one continues it, and the other type is counted apart.
    expect(accountOfLink(locationOf(await start('many_browsers', 'express', browsers[0])))).toBe(started[0]);
    expect((await start('many_browsers', 'standard')).status).toBe(302);
  });

  it('stops counting an unfinished account once Stripe says it was rejected; its own browser gets a new one', async () => {
    const browsers = Array.from({ length: 5 }, () => new TestBrowser());
    const started: string[] = [];
    for (const browser of browsers)
      started.push(accountOfLink(locationOf(await start('rejected_one', 'express', browser))));
    expect((await start('rejected_one', 'express')).status).toBe(429);
    // The platform rejects an abandoned one at Stripe; its account.updated says so, through the webhook.
    await stack.emulator.updateAccount(started[0] ?? '', { requirements: { disabled_reason: 'rejected.other' } });
    await stack.emulator.webhooksIdle();
    expect(await storedAccount(stack, started[0] ?? '')).toMatchObject({
      requirements: { disabledReason: 'rejected.other' },
    });

    const again = await start('rejected_one', 'express', browsers[0]);

    expect(again.status).toBe(302);
    expect(started).not.toContain(accountOfLink(locationOf(again)));
    expect(await recordsOf('rejected_one')).toHaveLength(6);
  });

  it('refuses a bad type or a missing ticket before touching Stripe', async () => {
    const creates = createCalls();
    const badType = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/onboard?type=custom&ticket=${await as('typo')}`,
    );
    const noTicket = await new TestBrowser().get(`${stack.gatewayUrl}/connect/onboard?type=express`);

    expect([badType.status, await errorPageCode(badType)]).toEqual([400, 'invalid_parameter']);
    expect([noTicket.status, await errorPageCode(noTicket)]).toEqual([401, 'missing_token']);
    expect(createCalls()).toBe(creates);
  });

  it('sends a browser without an id back to the same link with one, and tells one that keeps no cookies so', async () => {
    const creates = createCalls();
    const link = `${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await as('cookie_less')}`;

    const first = await fetch(link, { redirect: 'manual' });
    const again = locationOf(first);
    const [idCookie = ''] = first.headers.getSetCookie();
    // A browser that kept nothing follows the redirect without the cookie.
    const cookieLess = await fetch(again, { redirect: 'manual' });

    expect(first.status).toBe(302);
    expect(again.href).toBe(`${link}&cookie_check=1`);
    expect(idCookie).toMatch(
      /^__Host-connect_browser=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
    );
    expect([cookieLess.status, await errorPageCode(cookieLess)]).toEqual([400, 'cookies_required']);
    expect(createCalls()).toBe(creates);
    expect(await recordsOf('cookie_less')).toEqual([]);
    // One that keeps it goes on to Stripe.
    const keeping = await fetch(again, { redirect: 'manual', headers: { cookie: idCookie.split(';')[0] ?? '' } });
    expect(locationOf(keeping).pathname).toMatch(/^\/setup\/s\/acct_/);
  });
});

describe('the hosted onboarding and its return', () => {
  it('sends a finished owner to the success URL with the account and a confirmation; the platform confirms it', async () => {
    const finished = await onboard('finisher', 'express');

    const before = await storedAccount(stack, finished.accountId);
    expect(before).toMatchObject({ detailsSubmitted: true, confirmationHash: expect.any(String) });
    const confirmed = await confirmAccount(stack, 'finisher', finished);

    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      accountId: finished.accountId,
      connection: 'created',
      confirmation: 'confirmed',
      detailsSubmitted: true,
    });
  });

  it('announces account.connected (connection created) when the platform confirms it, not before', async () => {
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      const finished = await onboard('announced', 'standard');
      const connected = () => notices.filter((notice) => notice.type === 'account.connected');
      expect(connected()).toEqual([]);

      expect((await confirmAccount(stack, 'announced', finished)).status).toBe(200);
      expect(connected()).toEqual([
        {
          type: 'account.connected',
          accountId: finished.accountId,
          detail: {
            platformUserId: 'announced',
            type: 'standard',
            livemode: false,
            connection: 'created',
            connectedAt: expect.any(String),
          },
        },
      ]);
    } finally {
      useAccountNotices(undefined);
    }
  });

  it("takes the account.updated webhooks Stripe sends at creation and from the hosted page; the record ends at Stripe's state", async () => {
    const { accountId } = await onboard('webhooked', 'express');

    // The return stores the state it read; each event is applied too, unless it is of an earlier second
    // than the return's read (then it is older, and refused as such). Either way it is answered 200 in the end;
    // the one sent at creation may first meet no record yet, answered 503 for Stripe to retry.
    await stack.emulator.webhooksIdle();
    const deliveries = stack.emulator
      .deliveries()
      .filter((delivery) => delivery.account === accountId && delivery.type === 'account.updated');
    const attempts = [...new Set(deliveries.map((delivery) => delivery.eventId))].map((eventId) =>
      deliveries.filter((delivery) => delivery.eventId === eventId).map((delivery) => delivery.status),
    );
    const record = await storedAccount(stack, accountId);

    expect(attempts).toHaveLength(2);
    for (const statuses of attempts) expect(statuses.join(' ')).toMatch(/^(503 )*200$/);
    expect(record).toMatchObject({
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
      capabilities: { card_payments: 'active', transfers: 'active' },
      stripeStateAt: expect.any(Number),
    });
  });

  it('stores the state it read at the return, but never over a newer snapshot a webhook stored meanwhile', async () => {
    const browser = new TestBrowser();
    const link = locationOf(await start('raced_return', 'express', browser));
    const accountId = accountOfLink(link);
    const backFromStripe = await answerHostedPage(stack, link, 'submit');
    // An account.updated from a second after the return's read, stored before the return writes.
    const newer = {
      details_submitted: true,
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      requirements: { disabled_reason: 'rejected.fraud' },
    };
    const later = Date.now() + 60_000;
    expect(await storeSnapshot(accountId, newer, later)).toBe(true);

    const returned = locationOf(await browser.get(backFromStripe.href));

    expect(returned.searchParams.get('account')).toBe(accountId);
    // Stripe (the emulator) says enabled; the record keeps the newer snapshot's word.
    expect(stack.emulator.getAccount(accountId)?.charges_enabled).toBe(true);
    expect(await storedAccount(stack, accountId)).toMatchObject({
      detailsSubmitted: true,
      chargesEnabled: false,
      payoutsEnabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      stripeStateAt: Math.floor(later / 1000),
    });
  });

  it('sends an owner who saved for later to the failure URL with onboarding_incomplete; the next click continues', async () => {
    const browser = new TestBrowser();
    const link = locationOf(await start('later_owner', 'standard', browser));

    const returned = locationOf(await browser.get((await answerHostedPage(stack, link, 'later')).href));

    expect(Object.fromEntries(returned.searchParams)).toEqual({
      error: 'onboarding_incomplete',
      account: accountOfLink(link),
    });
    expect(accountOfLink(locationOf(await start('later_owner', 'standard', browser)))).toBe(accountOfLink(link));
  });

  it('mints a fresh link for the same account when a used link goes to refresh_url', async () => {
    const browser = new TestBrowser();
    const link = locationOf(await start('reopener', 'express', browser));
    await fetch(link, { redirect: 'manual' });
    const creates = createCalls();

    const reused = locationOf(await fetch(link, { redirect: 'manual' }));
    expect(reused.pathname).toBe('/connect/onboard/refresh');
    const fresh = locationOf(await browser.get(reused.href));

    expect(accountOfLink(fresh)).toBe(accountOfLink(link));
    expect(fresh.href).not.toBe(link.href);
    expect(createCalls()).toBe(creates);
    const returned = locationOf(await browser.get((await answerHostedPage(stack, fresh, 'submit')).href));
    expect(returned.searchParams.get('account')).toBe(accountOfLink(link));
  });

  it('refuses a forged or expired resume value with a page that says what to do, creating nothing', async () => {
    const link = locationOf(await start('resumer', 'express'));
    const accountId = accountOfLink(link);
    const secret = localDefaults.platformTokenSecret;
    const claims = { accountId, platformUserId: 'resumer', type: 'express' as const };
    const twoDaysAgo = Date.now() - 2 * 24 * 60 * 60 * 1000;
    const cases = [
      ['garbage', 'not-a-resume-value', 'resume_invalid'],
      [
        'signed with another key',
        await mintResumeValue(claims, 'another-secret-0123456789abcdef0123', Date.now()),
        'resume_invalid',
      ],
      [
        'for another user',
        await mintResumeValue({ ...claims, platformUserId: 'mallory' }, secret, Date.now()),
        'resume_invalid',
      ],
      ['expired', await mintResumeValue(claims, secret, twoDaysAgo), 'resume_expired'],
    ] as const;
    const links = linkCalls();
    const creates = createCalls();

    for (const [label, resume, code] of cases) {
      for (const path of ['refresh', 'return']) {
        const response = await new TestBrowser().get(`${stack.gatewayUrl}/connect/onboard/${path}?resume=${resume}`);
        expect([label, path, response.status, await errorPageCode(response)]).toEqual([label, path, 400, code]);
      }
    }
    expect(linkCalls()).toBe(links);
    expect(createCalls()).toBe(creates);
  });
});

/**
 * Mallory (`user`) starts onboarding with her own ticket, opens the hosted page and saves for later: Stripe's
 * redirect shows her a return URL of the account, which her browser may use for a day. Her next click continues
 * the account; she keeps the Stripe-hosted link from the redirect instead of opening it. A victim she sends it
 * to opens it in time and fills in their identity and bank details; Stripe sends the victim's browser back to
 * the account's return URL. Then Mallory's browser opens her own return URL again. Asserts nothing: the two
 * tests that use it say what each step gives.
 */
const liftedLinkFilledInByAVictim = async (user: string) => {
  const mallory = new TestBrowser();
  const first = locationOf(await start(user, 'express', mallory));
  const accountId = accountOfLink(first);
  const herReturnUrl = await answerHostedPage(stack, first, 'later');
  const herFirstReturn = locationOf(await mallory.get(herReturnUrl.href));
  const lifted = locationOf(await start(user, 'express', mallory));
  const victimsReturnUrl = await answerHostedPage(stack, lifted, 'submit');
  const victimsLanding = locationOf(await new TestBrowser().get(victimsReturnUrl.href));
  const hers = locationOf(await mallory.get(herReturnUrl.href));
  return {
    accountId,
    herFirstReturn,
    liftedAccountId: accountOfLink(lifted),
    victimsLanding,
    confirmation: hers.searchParams.get('confirmation'),
  };
};

describe('an onboarding link opened in another browser (flow-start account linking)', () => {
  it("opens nothing for another browser given Mallory's refresh link: no new Account Link, the platform's failure page", async () => {
    const mallory = new TestBrowser();
    const link = locationOf(await start('mallory_onboarding', 'express', mallory));
    // Mallory leaves the hosted page; Stripe's redirect carries her resume value, good for a day.
    const returnUrl = await answerHostedPage(stack, link, 'later');
    const refreshUrl = `${stack.gatewayUrl}/connect/onboard/refresh?resume=${returnUrl.searchParams.get('resume')}`;
    const links = linkCalls();

    const victim = locationOf(await new TestBrowser().get(refreshUrl));

    expect(Object.fromEntries(victim.searchParams)).toEqual({ error: 'session_mismatch' });
    expect(linkCalls()).toBe(links);
    // Her own browser still gets a fresh link for the account.
    expect(accountOfLink(locationOf(await mallory.get(refreshUrl)))).toBe(accountOfLink(link));
  });

  it("gives a victim who opens Mallory's start link an account of its own, which Mallory's browser never continues", async () => {
    const mallory = new TestBrowser();
    const victim = new TestBrowser();
    const hers = accountOfLink(locationOf(await start('mallory_start', 'express', mallory)));

    // The victim opens a start link made with Mallory's ticket, fills in their details and comes back.
    const link = locationOf(await start('mallory_start', 'express', victim));
    const victims = accountOfLink(link);
    const returned = locationOf(await victim.get((await answerHostedPage(stack, link, 'submit')).href));

    expect(victims).not.toBe(hers);
    expect(returned.searchParams.get('account')).toBe(victims);
    // Mallory's own clicks continue only the account her browser created; the victim's stays out of reach.
    expect(accountOfLink(locationOf(await start('mallory_start', 'express', mallory)))).toBe(hers);
    expect((await storedAccount(stack, victims))?.onboardingBrowsers).toEqual(
      new Set([
        createHash('sha256')
          .update(victim.cookie(onboardingCookieName(victims)) ?? '')
          .digest('base64url'),
      ]),
    );
  });

  it("never lets Mallory's browser join the victim's account by lowering her slot count with an OAuth connection", async () => {
    const mallory = new TestBrowser();
    const hers = accountOfLink(locationOf(await start('slot_mallory', 'standard', mallory)));
    const victim = new TestBrowser();
    const link = locationOf(await start('slot_mallory', 'standard', victim));
    const victims = accountOfLink(link);
    await victim.get((await answerHostedPage(stack, link, 'submit')).href);
    // Mallory connects her own pending created account through OAuth: it stops being a created account.
    await connectThroughOAuth('slot_mallory', hers);

    const next = locationOf(await start('slot_mallory', 'standard', mallory));

    // Her click never reuses the victim's slot and key: a new account, and the victim's names only the victim.
    expect([hers, victims]).not.toContain(accountOfLink(next));
    expect(((await storedAccount(stack, victims))?.onboardingBrowsers as Set<string> | undefined)?.size).toBe(1);
  });

  it('starts a new account for an owner whose slot key would give back an account they finished, not that one', async () => {
    const laptop = new TestBrowser();
    const first = accountOfLink(locationOf(await start('slot_owner', 'standard', laptop)));
    const phone = new TestBrowser();
    const link = locationOf(await start('slot_owner', 'standard', phone));
    const finished = locationOf(await phone.get((await answerHostedPage(stack, link, 'submit')).href));
    const second = accountOfLink(link);
    expect(
      (
        await confirmAccount(stack, 'slot_owner', {
          accountId: second,
          confirmation: finished.searchParams.get('confirmation') ?? '',
        })
      ).status,
    ).toBe(200);
    await connectThroughOAuth('slot_owner', first);

    const next = accountOfLink(locationOf(await start('slot_owner', 'standard', new TestBrowser())));

    expect([first, second]).not.toContain(next);
  });

  it("hands no confirmation to another browser replaying the owner's return URL, and leaves the owner's value good", async () => {
    const owner = new TestBrowser();
    const link = locationOf(await start('replayed_owner', 'express', owner));
    const returnUrl = await answerHostedPage(stack, link, 'submit');
    const ownersReturn = locationOf(await owner.get(returnUrl.href));
    const confirmation = ownersReturn.searchParams.get('confirmation') ?? '';
    const accountId = accountOfLink(link);
    const stored = await storedAccount(stack, accountId);

    const replayed = locationOf(await new TestBrowser().get(returnUrl.href));

    expect(Object.fromEntries(replayed.searchParams)).toEqual({ error: 'session_mismatch' });
    expect((await storedAccount(stack, accountId))?.confirmationHash).toBe(stored?.confirmationHash);
    expect((await confirmAccount(stack, 'replayed_owner', { accountId, confirmation })).status).toBe(200);
  });

  // Open decision (attack review, 2026-12-03): docs/security.md ("Onboarding links opened in another browser",
  // "What remains") counts this as beyond the service's reach, but the service sees it happen: Stripe sends
  // the browser that filled in the hosted page to our return URL, and a browser without the binding coming back
  // there means someone other than the starting browser completed the link. Today that arrival is answered
  // session_mismatch and forgotten, and the starting browser's return (any return URL of the account: she has
  // one from her own earlier visit to Stripe's page) still gets a confirmation. Remembering it (refusing the starting browser a confirmation once another browser came back
  // with the account's details submitted) would close this path, at a cost the product has to accept: an owner
  // who copies the Stripe link to a phone or another browser and finishes there could no longer confirm from
  // the browser they started in, and Mallory could still try to poll her return URL between the victim's
  // submit and the victim's redirect. Until that is decided the second test below is expected to fail; the first
  // pins, step by step, what happens today.
  it('today hands Mallory the confirmation of an account a victim filled in through the Stripe link she lifted (the gap the next test pins)', async () => {
    const steps = await liftedLinkFilledInByAVictim('lifting_mallory_today');

    expect(steps.herFirstReturn.searchParams.get('error')).toBe('onboarding_incomplete');
    expect(steps.liftedAccountId).toBe(steps.accountId);
    expect(Object.fromEntries(steps.victimsLanding.searchParams)).toEqual({ error: 'session_mismatch' });
    expect(steps.confirmation).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(
      (
        await confirmAccount(stack, 'lifting_mallory_today', {
          accountId: steps.accountId,
          confirmation: steps.confirmation ?? '',
        })
      ).status,
    ).toBe(200);
  });

  it.fails('gives Mallory no confirmation for an account a victim filled in through the Stripe link she lifted from her start', async () => {
    const { accountId, confirmation } = await liftedLinkFilledInByAVictim('lifting_mallory');

    expect(
      (await confirmAccount(stack, 'lifting_mallory', { accountId, confirmation: confirmation ?? '' })).status,
    ).not.toBe(200);
  });
});

describe('clicks racing to the same account (the accounts store on DynamoDB Local)', () => {
  it("gives the account back to any later click of the browser that created it, and never to another browser's", async () => {
    const accounts = createAccountsRepo(createDocumentClient(), stack.tables.accounts);
    const begun = Date.now() - 60_000;
    const click = (browserHash: string, at: number): NewCreatedAccount => ({
      accountId: 'acct_racewindow0001',
      platformUserId: 'window_racer',
      type: 'express',
      livemode: false,
      onboardingSlot: 0,
      confirmationHash: 'c'.repeat(64),
      browserHash,
      at,
    });

    expect(await accounts.putCreated(click('first', begun))).toMatchObject({ ok: true });
    // A double click, a slow first click (Stripe's timeout, a retry), a reload a minute later: the same binding.
    expect(await accounts.putCreated(click('first', begun + 60_000))).toMatchObject({
      ok: true,
      record: { onboardingBrowsers: new Set(['first']) },
    });
    // Another browser's click that Stripe answered with the same account, even at the same moment: the next slot.
    expect(await accounts.putCreated(click('other', begun))).toEqual({
      ok: false,
      reason: 'slot_taken',
      holder: expect.objectContaining({ accountId: 'acct_racewindow0001', onboardingBrowsers: new Set(['first']) }),
    });
  });

  // The race an attack review found on 2026-12-03 (docs/security.md, "Onboarding links opened in another browser"):
  // a page of Mallory's sends the victim's browser to her start link and she clicks it at the same moment. Both
  // get the slot's account from Stripe, but its record takes only the browser that wrote it (a binding only that
  // browser computes), so the other moves on to an account of its own, and her browser never gets a confirmation
  // for the one the victim fills in.
  it("gives a victim's browser sent to Mallory's start link as she clicks it an account of its own, which her browser never confirms", async () => {
    const mallory = new TestBrowser();
    const victim = new TestBrowser();
    const [victimsStart, hersStart] = await Promise.all([
      start('racing_mallory', 'express', victim),
      start('racing_mallory', 'express', mallory),
    ]);
    const victimsAccount = accountOfLink(locationOf(victimsStart));
    const hersAccount = accountOfLink(locationOf(hersStart));
    expect(victimsAccount).not.toBe(hersAccount);
    // The victim fills in their details and comes back: their own browser is handed a value, which their own
    // platform session cannot use (the account is Mallory's user's).
    const victimsReturnUrl = await answerHostedPage(stack, locationOf(victimsStart), 'submit');
    expect(locationOf(await victim.get(victimsReturnUrl.href)).searchParams.get('confirmation')).toMatch(
      /^[A-Za-z0-9_-]{22}$/,
    );

    // Mallory's own account is unfinished, the victim's return URL is not her browser's, and her next click goes
    // on with her own account.
    const herReturnUrl = await answerHostedPage(stack, locationOf(hersStart), 'later');
    expect(locationOf(await mallory.get(herReturnUrl.href)).searchParams.get('error')).toBe('onboarding_incomplete');
    expect(Object.fromEntries(locationOf(await mallory.get(victimsReturnUrl.href)).searchParams)).toEqual({
      error: 'session_mismatch',
    });
    expect(accountOfLink(locationOf(await start('racing_mallory', 'express', mallory)))).toBe(hersAccount);
  });
});

describe('a created account on the platform API', () => {
  it('is 409 on deauthorize, with what to do instead, and stays connected', async () => {
    const accountId = await onboardAndConfirm('disconnector', 'standard');
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/deauthorize`, await as('disconnector'));

    expect(result).toMatchObject({
      status: 409,
      body: apiError(
        'conflict_error',
        'created_account_not_disconnectable',
        `${accountId} was created by the platform, and Stripe does not let a platform disconnect an account it created. To stop working with it, reject it from the Stripe Dashboard or with POST /v1/accounts/${accountId}/reject (https://docs.stripe.com/api/account/reject); its owner can also close it.`,
      ),
    });
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls);
    expect((await storedAccount(stack, accountId))?.status).toBe('connected');
  });

  it('is the same 409 once its owner has also connected it through OAuth, still without asking Stripe, and still gets onboarding links', async () => {
    // Onboarded but not yet confirmed, then connected through OAuth: the record becomes an OAuth connection.
    const { accountId } = await onboard('oauth_disconnector', 'standard');
    const confirmation = await connectThroughOAuth('oauth_disconnector', accountId);
    expect((await confirmAccount(stack, 'oauth_disconnector', { accountId, confirmation })).status).toBe(200);
    const record = await callApi(stack, 'GET', `/accounts/${accountId}`, await as('oauth_disconnector'));
    expect(record.body).toMatchObject({ connection: 'oauth', type: 'standard', status: 'connected' });
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/deauthorize`, await as('oauth_disconnector'));

    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({ error: { code: 'created_account_not_disconnectable' } });
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls);
    expect((await storedAccount(stack, accountId))?.status).toBe('connected');
    // The platform still controls it, so it may still send its owner through Stripe's onboarding.
    const link = await callApi(stack, 'POST', `/accounts/${accountId}/account_links`, await as('oauth_disconnector'), {
      type: 'account_onboarding',
    });
    expect(link).toMatchObject({ status: 200, body: { object: 'account_link' } });
  });

  it('has a working Express Dashboard login link once finished and confirmed', async () => {
    const accountId = await onboardAndConfirm('express_owner', 'express');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/login_links`, await as('express_owner'));

    expect(result.status).toBe(200);
    const opened = await fetch(String(result.body.url), { redirect: 'manual' });
    expect(opened.status).toBe(200);
  });

  it('shows in the account record how it came', async () => {
    const accountId = await onboardAndConfirm('reader', 'express');
    // The hosted page's account.updated may still be on its way: compare the view with a record it will not change.
    await stack.emulator.webhooksIdle();

    const result = await callApi(stack, 'GET', `/accounts/${accountId}`, await as('reader'));

    expect(result.status).toBe(200);
    expect(result.body).toEqual(viewOf((await storedAccount(stack, accountId)) ?? {}));
    expect(result.body).toMatchObject({ connection: 'created', type: 'express', scope: 'express' });
  });
});

describe('POST /accounts/{accountId}/account_links', () => {
  it("answers Stripe's account_link object for the owner, a link for the same account", async () => {
    const accountId = await onboardAndConfirm('linker', 'standard');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/account_links`, await as('linker'), {
      type: 'account_onboarding',
      collect: 'eventually_due',
    });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      object: 'account_link',
      url: expect.stringMatching(`^${stack.emulator.url}/setup/s/${accountId}/`),
      created: expect.any(Number),
      expires_at: Number(result.body.created) + 300,
    });
  });

  it('refuses another user (403), a pending account (409) and bad bodies (400)', async () => {
    const accountId = await onboardAndConfirm('link_owner', 'express');
    const pending = accountOfLink(locationOf(await start('link_owner', 'standard')));
    const token = await as('link_owner');
    const links = linkCalls();
    const post = (id: string, body: unknown, bearer = token) =>
      callApi(stack, 'POST', `/accounts/${id}/account_links`, bearer, body);

    expect(await post(accountId, { type: 'account_onboarding' }, await as('mallory'))).toMatchObject({
      status: 403,
      body: { error: { code: 'not_your_account' } },
    });
    expect(await post(pending, { type: 'account_onboarding' })).toMatchObject({
      status: 409,
      body: { error: { code: 'confirmation_pending' } },
    });
    expect(await post(accountId, { type: 'account_update' })).toMatchObject({
      status: 400,
      body: { error: { code: 'account_update_unavailable' } },
    });
    expect(await post(accountId, { type: 'account_onboarding', colour: 'blue' })).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'unknown_field',
        'The request body has a field this route does not take (it takes: type, collect).',
      ),
    });
    expect(await post(accountId, 'not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body' } },
    });
    expect(linkCalls()).toBe(links);
  });
});

describe('POST /accounts/{accountId}/account_sessions', () => {
  it("answers Stripe's account_session object for the owner", async () => {
    const accountId = await onboardAndConfirm('embedder', 'express');

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/account_sessions`, await as('embedder'), {
      components: { account_onboarding: { enabled: true } },
    });

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      object: 'account_session',
      account: accountId,
      client_secret: expect.any(String),
      expires_at: expect.any(Number),
      livemode: false,
      components: { account_onboarding: { enabled: true } },
    });
  });

  it('refuses another user (403) and components Stripe does not document (400)', async () => {
    const accountId = await onboardAndConfirm('session_owner', 'express');
    const post = async (body: unknown, user = 'session_owner') =>
      callApi(stack, 'POST', `/accounts/${accountId}/account_sessions`, await as(user), body);

    expect(await post({ components: { account_onboarding: { enabled: true } } }, 'mallory')).toMatchObject({
      status: 403,
      body: { error: { code: 'not_your_account' } },
    });
    expect(await post({ components: { wallet: { enabled: true } } })).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'invalid_components',
        'components names a component Stripe does not document (see https://docs.stripe.com/connect/supported-embedded-components).',
      ),
    });
    expect(await post({})).toMatchObject({ status: 400, body: { error: { code: 'invalid_components' } } });
  });

  it('gives no session for an account its user started but has not finished: embedded onboarding comes after the hosted one', async () => {
    // An account comes to exist here only through a browser's click on /connect/onboard, and it stays pending
    // until the hosted onboarding's return hands out a confirmation that the platform presents. So the first
    // onboarding of every account goes through a Stripe-hosted link (docs/security.md, "What remains").
    const accountId = accountOfLink(locationOf(await start('embedded_first', 'express')));

    const result = await callApi(stack, 'POST', `/accounts/${accountId}/account_sessions`, await as('embedded_first'), {
      components: { account_onboarding: { enabled: true } },
    });

    expect(result).toMatchObject({ status: 409, body: { error: { code: 'confirmation_pending' } } });
  });
});
