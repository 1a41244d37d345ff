import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';

describe('createLogger', () => {
  it('writes one JSON line with the context and redacts secret-like fields at any depth', () => {
    const lines: string[] = [];
    const logger = createLogger('callback', (line) => lines.push(line), 'debug');
    logger.setContext({ requestId: 'req-1' });

    logger.info('connect completed', {
      accountId: 'acct_1',
      errorCode: 'code_invalid',
      code: 'ac_secret',
      state: 'st',
      nested: { ticket: 'eyJ', authorization: 'Bearer x', secretKey: 'sk_live_1', url: 'https://connect.stripe.com/express/abc' },
    });

    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        level: 'info',
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

  it('logs errors by name and message only, never their stack', () => {
    const lines: string[] = [];
    createLogger('x', (line) => lines.push(line)).error('failed', { error: new Error('boom') });

    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ error: { name: 'Error', message: 'boom' } });
    expect(lines[0]).not.toContain('at ');
  });

  it('scrubs credentials Stripe echoes inside messages', () => {
    const lines: string[] = [];
    createLogger('x', (line) => lines.push(line)).info('failed', { error: new Error('Authorization code does not exist: ac_Abc123'), note: 'key sk_test_123abc' });

    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      error: { message: 'Authorization code does not exist: [redacted]' },
      note: 'key [redacted]',
    });
  });
});
