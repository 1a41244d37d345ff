import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';

const capture = (level?: string) => {
  const lines: string[] = [];
  const logger = createLogger('callback', (line) => lines.push(line), level);
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
};

const restore = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

describe('createLogger', () => {
  it('writes one Powertools JSON line with the context and redacts secret-like fields at any depth', () => {
    const { logger, lines, parsed } = capture('debug');
    logger.setContext({ requestId: 'req-1' });

    logger.info('connect completed', {
      accountId: 'acct_1',
      errorCode: 'code_invalid',
      code: 'ac_secret',
      state: 'st',
      nested: {
        ticket: 'eyJ',
        authorization: 'Bearer x',
        secretKey: 'sk_live_1',
        url: 'https://connect.stripe.com/express/abc',
      },
    });

    expect(lines[0]).toMatch(/^\{"level":"INFO","message":"connect completed","service":"callback","timestamp":/);
    expect(parsed()).toEqual([
      {
        level: 'INFO',
        message: 'connect completed',
        service: 'callback',
        timestamp: expect.any(String),
        requestId: 'req-1',
        accountId: 'acct_1',
        errorCode: 'code_invalid',
        code: '[redacted]',
        state: '[redacted]',
        nested: { ticket: '[redacted]', authorization: '[redacted]', secretKey: '[redacted]', url: '[redacted]' },
      },
    ]);
  });

  it('replaces the context instead of adding to it', () => {
    const { logger, parsed } = capture();
    logger.setContext({ requestId: 'req-1', route: 'GET /a' });
    logger.setContext({ requestId: 'req-2' });
    logger.info('second');

    expect(parsed()).toEqual([
      { level: 'INFO', message: 'second', service: 'callback', timestamp: expect.any(String), requestId: 'req-2' },
    ]);
  });

  it("logs an error at ERROR with its stack frames, never the stack's first line with the unscrubbed message", () => {
    const { logger, lines, parsed } = capture();
    logger.error('failed', { error: new Error('boom for sk_test_123abc') });

    expect(parsed()[0]).toMatchObject({
      level: 'ERROR',
      error: {
        name: 'Error',
        message: 'boom for [redacted]',
        stack: expect.arrayContaining([expect.stringMatching(/^at .*test\/shared\/logger\.test\.ts:\d+:\d+\)?$/)]),
      },
    });
    expect(lines[0]).not.toContain('sk_test_123abc');
  });

  it('logs an error below ERROR (a refused request) by name and message only, never its stack', () => {
    const { logger, lines, parsed } = capture();
    logger.warn('refused', { error: new Error('boom') });

    expect(parsed()[0]).toMatchObject({ level: 'WARN', error: { name: 'Error', message: 'boom' } });
    expect(lines[0]).not.toContain('at ');
  });

  it('scrubs credentials Stripe echoes inside messages', () => {
    const { logger, parsed } = capture();
    logger.info('failed for sk_test_123abc', {
      error: new Error('Authorization code does not exist: ac_Abc123'),
      note: 'key sk_test_123abc',
    });

    expect(parsed()[0]).toMatchObject({
      message: 'failed for [redacted]',
      error: { message: 'Authorization code does not exist: [redacted]' },
      note: 'key [redacted]',
    });
  });

  it('prints "[truncated]" past six levels instead of an unredacted deep object', () => {
    const { logger, lines } = capture();
    const deep = { a: { b: { c: { d: { e: { f: { code: 'ac_deep', secretKey: 'x' } } } } } } };
    logger.info('deep', { deep });

    expect(lines[0]).toContain('[truncated]');
    expect(lines[0]).not.toContain('ac_deep');
    expect(lines[0]).not.toContain('"secretKey":"x"');
  });

  it.each([
    ['debug', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['warn', ['WARN', 'ERROR']],
    ['ERROR', ['ERROR']],
  ])('filters by level %s, in any case', (level, expected) => {
    const { logger, parsed } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(parsed().map((line) => line.level)).toEqual(expected);
  });

  it('takes the level from POWERTOOLS_LOG_LEVEL, then LOG_LEVEL', () => {
    const saved = { powertools: process.env.POWERTOOLS_LOG_LEVEL, plain: process.env.LOG_LEVEL };
    try {
      process.env.LOG_LEVEL = 'error';
      process.env.POWERTOOLS_LOG_LEVEL = 'warn';
      const fromPowertools = capture();
      fromPowertools.logger.info('i');
      fromPowertools.logger.warn('w');
      delete process.env.POWERTOOLS_LOG_LEVEL;
      const fromPlain = capture();
      fromPlain.logger.warn('w');
      fromPlain.logger.error('e');

      expect([
        fromPowertools.parsed().map((line) => line.message),
        fromPlain.parsed().map((line) => line.message),
      ]).toEqual([['w'], ['e']]);
    } finally {
      restore('LOG_LEVEL', saved.plain);
      restore('POWERTOOLS_LOG_LEVEL', saved.powertools);
    }
  });
});
