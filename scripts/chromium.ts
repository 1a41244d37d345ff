/**
 * How this project starts a browser: Debian's Chromium (scripts/ensure-chromium.sh installs it),
 * never a browser Playwright downloads. Used by the e2e tests and scripts/demo-screenshots.ts.
 */
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** Root needs --no-sandbox; the rest keep Chromium off the network the machine does not have. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** playwright-core gives every launch a fresh, empty user-data-dir. */
export const launchDebianChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs] });
