/**
 * Vitest global setup for the end-to-end tests: makes sure Debian's Chromium is on the machine
 * (scripts/ensure-chromium.sh installs it with apt-get on a fresh CI machine). A failed install
 * does not stop the other tests; the e2e tests then fail with the reason (see e2e-browser.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { chromiumPath } from '../../scripts/chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when Chromium is ready; otherwise why it is not. */
    chromiumProblem: string;
  }
}

const installer = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));

const ensureChromium = (): string => {
  if (existsSync(chromiumPath)) return '';
  const result = spawnSync('bash', [installer], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  });
  process.stderr.write(result.stderr ?? '');
  if (result.status === 0 && existsSync(chromiumPath)) return '';
  const detail =
    (result.stderr ?? '').trim().split('\n').slice(-3).join(' ') || result.error?.message || `exit ${result.status}`;
  return `Chromium is not installed at ${chromiumPath} and scripts/ensure-chromium.sh could not install it (${detail}). Install it with 'apt-get install chromium' and run the tests again.`;
};

export default function setup(project: TestProject): void {
  project.provide('chromiumProblem', ensureChromium());
}
