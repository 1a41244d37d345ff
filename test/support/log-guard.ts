/**
 * Runs in every test file: captures the service's structured log lines (instead of printing them;
 * VERBOSE_LOGS=1 prints them too) and fails the file if any line carries a secret, an OAuth code,
 * a platform token or a state cookie. With LOG_LEVEL=debug, every line the suite produces is read.
 */
import { afterAll, expect } from 'vitest';
import { localDefaults } from '../../local/defaults';

const forbidden: readonly RegExp[] = [
  /\b(sk|rk)_(test|live)_[A-Za-z0-9]{8,}/,
  /\bwhsec_[A-Za-z0-9]{8,}/,
  /\bac_[A-Za-z0-9]{8,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  /__Host-connect_state=[A-Za-z0-9_-]{8,}/,
  /access_token|refresh_token/,
  new RegExp(localDefaults.platformTokenSecret),
];

const captured: string[] = [];
const isServiceLog = (line: string) => line.startsWith('{"level":') && line.includes('"service":');

const originalWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length > 0 && lines.every(isServiceLog)) {
    captured.push(...lines);
    if (!process.env['VERBOSE_LOGS']) return true;
  }
  return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

afterAll(() => {
  const leaks = captured.filter((line) => forbidden.some((pattern) => pattern.test(line)));
  expect(leaks, 'log lines must never carry secrets, codes, tokens or cookies').toEqual([]);
});
