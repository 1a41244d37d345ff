import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, useE2eSession } from '../support/e2e-browser';
import { accountRow, listedStatus, openDemo } from '../support/e2e-flows';

const e2e = useE2eSession();
let page: Page;

type Flow = 'express' | 'standard';

/** Clicks an Onboard button on the demo page and waits for Stripe's hosted onboarding page; returns its account. */
const startOnboarding = async (type: Flow): Promise<string> => {
  await page.click(`#onboard-${type}`);
  await page.locator('#submit').waitFor();
  return (await page.locator('#account').textContent()) ?? '';
};

/** Submits the hosted page and waits for the platform's success page (which confirms server-side). */
const submitAndReturn = async (): Promise<string> => {
  await page.fill('#business_name', 'Jo Crafts');
  await Promise.all([page.waitForURL(`${e2e.stack.gatewayUrl}/local/connected?**`), page.click('#submit')]);
  expect(await page.locator('#outcome').textContent()).toBe('Stripe account connected');
  return (await page.locator('#account').textContent()) ?? '';
};

describe('e2e: onboarding a new account from the demo platform', () => {
  it('onboards an Express account: hosted page, submit, success, listed as created, its dashboard opens', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_onboard');
    const started = await startOnboarding('express');

    const accountId = await submitAndReturn();

    expect(accountId).toBe(started);
    await openDemo(page, e2e.stack, 'e2e_onboard');
    expect(await listedStatus(page, accountId)).toBe('connected');
    expect(await accountRow(page, accountId).locator('[data-field="onboarding"]').textContent()).toBe(
      'details submitted',
    );
    await Promise.all([
      page.waitForURL(`${e2e.stack.emulator.url}/express/login/**`),
      accountRow(page, accountId).locator('[data-action="dashboard"]').click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe(`Express dashboard for ${accountId}`);
    await saveScreenshot(page, 'onboarded-express');
  });

  it('sends a reused link through refresh to a fresh link for the same account, which finishes', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_reopen');
    const accountId = await startOnboarding('standard');
    const usedLink = page.url();

    await page.goto(usedLink);
    await page.locator('#submit').waitFor();

    expect(page.url()).not.toBe(usedLink);
    expect(await page.locator('#account').textContent()).toBe(accountId);
    expect(await submitAndReturn()).toBe(accountId);
  });

  it("updates a created account's details through an onboarding link that collects everything eventually due", async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_update');
    await startOnboarding('standard');
    const accountId = await submitAndReturn();
    await openDemo(page, e2e.stack, 'e2e_update');

    await accountRow(page, accountId).locator('[data-action="update"]').click();
    await page.locator('#submit').waitFor();

    expect(await page.locator('#account').textContent()).toBe(accountId);
    // A link without collect=eventually_due would collect currently_due requirements only.
    expect(await page.locator('main, body').first().textContent()).toContain('eventually_due requirements');
  });

  it('continues the unfinished account on a second click; leaving early lands on onboarding_incomplete', async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_later');
    const first = await startOnboarding('express');

    await Promise.all([page.waitForURL(`${e2e.stack.gatewayUrl}/local/failed?**`), page.click('#later')]);

    expect(await page.locator('#error').textContent()).toBe('onboarding_incomplete');
    await openDemo(page, e2e.stack, 'e2e_later');
    expect(await startOnboarding('express')).toBe(first);
    expect(await submitAndReturn()).toBe(first);
  });

  it("shows a victim who opens Mallory's refresh link the failure page, with no onboarding form", async () => {
    page = await e2e.newPage();
    await openDemo(page, e2e.stack, 'e2e_mallory');
    await startOnboarding('express');
    // Mallory leaves Stripe's page; the return URL her browser passes through carries her resume value.
    const returned = page.waitForRequest((request) => request.url().includes('/connect/onboard/return?'));
    await Promise.all([page.waitForURL(`${e2e.stack.gatewayUrl}/local/failed?**`), page.click('#later')]);
    const resume = new URL((await returned).url()).searchParams.get('resume') ?? '';

    page = await e2e.newPage();
    await page.goto(`${e2e.stack.gatewayUrl}/connect/onboard/refresh?resume=${encodeURIComponent(resume)}`);

    expect(page.url()).toBe(`${e2e.stack.gatewayUrl}/local/failed?error=session_mismatch`);
    expect(await page.locator('#reason').textContent()).toContain('was not started in this browser');
    expect(await page.locator('#submit').count()).toBe(0);
    await saveScreenshot(page, 'onboarding-other-browser');
  });
});
