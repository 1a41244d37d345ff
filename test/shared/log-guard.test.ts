/**
 * The log guard (test/support/log-guard.ts) must read every line the service writes: a guard that
 * silently reads nothing would pass every suite. These tests write through each path the service
 * has and check the guard captured the line.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { createMetrics } from '../../shared/metrics';
import { capturedServiceLines, findLeaks, isServiceLine } from '../support/log-guard';

/** The lines the guard captured while `act` ran. */
const capturedDuring = (act: () => void): string[] => {
  const before = capturedServiceLines().length;
  act();
  return capturedServiceLines().slice(before);
};

describe('log guard', () => {
  it('captures every level our logger writes to stdout', () => {
    const lines = capturedDuring(() => {
      const logger = createLogger('guard-probe', undefined, 'debug');
      logger.debug('probe debug');
      logger.info('probe info');
      logger.warn('probe warn');
      logger.error('probe error');
    });

    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(
      ['DEBUG', 'INFO', 'WARN', 'ERROR'].map((level) =>
        expect.objectContaining({ level, service: 'guard-probe', message: `probe ${level.toLowerCase()}` }),
      ),
    );
  });

  it('captures a service line written to stderr too, where a library of ours could print one', () => {
    const lines = capturedDuring(() => {
      process.stderr.write('{"level":"ERROR","message":"probe on stderr","service":"guard-probe"}\n');
    });

    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'probe on stderr', service: 'guard-probe' }),
    ]);
  });

  it('captures the EMF lines our metrics write', () => {
    const lines = capturedDuring(() =>
      createMetrics(createLogger('guard-probe')).count('ConnectStarted', { flow: 'express' }),
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"_aws":/);
  });

  it('recognises service lines and EMF lines, nothing else', () => {
    expect(
      [
        '{"level":"INFO","message":"m","service":"s"}',
        '{"_aws":{}}',
        'plain text',
        '{"level":"INFO"}',
        '{"other":1}',
      ].map(isServiceLine),
    ).toEqual([true, true, false, false, false]);
  });

  it('flags lines that carry a secret key, a code, a token or a state cookie', () => {
    const lines = [
      '{"level":"INFO","message":"ok","service":"s","accountId":"acct_1Nv0FGQ9RKHgCVdK"}',
      '{"level":"INFO","message":"key sk_test_51Abcdefghij","service":"s"}',
      '{"level":"INFO","message":"code ac_Abcdefghij123","service":"s"}',
      '{"_aws":{},"note":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.sig"}',
      '{"level":"INFO","message":"m","service":"s","cookie":"__Host-connect_state_AbCdEfGh12345678=abcdefghijkl"}',
    ];

    expect(findLeaks(lines)).toEqual(lines.slice(1));
  });
});
