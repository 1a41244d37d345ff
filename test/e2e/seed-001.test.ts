/**
 * The examples of Stripe's "Using OAuth with Express accounts" page (prefilled business type, email
 * and country, suggested capabilities, and what happens when Stripe cannot add one) and a Standard
 * prefill, in a real browser against the whole local stack: the platform's link, Stripe's authorize
 * page, the callback, and the platform's success page, which confirms the account for its user.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { localPagePaths } from '../../local/environment';
import { callbackPath } from '../../shared/routes';
import { saveScreenshot, useE2eSession } from '../support/e2e-browser';
import { callApi, confirmAccount, settled, storedAccount, viewOf } from '../support/platform-api';

const e2e = useE2eSession();
let page: Page;

/**
 * The platform's Connect link for `user`, as its backend builds it: a fresh ticket, the extra
 * parameters of the example, and a return to the platform's success page for that user.
 */
const connectLink = async (user: string, query: string): Promise<string> => {
  const returnTo = `${e2e.stack.gatewayUrl}${localPagePaths.success}?${new URLSearchParams({ user }).toString()}`;
  const ticket = await e2e.stack.mintTicket(user);
  return `${e2e.stack.gatewayUrl}/connect/authorize?${query}&return_to=${encodeURIComponent(returnTo)}&ticket=${ticket}`;
};

/** Opens the link and waits for Stripe's (the emulator's) authorize page. */
const openAuthorizePage = async (link: string): Promise<void> => {
  await page.goto(link);
  await page.locator('#authorize').waitFor();
};

/** What the authorize page lists about the request, label by label. */
const shownDetails = async (): Promise<Record<string, string>> => {
  const labels = await page.locator('dl dt').allTextContents();
  const values = await page.locator('dl dd').allTextContents();
  return Object.fromEntries(labels.map((label, index) => [label, values[index] ?? '']));
};

/** Clicks the authorize button by its name and waits for the platform's success page; returns its URL's parameters. */
const authorize = async (): Promise<Record<string, string>> => {
  await Promise.all([
    page.waitForURL(`${e2e.stack.gatewayUrl}${localPagePaths.success}?**`),
    page.getByRole('button', { name: 'Authorize access to this account' }).click(),
  ]);
  return Object.fromEntries(new URL(page.url()).searchParams);
};

const confirmationValue = expect.stringMatching(/^[A-Za-z0-9_-]{22}$/);

/**
 * The success page has confirmed the account for its user (server side); a platform backend
 * confirming it again is answered 200, and the user's API view of it is what is stored.
 */
const expectConfirmedFor = async (
  user: string,
  accountId: string,
  confirmation: string,
): Promise<Record<string, unknown>> => {
  await settled(e2e.stack, accountId);
  const stored = (await storedAccount(e2e.stack, accountId)) ?? {};
  expect(viewOf(stored)).toMatchObject({ platformUserId: user, confirmation: 'confirmed' });
  expect(await confirmAccount(e2e.stack, user, { accountId, confirmation })).toMatchObject({
    status: 200,
    body: viewOf(stored),
  });
  const view = await callApi(e2e.stack, 'GET', `/accounts/${accountId}`, await e2e.stack.mintTicket(user));
  expect(view).toMatchObject({ status: 200, body: viewOf(stored) });
  return view.body;
};

describe('e2e: the Express OAuth examples (prefill, suggested capabilities)', () => {
  it('prefills a US company with email and suggests transfers: shown on Stripe, applied to the account, confirmed', async () => {
    const user = 'seed001_company';
    page = await e2e.newPage();
    await openAuthorizePage(
      await connectLink(
        user,
        'type=express&stripe_user[business_type]=company&stripe_user[email]=owner@company.example&stripe_user[country]=US&suggested_capabilities[]=transfers',
      ),
    );

    expect(await page.locator('#flow').textContent()).toBe('Express');
    expect(await shownDetails()).toEqual({
      Email: 'owner@company.example',
      Country: 'US',
      'Suggested capabilities': 'transfers',
      'Returns to': `${e2e.stack.gatewayUrl}${callbackPath}`,
    });
    await saveScreenshot(page, 'seed-001-authorize-prefilled');

    const success = await authorize();

    const accountId = success.account ?? '';
    expect(accountId).toMatch(/^acct_/);
    expect(success).toEqual({ user, account: accountId, confirmation: confirmationValue });
    expect(await page.locator('#outcome').textContent()).toBe('Stripe account connected');
    expect(await page.locator('#account').textContent()).toBe(accountId);
    expect(await page.locator('#capabilities-missing').count()).toBe(0);
    expect(e2e.stack.emulator.getAccount(accountId)).toMatchObject({
      type: 'express',
      business_type: 'company',
      email: 'owner@company.example',
      country: 'US',
      capabilities: { transfers: 'active' },
    });
    expect(Object.keys(e2e.stack.emulator.getAccount(accountId)?.capabilities ?? {})).toEqual(['transfers']);
    const view = await expectConfirmedFor(user, accountId, success.confirmation ?? '');
    expect(view).toMatchObject({
      accountId,
      type: 'express',
      scope: 'express',
      status: 'connected',
      capabilities: { transfers: 'active' },
    });
    expect(view).not.toHaveProperty('capabilitiesMissing');
    await saveScreenshot(page, 'seed-001-company-connected');
  });

  it('connects a BR account without card_payments when Stripe does not offer it there, and says so plainly', async () => {
    const user = 'seed001_br';
    e2e.stack.emulator.setUnavailableCapabilities('BR', ['card_payments']);
    try {
      page = await e2e.newPage();
      await openAuthorizePage(
        await connectLink(
          user,
          'type=express&stripe_user[country]=BR&suggested_capabilities[]=card_payments&suggested_capabilities[]=transfers',
        ),
      );
      expect(await shownDetails()).toMatchObject({
        Country: 'BR',
        'Suggested capabilities': 'card_payments, transfers',
      });

      const success = await authorize();

      const accountId = success.account ?? '';
      expect(success).toEqual({
        user,
        account: accountId,
        confirmation: confirmationValue,
        capabilities_missing: 'card_payments',
      });
      expect(await page.locator('#outcome').textContent()).toBe('Stripe account connected');
      expect(await page.locator('#capabilities-missing').textContent()).toBe(
        'Stripe did not enable card_payments for this account (it is not offered where the account is, or not for this kind of business). ' +
          'The platform may not be able to use the account for everything it planned.',
      );
      expect(e2e.stack.emulator.getAccount(accountId)).toMatchObject({
        country: 'BR',
        capabilities: { transfers: 'active' },
      });
      expect(Object.keys(e2e.stack.emulator.getAccount(accountId)?.capabilities ?? {})).toEqual(['transfers']);
      const view = await expectConfirmedFor(user, accountId, success.confirmation ?? '');
      expect(view).toMatchObject({
        accountId,
        status: 'connected',
        capabilities: { transfers: 'active' },
        capabilitiesMissing: ['card_payments'],
      });
      await saveScreenshot(page, 'seed-001-capabilities-missing');
    } finally {
      e2e.stack.emulator.setUnavailableCapabilities('BR', []);
    }
  });
});

describe('e2e: a Standard OAuth prefill', () => {
  it('prefills an LLC with its name, email and website: shown on Stripe, applied to the account, confirmed', async () => {
    const user = 'seed003_llc';
    page = await e2e.newPage();
    await openAuthorizePage(
      await connectLink(
        user,
        'type=standard&stripe_user[business_type]=llc&stripe_user[business_name]=Acme%20Widgets%20LLC&stripe_user[email]=founder@acme.example&stripe_user[country]=US&stripe_user[url]=https%3A%2F%2Facme.example%2Fshop',
      ),
    );

    expect(await page.locator('#flow').textContent()).toBe('Standard');
    expect(await shownDetails()).toEqual({
      Email: 'founder@acme.example',
      'Business name': 'Acme Widgets LLC',
      Country: 'US',
      Access: 'read_write',
      'Returns to': `${e2e.stack.gatewayUrl}${callbackPath}`,
    });

    const success = await authorize();

    const accountId = success.account ?? '';
    expect(success).toEqual({ user, account: accountId, confirmation: confirmationValue });
    expect(await page.locator('#outcome').textContent()).toBe('Stripe account connected');
    expect(e2e.stack.emulator.getAccount(accountId)).toMatchObject({
      type: 'standard',
      // Stripe's Account object reports an OAuth `llc` as a company.
      business_type: 'company',
      email: 'founder@acme.example',
      business_profile: { name: 'Acme Widgets LLC', url: 'https://acme.example/shop' },
    });
    expect(await expectConfirmedFor(user, accountId, success.confirmation ?? '')).toMatchObject({
      accountId,
      type: 'standard',
      scope: 'read_write',
      status: 'connected',
    });
    await saveScreenshot(page, 'seed-003-llc-connected');
  });
});
