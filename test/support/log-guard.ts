/**
 * Runs in every test file: captures the service's structured log lines and EMF metric lines from
 * stdout and stderr (instead of printing them; VERBOSE_LOGS=1 prints them too) and fails the file
 * if any line carries a secret, an OAuth code, a platform token or a state cookie. With
 * LOG_LEVEL=debug, every line the suite produces is read. test/shared/log-guard.test.ts proves the
 * guard sees what our logger and metrics write.
 */
import { afterAll, expect } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { useLineWriter } from '../../shared/observability/stdout';

const forbidden: readonly RegExp[] = [
  /\b(sk|rk)_(test|live)_[A-Za-z0-9]{8,}/,
  /\bwhsec_[A-Za-z0-9]{8,}/,
  /\bac_[A-Za-z0-9]{8,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  /__Host-connect_state_[A-Za-z0-9_-]*=[A-Za-z0-9_-]{8,}/,
  /access_token|refresh_token/,
  new RegExp(localDefaults.platformTokenSecret),
];

const captured: string[] = [];

/** A log line (`{"level":"INFO","message":...,"service":...}`) or an EMF metric line (`{"_aws":...}`). */
export const isServiceLine = (line: string): boolean =>
  (line.startsWith('{"level":') && line.includes('"service":')) || line.startsWith('{"_aws":');

/** The lines that carry something no log may carry. */
export const findLeaks = (lines: readonly string[]): string[] =>
  lines.filter((line) => forbidden.some((pattern) => pattern.test(line)));

/** Every service line captured so far in this test file. */
export const capturedServiceLines = (): readonly string[] => captured;

const capture = (stream: NodeJS.WriteStream): void => {
  const originalWrite = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    if (lines.length > 0 && lines.every(isServiceLine)) {
      captured.push(...lines);
      if (!process.env.VERBOSE_LOGS) return true;
    }
    return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
};
// The service writes to fd 1 directly (shared/observability/stdout.ts); here through process.stdout, to be read.
useLineWriter((line) => process.stdout.write(`${line}\n`));
// Ours go to stdout; a library printing a service-shaped line might use stderr. Read both.
capture(process.stdout);
capture(process.stderr);

afterAll(() => {
  expect(findLeaks(captured), 'log lines must never carry secrets, codes, tokens or cookies').toEqual([]);
});
