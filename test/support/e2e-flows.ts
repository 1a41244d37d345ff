/**
 * What a person does on the demo platform, step by step, in a real browser. Every step waits for
 * the page it leads to (a selector or a URL), never for a fixed time.
 */
import type { Page } from 'playwright-core';
import type { LocalStack } from './local-stack';

export const openDemo = async (page: Page, stack: LocalStack, user: string): Promise<void> => {
  await page.goto(`${stack.gatewayUrl}/?user=${encodeURIComponent(user)}`);
  await page.locator('#user').waitFor();
};

/** Clicks a Connect button on the demo page and waits for the emulator's authorize page. */
export const startConnect = async (page: Page, type: 'standard' | 'express'): Promise<void> => {
  await page.click(`#connect-${type}`);
  await page.locator('#authorize').waitFor();
};

/** Authorizes on the emulator and waits for the local success page; returns the account id it shows. */
export const authorizeAndReturn = async (page: Page, stack: LocalStack): Promise<string> => {
  await Promise.all([page.waitForURL(`${stack.gatewayUrl}/local/connected?**`), page.click('#authorize')]);
  return (await page.locator('#account').textContent()) ?? '';
};

/** The whole happy path from the demo page; ends on the success page. */
export const connectThroughDemo = async (
  page: Page,
  stack: LocalStack,
  user: string,
  type: 'standard' | 'express',
): Promise<string> => {
  await openDemo(page, stack, user);
  await startConnect(page, type);
  return authorizeAndReturn(page, stack);
};

/** The row of an account in the demo page's table. */
export const accountRow = (page: Page, accountId: string) => page.locator(`tr[data-account="${accountId}"]`);

/**
 * The status the demo page lists for an account. When the page could not list accounts at all,
 * fails with what it says instead of waiting for a row that cannot come.
 */
export const listedStatus = async (page: Page, accountId: string): Promise<string> => {
  const status = accountRow(page, accountId).locator('[data-field="status"]');
  await status.or(page.locator('#accounts-error, #no-accounts')).first().waitFor();
  if (!(await status.isVisible()))
    throw new Error(`the demo page does not list ${accountId}: ${await page.locator('main').textContent()}`);
  return (await status.textContent()) ?? '';
};
