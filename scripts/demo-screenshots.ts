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

/**
 * From the demo page, the button `start` leads to a page of the emulator, pictured in `screenshot`; its button
 * `finish` brings the browser back to the success page.
 */
const throughStripe = async (page: Page, start: string, finish: string, screenshot: string): Promise<void> => {
  await page.goto(`${base}/`);
  await page.click(start);
  await page.locator(finish).waitFor();
  await page.screenshot({ path: screenshot });
  await Promise.all([page.waitForURL('**/local/connected?**'), page.click(finish)]);
};

const main = async (): Promise<void> => {
  await mkdir(outDir, { recursive: true });
  const browser = await launchDebianChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    page.setDefaultTimeout(10_000);
    // An Express account onboarded on the hosted page, then a Standard one connected through OAuth.
    await throughStripe(page, '#onboard-express', '#submit', `${outDir}/onboarding.png`);
    await throughStripe(page, '#connect-standard', '#authorize', `${outDir}/authorize.png`);
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
