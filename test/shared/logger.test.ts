import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/api-gateway-event';
import { chooseLogLevel, createLogger, sampleRateFrom } from '../../shared/logger';

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
  it('writes one JSON line with the context and redacts secret-like fields at any depth', () => {
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

  it('redacts sensitive keys whatever their case', () => {
    const { logger, parsed } = capture();

    logger.info('headers', { headers: { Authorization: 'Bearer x', 'Set-Cookie': 'c=1', STATE: 'st', Host: 'h' } });

    expect(parsed()[0]).toMatchObject({
      headers: { Authorization: '[redacted]', 'Set-Cookie': '[redacted]', STATE: '[redacted]', Host: 'h' },
    });
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

  it("lets Lambda's advanced logging controls (AWS_LAMBDA_LOG_LEVEL, FATAL meaning CRITICAL) win over every other setting", () => {
    expect([
      chooseLogLevel('debug', { AWS_LAMBDA_LOG_LEVEL: 'WARN', LOG_LEVEL: 'debug' }),
      chooseLogLevel(undefined, { AWS_LAMBDA_LOG_LEVEL: 'FATAL' }),
      chooseLogLevel(undefined, { POWERTOOLS_LOG_LEVEL: 'nonsense', LOG_LEVEL: 'Warn' }),
      chooseLogLevel(undefined, {}),
    ]).toEqual([
      { level: 'WARN', fixedByLambda: true },
      { level: 'CRITICAL', fixedByLambda: true },
      { level: 'WARN', fixedByLambda: false },
      { level: 'INFO', fixedByLambda: false },
    ]);
  });

  it('reads POWERTOOLS_LOGGER_SAMPLE_RATE as a share between 0 and 1, anything else as 0', () => {
    expect(
      ['0.1', '1', '2', '-1', 'often', undefined].map((rate) =>
        sampleRateFrom({ POWERTOOLS_LOGGER_SAMPLE_RATE: rate }),
      ),
    ).toEqual([0.1, 1, 0, 0, 0, 0]);
  });
});

describe('createLogger, per invocation', () => {
  afterEach(() => vi.unstubAllEnvs());

  const invocation = lambdaContext('callback-fn', 10, 'lambda-req-1');

  it('adds the Lambda context and correlation id to the lines of an invocation, and a cold start only to the first on-demand one', () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    const { logger, parsed } = capture();

    logger.startInvocation(invocation, 'api-req-1');
    logger.info('first');
    logger.endInvocation();
    logger.startInvocation(invocation, undefined);
    logger.info('second');
    logger.endInvocation();
    logger.info('outside');

    expect(parsed()).toEqual([
      {
        level: 'INFO',
        message: 'first',
        service: 'callback',
        timestamp: expect.any(String),
        cold_start: true,
        function_name: 'callback-fn',
        function_arn: 'arn:aws:lambda:local:000000000000:function:callback-fn',
        function_memory_size: invocation.memoryLimitInMB,
        function_request_id: 'lambda-req-1',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        correlation_id: 'api-req-1',
      },
      expect.objectContaining({ message: 'second', cold_start: false, function_request_id: 'lambda-req-1' }),
      {
        level: 'INFO',
        message: 'outside',
        service: 'callback',
        timestamp: expect.any(String),
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      },
    ]);
    expect(parsed()[1]).not.toHaveProperty('correlation_id');
  });

  it('never reports a cold start in a container provisioned ahead of traffic', () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'provisioned-concurrency');
    const { logger, parsed } = capture();

    logger.startInvocation(invocation, 'r');
    logger.info('first');

    expect(parsed()[0]).toMatchObject({ cold_start: false });
  });

  it('logs DEBUG for a sampled invocation only, marking its lines with sampling_rate', () => {
    vi.stubEnv('POWERTOOLS_LOGGER_SAMPLE_RATE', '1');
    const { logger, parsed } = capture('info');

    logger.debug('before');
    logger.startInvocation(invocation, 'r');
    logger.debug('sampled');
    logger.endInvocation();
    logger.debug('after');

    expect(parsed()).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'sampled', sampling_rate: 1 })]);
  });

  it("does not sample below the level Lambda's logging controls fixed", () => {
    vi.stubEnv('POWERTOOLS_LOGGER_SAMPLE_RATE', '1');
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'INFO');
    const { logger, parsed } = capture();

    logger.startInvocation(invocation, 'r');
    logger.debug('not sampled');

    expect(parsed()).toEqual([]);
  });

  it('never throws on a BigInt that redaction does not see: in an error it describes, or in a Lambda key', () => {
    const { logger, parsed } = capture();
    const error = new Error('boom');
    error.name = 10n as unknown as string;
    logger.startInvocation({ ...invocation, memoryLimitInMB: 512n as unknown as string }, 'r');

    expect(() => logger.error('request failed', { error })).not.toThrow();

    expect(parsed()).toEqual([
      expect.objectContaining({
        message: 'request failed',
        function_memory_size: '512',
        error: expect.objectContaining({ name: '10' }),
      }),
    ]);
  });

  it('prints no field through its own toJSON, which would bypass redaction', () => {
    const { logger, lines } = capture();

    logger.info('stored', { body: { toJSON: () => ({ token: 'sk_live_abc' }) }, accountId: 'acct_1' });

    expect(lines.join('\n')).not.toContain('sk_live_abc');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ body: {}, accountId: 'acct_1' });
  });

  it('keeps its standard keys whatever a field is called, and prints a BigInt instead of throwing', () => {
    const { logger, parsed } = capture();

    logger.info('real message', { message: 'forged', level: 'DEBUG', amount: 12n });

    expect(parsed()).toEqual([
      { level: 'INFO', message: 'real message', service: 'callback', timestamp: expect.any(String), amount: '12' },
    ]);
  });
});
