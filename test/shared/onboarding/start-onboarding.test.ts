import { describe, expect, it } from 'vitest';
import { cookiesOf, StoreUnavailableError } from '../../../shared/errors';
import { browserCookieName, onboardingCookieName } from '../../../shared/http/cookies';
import { hashSecretValue } from '../../../shared/oauth/state';
import { accountIdempotencyKey, unfinishedAccountLimit } from '../../../shared/onboarding/account-settings';
import { bindingFor } from '../../../shared/onboarding/browser-binding';
import type { OnboardingAccount } from '../../../shared/onboarding/ports';
import { type ResumeClaims, verifyResumeValue } from '../../../shared/onboarding/resume-value';
import { startOnboarding } from '../../../shared/onboarding/start-onboarding';
import { mintPlatformToken } from '../../../shared/platform-token';
import { restrictedKeyRefusal } from '../../support/stripe-refusals';
import { fakeContext, stripeError, TOKEN_SECRET } from './fakes';

/** The ids of two browsers, as /connect/onboard's first answer sets them (`__Host-connect_browser`). */
const browserIds = { first: 'I'.repeat(43), other: 'J'.repeat(43) } as const;
type ClickingBrowser = keyof typeof browserIds | 'without an id';
const browserIdCookie = (browser: keyof typeof browserIds) => `${browserCookieName}=${browserIds[browser]}`;

/** The idempotency key of user_1's Express account in `slot`. */
const keyFor = (slot: number, secret = TOKEN_SECRET) => accountIdempotencyKey(secret, 'user_1', 'express', slot);

const setup = () => {
  const { accounts, stripe, metrics, context } = fakeContext();
  /** How many times a request built its Stripe client: only one that gets as far as Stripe does. */
  const clients = { built: 0 };
  /** A click in `browser` (the first unless named), which also sends `cookies`. */
  const start = async (
    query: Record<string, string>,
    cookies: readonly string[] = [],
    browser: ClickingBrowser = 'first',
  ) =>
    startOnboarding(
      {
        rawQueryString: new URLSearchParams(query).toString(),
        cookies: [...(browser === 'without an id' ? [] : [browserIdCookie(browser)]), ...cookies],
      },
      {
        ...context,
        stripe: async () => {
          clients.built += 1;
          return context.stripe();
        },
        now: Date.now(),
      },
    );
  return { accounts, stripe, metrics, start, clients };
};

/**
 * Records user_1's unfinished express account `accountId` (slot 0) as started in a browser, and returns that
 * browser's cookies.
 */
const startedIn = (
  accounts: ReturnType<typeof setup>['accounts'],
  accountId: string,
  fields: { readonly rejected?: boolean } = {},
): string[] => {
  const binding = 'B'.repeat(43);
  accounts.add({
    accountId,
    platformUserId: 'user_1',
    onboardingSlot: 0,
    browserHashes: [hashSecretValue(binding)],
    ...fields,
  });
  return [`${onboardingCookieName(accountId)}=${binding}`];
};

/** The binding a Set-Cookie of /connect/onboard holds for `accountId`: its name=value part. */
const bindingCookie = (response: { cookies?: string[] }, accountId: string): string => {
  const [cookie] = response.cookies ?? [];
  const [pair = '', ...attributes] = (cookie ?? '').split('; ');
  expect(pair.startsWith(`${onboardingCookieName(accountId)}=`)).toBe(true);
  expect(attributes).toEqual(['Max-Age=2592000', 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']);
  return pair;
};

/** The binding value a browser with id `browserId` holds for `accountId`. */
const bindingValue = (browserId: string, accountId: string) =>
  bindingFor(TOKEN_SECRET, browserId, accountId).cookie(accountId).split(';')[0]?.split('=')[1] ?? '';

/** A click in a browser whose id is `browserId` (any 43 base64url characters). */
const startOnboardingIn = (start: ReturnType<typeof setup>['start'], browserId: string, ticket: string) =>
  start({ type: 'express', ticket }, [`${browserCookieName}=${browserId}`], 'without an id');

/** The id of the `n`th of several other browsers (n < 10). */
const nthBrowser = (n: number) => `${'N'.repeat(42)}${n}`;

/** The resume value in the return_url of the link of Stripe call `index`. */
const resumeOfLink = (stripe: { calls: { args: unknown[] }[] }, index: number): Promise<ResumeClaims> => {
  const params = stripe.calls[index]?.args[0] as { return_url: string } | undefined;
  const resume = new URL(params?.return_url ?? 'https://missing.example').searchParams.get('resume');
  return verifyResumeValue(resume ?? '', { platformTokenSecret: TOKEN_SECRET }, Date.now());
};

const ticketFor = (user: string) => mintPlatformToken(user, TOKEN_SECRET);

describe('startOnboarding', () => {
  it('creates an Express account with controller properties and an idempotency key, records it, then redirects to its link', async () => {
    const { accounts, stripe, metrics, start } = setup();

    const response = await start({ type: 'express', ticket: await ticketFor('user_1') });

    expect(response).toEqual({
      statusCode: 302,
      headers: { location: 'https://connect.stripe.example/setup/s/acct_fake0001/link2' },
      cookies: [expect.any(String)],
      body: '',
    });
    expect(stripe.calls[0]).toEqual({
      method: 'createAccount',
      args: [
        {
          controller: {
            stripe_dashboard: { type: 'express' },
            fees: { payer: 'application' },
            losses: { payments: 'application' },
            requirement_collection: 'stripe',
          },
          capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
          metadata: { platform_user_id: 'user_1', onboarding_slot: '0' },
        },
        keyFor(0),
      ],
    });
    const linkParams = stripe.calls[1]?.args[0] as Record<string, string>;
    expect({ ...linkParams, refresh_url: undefined, return_url: undefined }).toEqual({
      account: 'acct_fake0001',
      type: 'account_onboarding',
      refresh_url: undefined,
      return_url: undefined,
    });
    const refresh = new URL(linkParams.refresh_url ?? '');
    const back = new URL(linkParams.return_url ?? '');
    expect([refresh.origin + refresh.pathname, back.origin + back.pathname]).toEqual([
      'https://connect.example/prod/connect/onboard/refresh',
      'https://connect.example/prod/connect/onboard/return',
    ]);
    const binding = bindingCookie(response, 'acct_fake0001').split('=')[1] ?? '';
    expect(
      await verifyResumeValue(
        refresh.searchParams.get('resume') ?? '',
        { platformTokenSecret: TOKEN_SECRET },
        Date.now(),
      ),
    ).toEqual({
      accountId: 'acct_fake0001',
      platformUserId: 'user_1',
      type: 'express',
      bindingHash: hashSecretValue(binding),
    });
    expect(accounts.writes).toBe(1);
    expect(accounts.items.get('acct_fake0001')).toMatchObject({
      platformUserId: 'user_1',
      connection: 'created',
      status: 'connected',
      detailsSubmitted: false,
    });
    expect(metrics.counted).toEqual([
      { name: 'OnboardingAccountCreated', dimension: { flow: 'express' } },
      { name: 'OnboardingStarted', dimension: { flow: 'express' } },
    ]);
  });

  it("creates Express accounts with fees and losses where the deployment's settings put them", async () => {
    const { stripe, context } = fakeContext();

    await startOnboarding(
      {
        rawQueryString: new URLSearchParams({ type: 'express', ticket: await ticketFor('user_1') }).toString(),
        cookies: [browserIdCookie('first')],
      },
      {
        ...context,
        config: { ...context.config, expressFeesPayer: 'account', expressLosses: 'stripe' },
        now: Date.now(),
      },
    );

    expect(stripe.calls[0]?.args[0]).toMatchObject({
      controller: {
        stripe_dashboard: { type: 'express' },
        fees: { payer: 'account' },
        losses: { payments: 'stripe' },
        requirement_collection: 'stripe',
      },
    });
  });

  it('creates a Standard account with the full Stripe Dashboard', async () => {
    const { stripe, start } = setup();

    await start({ type: 'standard', ticket: await ticketFor('user_1') });

    expect(stripe.calls[0]?.args[0]).toEqual({
      controller: { stripe_dashboard: { type: 'full' } },
      metadata: { platform_user_id: 'user_1', onboarding_slot: '0' },
    });
  });

  it('reuses the unfinished account on a second visit: no write, no second account, one Stripe call', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    const first = await start({ type: 'express', ticket });
    stripe.calls.length = 0;

    const again = await start({ type: 'express', ticket }, [bindingCookie(first, 'acct_fake0001')]);

    expect(again.headers.location).toMatch(/^https:\/\/connect\.stripe\.example\/setup\/s\/acct_fake0001\//);
    expect(stripe.callNames()).toEqual(['createAccountLink']);
    expect(accounts.writes).toBe(1);
  });

  it('binds the onboarding to the browser that created the account; another browser of the user gets its own', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    const first = await start({ type: 'express', ticket });
    const held = bindingCookie(first, 'acct_fake0001');
    const firstClaims = await resumeOfLink(stripe, 1);

    const sameBrowser = await start({ type: 'express', ticket }, [held]);
    const otherBrowser = await start({ type: 'express', ticket }, [], 'other');
    const forged = await start(
      { type: 'express', ticket },
      [`${browserCookieName}=${'K'.repeat(43)}`, `${held.split('=')[0]}=${'A'.repeat(43)}`],
      'without an id',
    );

    // The record names the creating browser; a second tab keeps its binding, so both tabs' links stay good.
    expect(accounts.items.get('acct_fake0001')?.browserHashes).toEqual([hashSecretValue(held.split('=')[1] ?? '')]);
    expect(firstClaims.bindingHash).toBe(hashSecretValue(held.split('=')[1] ?? ''));
    expect(bindingCookie(sameBrowser, 'acct_fake0001')).toBe(held);
    expect((await resumeOfLink(stripe, 2)).bindingHash).toBe(firstClaims.bindingHash);
    // Any other browser, even one that made up a cookie of that name, starts an account of its own.
    expect([otherBrowser, forged].map((response) => response.headers.location)).toEqual([
      expect.stringContaining('/acct_fake0002/'),
      expect.stringContaining('/acct_fake0003/'),
    ]);
    expect(bindingCookie(otherBrowser, 'acct_fake0002')).not.toBe(held);
  });

  it('lets the creating browser continue by its id when its binding cookie is gone, and by that cookie when its id changed', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    const held = bindingCookie(await start({ type: 'express', ticket }), 'acct_fake0001');
    stripe.calls.length = 0;

    // The start's answer, and the binding cookie in it, never arrived: the browser still has its id.
    const byIdAlone = await start({ type: 'express', ticket });
    // Two tabs were given an id at once, and the browser kept the other one: it still has the binding cookie.
    const byCookieAlone = await start({ type: 'express', ticket }, [held], 'other');

    expect([byIdAlone, byCookieAlone].map((response) => response.headers.location)).toEqual([
      expect.stringContaining('/acct_fake0001/'),
      expect.stringContaining('/acct_fake0001/'),
    ]);
    expect(bindingCookie(byIdAlone, 'acct_fake0001')).toBe(held);
    expect(stripe.callNames()).toEqual(['createAccountLink', 'createAccountLink']);
    expect(accounts.writes).toBe(1);
  });

  it('makes one account for several concurrent clicks (same slot, same idempotency key)', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');

    const responses = await Promise.all([1, 2, 3].map(() => start({ type: 'express', ticket })));

    expect(responses.map((response) => response.statusCode)).toEqual([302, 302, 302]);
    expect(stripe.accountsByKey.size).toBe(1);
    expect([...accounts.items.keys()]).toEqual(['acct_fake0001']);
  });

  it('loses nothing when Stripe fails between the account and its link: the next click reuses the account', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    stripe.failNext.createAccountLink = stripeError('api');

    const failed = await start({ type: 'express', ticket }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ kind: 'upstream_failed', code: 'stripe_unavailable' });
    // The error page carries the binding, so the browser's next click finds the recorded account.
    const [binding = ''] = cookiesOf(failed);
    const retried = await start({ type: 'express', ticket }, [binding.split('; ')[0] ?? '']);

    expect(retried.statusCode).toBe(302);
    expect([...accounts.items.keys()]).toEqual(['acct_fake0001']);
    expect(stripe.callNames()).toEqual(['createAccount', 'createAccountLink', 'createAccountLink']);
  });

  it('gets the same account back when the record write was lost after Stripe created it (same idempotency key)', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    const put = accounts.putCreated.bind(accounts);
    let failOnce = true;
    accounts.putCreated = async (account) => {
      if (failOnce) {
        failOnce = false;
        throw new StoreUnavailableError(new Error('down'));
      }
      return put(account);
    };

    await expect(start({ type: 'express', ticket })).rejects.toMatchObject({ kind: 'unavailable' });
    await start({ type: 'express', ticket });

    expect(stripe.accountsByKey.size).toBe(1);
    expect([...accounts.items.keys()]).toEqual(['acct_fake0001']);
  });

  it('creates a new account (next slot) once the earlier one of that type finished, and keeps types apart', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    accounts.add({ accountId: 'acct_done', platformUserId: 'user_1', detailsSubmitted: true, onboardingSlot: 0 });
    accounts.add({ accountId: 'acct_std', platformUserId: 'user_1', type: 'standard' });

    await start({ type: 'express', ticket });

    expect(stripe.calls[0]?.args[1]).toBe(keyFor(1));
    expect(accounts.items.get('acct_fake0001')?.onboardingSlot).toBe(1);
  });

  it('never continues another user\u2019s account or an OAuth-connected one', async () => {
    const { accounts, stripe, start } = setup();
    accounts.add({ accountId: 'acct_other', platformUserId: 'user_2' });
    accounts.add({ accountId: 'acct_oauth', platformUserId: 'user_1', connection: 'oauth' });

    await start({ type: 'express', ticket: await ticketFor('user_1') });

    expect(stripe.calls[1]?.args[0]).toMatchObject({ account: 'acct_fake0001' });
  });

  it('refuses a bad request before touching the store or Stripe', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');

    await expect(start({ type: 'custom', ticket })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'invalid_parameter',
      message: 'type must be standard or express.',
    });
    await expect(start({ type: 'express', ticket, colour: 'blue' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'unknown_parameter',
      message:
        'The request has a parameter that /connect/onboard does not support. Supported: type, ticket, return_to, cookie_check.',
    });
    await expect(start({ type: 'express', ticket, return_to: 'https://evil.example/x' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'invalid_return_to',
    });
    await expect(start({ type: 'express' })).rejects.toMatchObject({ kind: 'unauthenticated', code: 'missing_token' });
    expect([stripe.calls, accounts.writes]).toEqual([[], 0]);
  });

  it('carries a valid return_to inside the resume value', async () => {
    const { stripe, start } = setup();

    await start({ type: 'express', ticket: await ticketFor('user_1'), return_to: 'https://app.platform.example/done' });

    const linkParams = stripe.calls[1]?.args[0] as { return_url: string };
    const resume = new URL(linkParams.return_url).searchParams.get('resume');
    expect((await verifyResumeValue(resume ?? '', { platformTokenSecret: TOKEN_SECRET }, Date.now())).returnTo).toBe(
      'https://app.platform.example/done',
    );
  });

  it("moves to the next slot when the slot's key gives back an account an earlier click of the user recorded", async () => {
    const { accounts, stripe, start } = setup();
    // An account of the user's from slot 0 whose record no longer counts as created (e.g. written before slots were kept).
    accounts.add({ accountId: 'acct_earlier', platformUserId: 'user_1', connection: 'oauth', detailsSubmitted: true });
    stripe.accountsByKey.set(keyFor(0), 'acct_earlier');

    const response = await start({ type: 'express', ticket: await ticketFor('user_1') });

    expect(response.headers.location).toContain('/acct_fake0001/');
    expect(stripe.calls.filter((call) => call.method === 'createAccount').map((call) => call.args[1])).toEqual([
      keyFor(0),
      keyFor(1),
    ]);
    expect(accounts.items.get('acct_fake0001')).toMatchObject({ onboardingSlot: 1 });
    expect(accounts.items.get('acct_earlier')?.browserHashes).toEqual([]);
  });

  it("leaves an account another user now holds where it is when the slot's key gives it back, and takes the next slot", async () => {
    const { accounts, stripe, start } = setup();
    accounts.add({ accountId: 'acct_moved', platformUserId: 'user_2', connection: 'oauth' });
    stripe.accountsByKey.set(keyFor(0), 'acct_moved');

    const response = await start({ type: 'express', ticket: await ticketFor('user_1') });

    expect(response.headers.location).toContain('/acct_fake0001/');
    expect(accounts.items.get('acct_moved')).toMatchObject({ platformUserId: 'user_2', browserHashes: [] });
  });

  it('never shares an account between two deployments on one Stripe account that both have a user_1', async () => {
    const dev = fakeContext();
    const staging = fakeContext();
    const otherSecret = 'another-deployments-token-secret-0123456789';
    const sharedStripe = async () => dev.stripe;
    const startIn = async (deployment: typeof dev, secret: string) =>
      startOnboarding(
        {
          rawQueryString: `type=express&ticket=${await mintPlatformToken('user_1', secret)}`,
          cookies: [browserIdCookie('first')],
        },
        { ...deployment.context, secrets: { platformTokenSecret: secret }, stripe: sharedStripe, now: Date.now() },
      );

    const inDev = await startIn(dev, TOKEN_SECRET);
    const inStaging = await startIn(staging, otherSecret);

    const [devKey, stagingKey] = dev.stripe.calls
      .filter((call) => call.method === 'createAccount')
      .map((call) => call.args[1]);
    expect(devKey).toBe(keyFor(0));
    expect(stagingKey).toBe(keyFor(0, otherSecret));
    expect(stagingKey).not.toBe(devKey);
    expect(inDev.headers.location).toContain('/acct_fake0001/');
    expect(inStaging.headers.location).toContain('/acct_fake0002/');
    expect([...staging.accounts.items.keys()]).toEqual(['acct_fake0002']);
  });

  it('gives the browser of an account Stripe has since rejected a new account, in the next slot, not a dead end', async () => {
    const { accounts, stripe, start } = setup();
    const cookies = startedIn(accounts, 'acct_rejected', { rejected: true });

    const response = await start({ type: 'express', ticket: await ticketFor('user_1') }, cookies);

    expect(response.headers.location).toContain('/acct_fake0001/');
    expect(stripe.calls[0]?.args[1]).toBe(keyFor(1));
    const linkedAccounts = stripe.calls
      .filter((call) => call.method === 'createAccountLink')
      .map((call) => (call.args[0] as { account: string }).account);
    expect(linkedAccounts).toEqual(['acct_fake0001']);
    bindingCookie(response, 'acct_fake0001');
  });

  it('answers 409 (no retry helps) when Stripe refuses a link for a reused account', async () => {
    const { accounts, stripe, start } = setup();
    const cookies = startedIn(accounts, 'acct_rejected');
    stripe.failNext.createAccountLink = stripeError('invalid_request', "No such account: 'acct_rejected'");

    await expect(start({ type: 'express', ticket: await ticketFor('user_1') }, cookies)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'onboarding_unavailable',
      message:
        'Stripe no longer lets the platform onboard acct_rejected (it may have been rejected or closed). Contact the platform for help.',
    });
  });

  it("answers a platform key without the permission as the operator's problem (502), not the account's", async () => {
    const { accounts, stripe, start } = setup();
    const cookies = startedIn(accounts, 'acct_restricted');
    stripe.failNext.createAccountLink = restrictedKeyRefusal();

    await expect(start({ type: 'express', ticket: await ticketFor('user_1') }, cookies)).rejects.toMatchObject({
      kind: 'upstream_failed',
      code: 'stripe_misconfigured',
    });
  });
});

describe('the limit on unfinished accounts a user starts', () => {
  const day = 24 * 60 * 60 * 1000;

  it(`refuses a start that would make a sixth unfinished account within 30 days: 429, nothing created, no cookie`, async () => {
    const { accounts, stripe, start, clients } = setup();
    const ticket = await ticketFor('user_1');
    for (let click = 0; click < unfinishedAccountLimit; click += 1)
      await startOnboardingIn(start, nthBrowser(click), ticket);
    stripe.calls.length = 0;
    const writes = accounts.writes;
    const built = clients.built;

    const refused = await startOnboardingIn(start, nthBrowser(unfinishedAccountLimit), ticket).catch(
      (error: unknown) => error,
    );

    expect(unfinishedAccountLimit).toBe(5);
    expect(refused).toMatchObject({
      kind: 'too_many_requests',
      code: 'too_many_unfinished_accounts',
      message: expect.stringMatching(
        /^You have started 5 Express accounts in the last 30 days without finishing them\. Continue one in the browser where you started it, or start a new one from \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
      ),
    });
    expect(cookiesOf(refused)).toEqual([]);
    expect(stripe.calls).toEqual([]);
    expect(clients.built).toBe(built);
    expect(accounts.writes).toBe(writes);
    expect(accounts.items.size).toBe(5);
  });

  it('names the minute the oldest counted account stops counting, rounded up so that a click then is allowed', async () => {
    const { accounts, context } = fakeContext();
    const minute = 60_000;
    // A whole minute a few minutes ahead; the oldest account stops counting 30 seconds after it.
    const base = Math.floor((Date.now() + 5 * minute) / minute) * minute;
    for (let index = 0; index < unfinishedAccountLimit; index += 1) {
      accounts.add({
        accountId: `acct_started${index}`,
        platformUserId: 'user_1',
        onboardingSlot: index,
        connectedAt: new Date(base + 30_000 - 30 * day + index * 60 * minute).toISOString(),
      });
    }
    const startAt = async (now: number) =>
      startOnboarding(
        {
          rawQueryString: `type=express&ticket=${await mintPlatformToken('user_1', TOKEN_SECRET, 900)}`,
          cookies: [browserIdCookie('first')],
        },
        { ...context, now },
      ).catch((error: unknown) => error);
    const nextMinute = new Date(base + minute).toISOString().slice(0, 16).replace('T', ' ');

    expect(await startAt(Date.now())).toMatchObject({
      message: expect.stringContaining(`or start a new one from ${nextMinute} UTC.`),
    });
    expect(await startAt(base + minute)).toMatchObject({ statusCode: 302 });
  });

  it('still lets the browser that started an account continue it at the limit', async () => {
    const { stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    await start({ type: 'express', ticket });
    for (let click = 1; click < unfinishedAccountLimit; click += 1)
      await startOnboardingIn(start, nthBrowser(click), ticket);
    stripe.calls.length = 0;

    const again = await start({ type: 'express', ticket });

    expect(again.headers.location).toContain('/acct_fake0001/');
    expect(stripe.callNames()).toEqual(['createAccountLink']);
  });

  it('counts only unfinished accounts of that type started in the last 30 days', async () => {
    const { accounts, stripe, start } = setup();
    const unfinished = (index: number, fields: Partial<OnboardingAccount>) =>
      accounts.add({ accountId: `acct_old${index}`, platformUserId: 'user_1', onboardingSlot: index, ...fields });
    // Started 31 days ago, finished, of the other type, another user's, OAuth-connected, rejected at Stripe:
    unfinished(0, { connectedAt: new Date(Date.now() - 31 * day).toISOString() });
    unfinished(10, { rejected: true });
    unfinished(1, { detailsSubmitted: true });
    unfinished(2, { type: 'standard' });
    unfinished(3, { platformUserId: 'user_2' });
    unfinished(4, { connection: 'oauth' });
    for (let index = 5; index < 5 + unfinishedAccountLimit - 1; index += 1) unfinished(index, {});

    const fifth = await start({ type: 'express', ticket: await ticketFor('user_1') });
    const sixth = await startOnboardingIn(start, nthBrowser(1), await ticketFor('user_1')).catch(
      (error: unknown) => error,
    );

    expect(fifth.headers.location).toContain('/acct_fake0001/');
    expect(sixth).toMatchObject({ code: 'too_many_unfinished_accounts' });
    expect(stripe.callNames().filter((name) => name === 'createAccount')).toHaveLength(1);
    await expect(start({ type: 'standard', ticket: await ticketFor('user_1') })).resolves.toMatchObject({
      statusCode: 302,
    });
  });
});

describe('a browser without an id of its own', () => {
  it('is sent back to the same URL with one, and nothing is read, written or asked of Stripe', async () => {
    const { accounts, stripe, start, clients } = setup();
    const query = {
      type: 'express',
      ticket: await ticketFor('user_1'),
      return_to: 'https://app.platform.example/done',
    };

    const response = await start(query, [], 'without an id');

    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(
      `https://connect.example/prod/connect/onboard?${new URLSearchParams(query).toString()}&cookie_check=1`,
    );
    const [pair = '', ...attributes] = (response.cookies ?? []).join('').split('; ');
    expect(pair).toMatch(/^__Host-connect_browser=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(['Max-Age=2592000', 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']);
    expect([accounts.reads, accounts.writes, clients.built, stripe.calls]).toEqual([0, 0, 0, []]);
  });

  it('gets an account once it comes back with its id, and a fresh id each time it comes without one', async () => {
    const { start } = setup();
    const ticket = await ticketFor('user_1');
    const bounces = await Promise.all([1, 2].map(() => start({ type: 'express', ticket }, [], 'without an id')));
    const [idA, idB] = bounces.map((bounce) => (bounce.cookies?.[0] ?? '').split('; ')[0] ?? '');
    expect(idA).not.toBe(idB);

    const response = await start({ type: 'express', ticket, cookie_check: '1' }, [idA ?? ''], 'without an id');

    expect(response.headers.location).toContain('/acct_fake0001/');
    // Its binding to the account is the one its id gives.
    expect(bindingCookie(response, 'acct_fake0001')).toBe(
      `${onboardingCookieName('acct_fake0001')}=${bindingValue(idA?.split('=')[1] ?? '', 'acct_fake0001')}`,
    );
  });

  it('counts a malformed id as none: sent for a new one, nothing read, whatever follows it in the header', async () => {
    const { accounts, stripe, start, clients } = setup();
    const ticket = await ticketFor('user_1');
    const malformed = [
      [`${browserCookieName}=short`],
      [`${browserCookieName}=${'I'.repeat(44)}`],
      [`${browserCookieName}=${'I'.repeat(42)}=`],
      // The first of a name is read: a well-formed one after a malformed one is not.
      [`${browserCookieName}=bad`, browserIdCookie('first')],
      [`__host-connect_browser=${browserIds.first}`],
    ];

    for (const cookies of malformed) {
      const response = await start({ type: 'express', ticket }, cookies, 'without an id');
      expect(response.statusCode).toBe(302);
      expect(new URL(response.headers.location ?? '').searchParams.get('cookie_check')).toBe('1');
      expect(response.cookies?.[0]).toMatch(/^__Host-connect_browser=[A-Za-z0-9_-]{43}; /);
    }
    expect([accounts.reads, accounts.writes, clients.built, stripe.calls]).toEqual([0, 0, 0, []]);
  });

  it("sends it back to this service's own start URL whatever the query carries", async () => {
    const { start } = setup();
    const ticket = await ticketFor('user_1');
    const queries = [
      { type: 'express', ticket, return_to: 'https://app.platform.example/@evil.example' },
      { type: 'express', ticket, return_to: 'https://app.platform.example/x#//evil.example' },
      { type: 'express', ticket, return_to: `https://app.platform.example/${'a'.repeat(1500)}` },
    ];

    for (const query of queries) {
      const location = new URL((await start(query, [], 'without an id')).headers.location ?? '');
      expect([location.origin, location.pathname, location.hash]).toEqual([
        'https://connect.example',
        '/prod/connect/onboard',
        '',
      ]);
      expect(Object.fromEntries(location.searchParams)).toEqual({ ...query, cookie_check: '1' });
    }
  });

  it('is told it needs cookies when it comes back from that redirect still without one: 400, nothing read', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');

    const refused = await start({ type: 'express', ticket, cookie_check: '1' }, [], 'without an id').catch(
      (error: unknown) => error,
    );

    expect(refused).toMatchObject({
      kind: 'invalid_request',
      code: 'cookies_required',
      message:
        'This browser did not keep the cookie that ties an onboarding to it. Allow cookies for this site, then start again from the platform.',
    });
    expect(cookiesOf(refused)).toEqual([]);
    expect([accounts.reads, accounts.writes, stripe.calls]).toEqual([0, 0, []]);
  });

  it('is refused a bad ticket or a made-up cookie_check before it is sent for an id', async () => {
    const { start } = setup();
    const ticket = await ticketFor('user_1');

    await expect(start({ type: 'express' }, [], 'without an id')).rejects.toMatchObject({ code: 'missing_token' });
    await expect(start({ type: 'express', ticket, cookie_check: 'yes' }, [], 'without an id')).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'invalid_parameter',
      message: 'cookie_check is set by this service, to 1 only.',
    });
  });
});

describe('browsers clicking the same start link', () => {
  it('get an account each when two browsers click at the same moment: the second moves on to the next slot', async () => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');

    const [first, other] = await Promise.all([
      start({ type: 'express', ticket }, [], 'first'),
      start({ type: 'express', ticket }, [], 'other'),
    ]);

    // Both asked Stripe under the slot's key and got one account; the record took the first browser only.
    const keys = stripe.calls.filter((call) => call.method === 'createAccount').map((call) => call.args[1]);
    expect(keys).toEqual([keyFor(0), keyFor(0), keyFor(1)]);
    expect([first.headers.location, other.headers.location]).toEqual([
      expect.stringContaining('/acct_fake0001/'),
      expect.stringContaining('/acct_fake0002/'),
    ]);
    expect([...accounts.items.values()].map((account) => account.browserHashes)).toEqual([
      [hashSecretValue(bindingValue(browserIds.first, 'acct_fake0001'))],
      [hashSecretValue(bindingValue(browserIds.other, 'acct_fake0002'))],
    ]);
  });

  it.each([
    ['never start more than the limit of unfinished accounts, however many browsers click at once', 'up to date'],
    [
      'holds that limit while the index behind the user\u2019s list still shows none of the burst\u2019s accounts',
      'lagging',
    ],
  ] as const)('%s', async (_title, list) => {
    const { accounts, stripe, start } = setup();
    const ticket = await ticketFor('user_1');
    for (let index = 0; index < unfinishedAccountLimit - 1; index += 1) {
      accounts.add({ accountId: `acct_started${index}`, platformUserId: 'user_1', onboardingSlot: index });
    }
    if (list === 'lagging') {
      // The list is a query of a global secondary index, which DynamoDB updates a moment after each write and
      // cannot read consistently: for the whole burst it answers as it did before.
      const beforeTheBurst = await accounts.listCreated('user_1', 'express');
      accounts.listCreated = async () => beforeTheBurst;
    }
    const ids = Array.from({ length: 8 }, (_, index) => nthBrowser(index));

    const answers = await Promise.all(
      ids.map((id) =>
        startOnboardingIn(start, id, ticket).then(
          (response) => response.statusCode,
          (error: { code?: string }) => error.code,
        ),
      ),
    );

    expect(answers.filter((answer) => answer === 302)).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'too_many_unfinished_accounts')).toHaveLength(ids.length - 1);
    expect(accounts.items.size).toBe(unfinishedAccountLimit);
    expect(new Set(stripe.accountsByKey.values()).size).toBe(1);
  });
});

describe('/connect/onboard during a roll of the platform token secret', () => {
  const rolledTo = 'the-new-platform-token-secret-after-the-roll';
  const unrelated = 'a-secret-neither-current-nor-previous-0123';

  /** A click of the browser with id `browserId`, also sending `cookies`, to a deployment whose secrets are `secrets`. */
  const clickWith = async (
    deployment: ReturnType<typeof fakeContext>,
    secrets: { platformTokenSecret: string; previousPlatformTokenSecret?: string },
    ticketSecret: string,
    cookies: readonly string[] = [],
    browserId: string = browserIds.first,
  ) =>
    startOnboarding(
      {
        rawQueryString: `type=express&ticket=${await mintPlatformToken('user_1', ticketSecret)}`,
        cookies: [`${browserCookieName}=${browserId}`, ...cookies],
      },
      { ...deployment.context, secrets, now: Date.now() },
    );

  it('continues an account the browser started before the roll, found by its id alone, with its old binding', async () => {
    const deployment = fakeContext();
    const held = bindingCookie(
      await clickWith(deployment, { platformTokenSecret: TOKEN_SECRET }, TOKEN_SECRET),
      'acct_fake0001',
    );
    deployment.stripe.calls.length = 0;

    // The binding cookie is gone; the browser's id derives the binding again, with the previous secret.
    const afterTheRoll = await clickWith(
      deployment,
      { platformTokenSecret: rolledTo, previousPlatformTokenSecret: TOKEN_SECRET },
      TOKEN_SECRET,
    );

    expect(afterTheRoll.headers.location).toContain('/acct_fake0001/');
    expect(bindingCookie(afterTheRoll, 'acct_fake0001')).toBe(held);
    expect(deployment.stripe.callNames()).toEqual(['createAccountLink']);
    expect(deployment.accounts.writes).toBe(1);
  });

  it('gives that browser an account of its own when the previous secret set is not the one the binding was made with', async () => {
    const deployment = fakeContext();
    await clickWith(deployment, { platformTokenSecret: TOKEN_SECRET }, TOKEN_SECRET);

    const afterTheRoll = await clickWith(
      deployment,
      { platformTokenSecret: rolledTo, previousPlatformTokenSecret: unrelated },
      rolledTo,
    );

    expect(afterTheRoll.headers.location).toContain('/acct_fake0002/');
  });

  it('makes a new account’s idempotency key, binding and resume value with the new secret only', async () => {
    const deployment = fakeContext();
    const duringTheRoll = { platformTokenSecret: rolledTo, previousPlatformTokenSecret: TOKEN_SECRET };

    const response = await clickWith(deployment, duringTheRoll, rolledTo, [], browserIds.other);

    const [create] = deployment.stripe.calls;
    expect(create?.args[1]).toBe(keyFor(0, rolledTo));
    const binding = bindingFor(rolledTo, browserIds.other, 'acct_fake0001');
    expect(response.cookies).toEqual([binding.cookie('acct_fake0001')]);
    expect(deployment.accounts.items.get('acct_fake0001')?.browserHashes).toEqual([binding.hash]);
    const link = deployment.stripe.calls[1]?.args[0] as { return_url: string };
    const value = new URL(link.return_url).searchParams.get('resume') ?? '';
    expect(await verifyResumeValue(value, { platformTokenSecret: rolledTo }, Date.now())).toMatchObject({
      accountId: 'acct_fake0001',
      bindingHash: binding.hash,
    });
    await expect(verifyResumeValue(value, { platformTokenSecret: TOKEN_SECRET }, Date.now())).rejects.toMatchObject({
      code: 'resume_invalid',
    });
  });
});
