import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** `npm run load` at a small size: its own checks are the assertions (it exits 1 when one fails). */
const smallLoad = () =>
  run(process.execPath, ['--import', 'tsx', 'load/run.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: {
      ...process.env,
      LOAD_FLOWS: '4',
      LOAD_FLOW_CONCURRENCY: '2',
      LOAD_EVENTS: '12',
      LOAD_COPIES: '2',
      LOAD_EVENT_CONCURRENCY: '4',
    },
    timeout: 120_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '' }),
  );

describe('npm run load', () => {
  it('passes its own checks on a small run: each flow once, each event applied once, each account at its newest state', async () => {
    const { code, stdout } = await smallLoad();

    expect(stdout).toContain('PASS every flow completed once (4/4 connected, 4 stored)');
    expect(stdout).toContain('PASS every event applied once or found older');
    expect(stdout).toContain('0 accounts not at their newest state');
    expect(stdout).toContain('PASS 0 errors (0)');
    expect(code).toBe(0);
  }, 120_000);
});
