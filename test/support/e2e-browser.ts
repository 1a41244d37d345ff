/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (Playwright's own browser download does not work here), against the local stack with the demo
 * platform and the success/failure pages, as `npm start` serves them.
 */
import { mkdir } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { serveLocalPages } from '../../local/local-pages';
import { launchDebianChromium } from '../../scripts/chromium';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { type LocalStack, startLocalStack } from './local-stack';

export const screenshotDir = 'test-output/e2e';
export const viewport = { width: 1000, height: 700 } as const;

/** Fails loudly, with the installer's reason, when Chromium is missing: never a silent skip. */
export const launchChromium = async (): Promise<Browser> => {
  const problem = inject('chromiumProblem');
  if (problem) throw new Error(problem);
  return launchDebianChromium();
};

/** The whole service with the local pages; the browser must use its http://localhost URL (the registered callback). */
export const startE2eStack = (): Promise<LocalStack> => startLocalStack({ gateway: { localPages: serveLocalPages } });

/** A fresh browser profile (own cookies) per test, like a different person. */
export const newPage = async (browser: Browser): Promise<Page> => {
  const context = await browser.newContext({ viewport });
  // Under the test timeout, so a step that never happens fails with Playwright's own message.
  context.setDefaultTimeout(10_000);
  return context.newPage();
};

export interface E2eSession {
  /** The local stack, started before the file's first test. */
  readonly stack: LocalStack;
  /** A fresh browser profile (own cookies) per call, like a different person; closed after the test. */
  newPage(): Promise<Page>;
}

/**
 * One local stack and one Chromium for a test file, started together before its first test and closed
 * after its last; every page a test opens is closed after that test.
 */
export const useE2eSession = (): E2eSession => {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let open: Page[] = [];
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  });
  afterEach(async () => {
    await Promise.all(open.map((page) => page.context().close()));
    open = [];
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the e2e session has not started: use it inside a test');
    return value;
  };
  return {
    get stack() {
      return started(stack);
    },
    newPage: async () => {
      const page = await newPage(started(browser));
      open.push(page);
      return page;
    },
  };
};

/** Keeps the final page of a test for a person to look at. */
export const saveScreenshot = async (page: Page, name: string): Promise<void> => {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
};

export interface StoredAccount {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: string;
  readonly scope: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

/** Every account record the platform user owns, straight from DynamoDB. */
export const storedAccountsOf = async (stack: LocalStack, platformUserId: string): Promise<StoredAccount[]> => {
  const { Items = [] } = await createDocumentClient().send(
    new ScanCommand({
      TableName: stack.tables.accounts,
      FilterExpression: 'platformUserId = :user',
      ExpressionAttributeValues: { ':user': platformUserId },
    }),
  );
  return Items as StoredAccount[];
};
