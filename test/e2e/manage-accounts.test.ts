import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, storedAccountsOf, useE2eSession } from '../support/e2e-browser';
import { accountRow, connectThroughDemo, listedStatus, openDemo } from '../support/e2e-flows';

const e2e = useE2eSession();
let page: Page;

describe('e2e: managing connected accounts from the demo platform', () => {
  it("opens an Express account's dashboard: the button lands on Stripe's Express dashboard for that account", async () => {
    page = await e2e.newPage();
    const accountId = await connectThroughDemo(page, e2e.stack, 'e2e_dashboard', 'express');
    await openDemo(page, e2e.stack, 'e2e_dashboard');
    expect(await listedStatus(page, accountId)).toBe('connected');

    await Promise.all([
      page.waitForURL(`${e2e.stack.emulator.url}/express/login/**`),
      accountRow(page, accountId).locator('[data-action="dashboard"]').click(),
    ]);

    expect(await page.locator('h1').textContent()).toBe(`Express dashboard for ${accountId}`);
    expect(e2e.stack.emulator.requestLog()).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `/v1/accounts/${accountId}/login_links` }),
    );
    await saveScreenshot(page, 'express-dashboard');
  });

  it('disconnects a Standard account: deauthorized at Stripe, in the record, and on the page', async () => {
    page = await e2e.newPage();
    const accountId = await connectThroughDemo(page, e2e.stack, 'e2e_disconnect', 'standard');
    await openDemo(page, e2e.stack, 'e2e_disconnect');
    expect(await listedStatus(page, accountId)).toBe('connected');

    await Promise.all([
      page.waitForURL(/\/\?user=e2e_disconnect&disconnected=1&account=/),
      accountRow(page, accountId).locator('[data-action="disconnect"]').click(),
    ]);

    expect(await page.locator('#flash').textContent()).toContain(`Disconnected ${accountId}`);
    expect(await listedStatus(page, accountId)).toBe('deauthorized');
    expect(await accountRow(page, accountId).locator('[data-action]').count()).toBe(0);
    expect(await storedAccountsOf(e2e.stack, 'e2e_disconnect')).toEqual([
      expect.objectContaining({ accountId, status: 'deauthorized', deauthorizedAt: expect.any(String) }),
    ]);
    expect(e2e.stack.emulator.requestLog()).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/oauth/deauthorize' }),
    );
    await saveScreenshot(page, 'standard-disconnected');
  });

  it('offers no Disconnect for an Express account (Stripe does not allow platforms to disconnect them)', async () => {
    page = await e2e.newPage();
    const accountId = await connectThroughDemo(page, e2e.stack, 'e2e_express_only', 'express');
    await openDemo(page, e2e.stack, 'e2e_express_only');

    expect(await listedStatus(page, accountId)).toBe('connected');
    expect(await accountRow(page, accountId).locator('[data-action="disconnect"]').count()).toBe(0);
  });
});
