/**
 * Takes the docs' screenshots against a running `npm start`: the emulator's hosted onboarding page, its
 * authorize page, and the demo page with an onboarded Express account and a Standard one connected through
 * OAuth. Run `npm start -- --in-memory`, then `npx tsx scripts/demo-screenshots.ts [http://localhost:3000]`.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchDebianChromium } from './chromium';

const base = process.argv[2] ?? 'http://localhost:3000';
const outDir = 'docs/screenshots';

const connect = async (page: Page, type: 'standard' | 'express', screenshot?: string): Promise<void> => {
  await page.goto(`${base}/`);
  await page.click(`#connect-${type}`);
  await page.locator('#authorize').waitFor();
  if (screenshot) await page.screenshot({ path: screenshot });
  await Promise.all([page.waitForURL('**/local/connected?**'), page.click('#authorize')]);
};

const onboard = async (page: Page, type: 'standard' | 'express', screenshot?: string): Promise<void> => {
  await page.goto(`${base}/`);
  await page.click(`#onboard-${type}`);
  await page.locator('#submit').waitFor();
  if (screenshot) await page.screenshot({ path: screenshot });
  await Promise.all([page.waitForURL('**/local/connected?**'), page.click('#submit')]);
};

const main = async (): Promise<void> => {
  await mkdir(outDir, { recursive: true });
  const browser = await launchDebianChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    page.setDefaultTimeout(10_000);
    await onboard(page, 'express', `${outDir}/onboarding.png`);
    await connect(page, 'standard', `${outDir}/authorize.png`);
    await page.goto(`${base}/`);
    await page.locator('#accounts').waitFor();
    await page.screenshot({ path: `${outDir}/demo.png`, fullPage: true });
    process.stdout.write(`wrote ${outDir}/onboarding.png, ${outDir}/authorize.png and ${outDir}/demo.png\n`);
  } finally {
    await browser.close();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`demo-screenshots failed: ${(error as Error).message}\n`);
  process.exit(1);
});
