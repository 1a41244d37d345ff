import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, storedAccountsOf, useE2eSession } from '../support/e2e-browser';
import {
  accountRow,
  authorizeAndReturn,
  connectThroughDemo,
  listedStatus,
  openDemo,
  startConnect,
} from '../support/e2e-flows';

const e2e = useE2eSession();
let page: Page;

describe('e2e: connecting a Stripe account from the demo platform', () => {
  it('connects a Standard account: the success page names it and the demo lists it as connected', async () => {
    page = await e2e.newPage();

    const accountId = await connectThroughDemo(page, e2e.stack, 'e2e_standard', 'standard');

    expect(accountId).toMatch(/^acct_/);
    expect(await page.locator('#outcome').textContent()).toBe('Stripe account connected');
    expect(await storedAccountsOf(e2e.stack, 'e2e_standard')).toEqual([
      expect.objectContaining({
        accountId,
        platformUserId: 'e2e_standard',
        type: 'standard',
        scope: 'read_write',
        status: 'connected',
        livemode: false,
      }),
    ]);
    await Promise.all([page.waitForURL(`${e2e.stack.gatewayUrl}/?user=e2e_standard`), page.click('#back')]);
    expect(await listedStatus(page, accountId)).toBe('connected');
    await saveScreenshot(page, 'standard-connected');
  });

  it('connects an Express account: the authorize page says Express and the demo offers its dashboard', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_express');
    await startConnect(page, 'express');
    expect(await page.locator('#flow').textContent()).toBe('Express');

    const accountId = await authorizeAndReturn(page, e2e.stack);

    expect(await page.locator('#account').textContent()).toBe(accountId);
    expect(await storedAccountsOf(e2e.stack, 'e2e_express')).toEqual([
      expect.objectContaining({
        accountId,
        platformUserId: 'e2e_express',
        type: 'express',
        scope: 'express',
        status: 'connected',
      }),
    ]);
    await saveScreenshot(page, 'express-connected');
    await openDemo(page, e2e.stack, 'e2e_express');
    expect(await listedStatus(page, accountId)).toBe('connected');
    expect(await accountRow(page, accountId).locator('[data-action="dashboard"]').textContent()).toBe(
      'Open Express dashboard',
    );
  });

  it('shows why nothing was connected when the user denies access on Stripe', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_deny');
    await startConnect(page, 'standard');

    await Promise.all([page.waitForURL(`${e2e.stack.gatewayUrl}/local/failed?**`), page.click('#deny')]);

    expect(await page.locator('#error').textContent()).toBe('access_denied');
    expect(await page.locator('#reason').textContent()).toContain('You chose not to connect your Stripe account');
    expect(await storedAccountsOf(e2e.stack, 'e2e_deny')).toEqual([]);
    await saveScreenshot(page, 'denied');
  });

  it('refuses a callback link made in another browser (login CSRF) and explains it, storing nothing', async () => {
    // The attacker starts a flow in their own browser and authorizes with their own Stripe account...
    const attacker = await e2e.newPage();
    await openDemo(attacker, e2e.stack, 'e2e_attacker');
    await startConnect(attacker, 'standard');
    const forgedCallback = await e2e.stack.emulator.decide(attacker.url(), 'allow');
    await attacker.context().close();
    // ...then sends the callback link to the victim, who is in the middle of a flow of their own.
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_victim');
    await startConnect(page, 'standard');

    await page.goto(forgedCallback);

    expect(page.url()).toBe(`${e2e.stack.gatewayUrl}/local/failed?error=session_mismatch`);
    expect(await page.locator('#reason').textContent()).toContain(
      'This connection or onboarding was not started in this browser',
    );
    expect(await page.locator('#next').textContent()).toContain('Nothing was added to your accounts here');
    expect(await storedAccountsOf(e2e.stack, 'e2e_victim')).toEqual([]);
    expect(await storedAccountsOf(e2e.stack, 'e2e_attacker')).toEqual([]);
    await saveScreenshot(page, 'forged-state');
  });

  it('refuses a callback whose state was never minted, even in a browser with a flow of its own under way', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_madeup');
    await startConnect(page, 'standard');

    await page.goto(`${e2e.stack.gatewayUrl}/connect/callback?code=ac_madeup&state=${'A'.repeat(43)}`);

    // No cookie of this browser is named by that state: the flow under way has its own.
    expect(page.url()).toBe(`${e2e.stack.gatewayUrl}/local/failed?error=session_mismatch`);
    expect(await page.locator('#outcome').textContent()).toBe('Stripe account not connected');
    expect(await page.locator('#reason').textContent()).toContain('not started in this browser');
    expect(await storedAccountsOf(e2e.stack, 'e2e_madeup')).toEqual([]);
    await saveScreenshot(page, 'made-up-state');
  });
});
