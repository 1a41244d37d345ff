import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isReturnToEntry, readServiceConfig, settingVariables, tableName } from '../../shared/config';

const env = {
  CALLBACK_URL: 'https://api.example.com/connect/callback',
  SUCCESS_URL: 'https://platform.example/ok',
  FAILURE_URL: 'https://platform.example/failed',
};

describe('readServiceConfig', () => {
  it('fills in defaults', () => {
    expect(readServiceConfig(env)).toEqual({
      callbackUrl: env.CALLBACK_URL,
      successUrl: env.SUCCESS_URL,
      failureUrl: env.FAILURE_URL,
      returnToOrigins: [],
      stateTtlSeconds: 600,
      stripeApiBase: undefined,
      stripeTimeoutMs: 5000,
      webhookToleranceSeconds: 300,
      livemodeMismatch: 'ignore',
      expressFeesPayer: 'application',
      expressLosses: 'application',
    });
  });

  it('reads an empty variable as unset: the default, for every setting that has one', () => {
    const blank = {
      STATE_TTL_SECONDS: '',
      STRIPE_TIMEOUT_MS: '',
      WEBHOOK_TOLERANCE_SECONDS: '',
      LIVEMODE_MISMATCH: '',
      EXPRESS_FEES_PAYER: '',
      EXPRESS_LOSSES: '',
    };

    expect(readServiceConfig({ ...env, ...blank })).toEqual(readServiceConfig(env));
  });

  it.each([
    ['application', 'stripe'],
    ['account', 'stripe'],
    ['application', 'application'],
  ] as const)('takes an Express controller Stripe accepts: fees %s, losses %s', (feesPayer, losses) => {
    expect(readServiceConfig({ ...env, EXPRESS_FEES_PAYER: feesPayer, EXPRESS_LOSSES: losses })).toMatchObject({
      expressFeesPayer: feesPayer,
      expressLosses: losses,
    });
  });

  it.each([
    [{ ...env, CALLBACK_URL: undefined }, 'CALLBACK_URL is not set'],
    [{ ...env, SUCCESS_URL: 'not a url' }, 'SUCCESS_URL is not an absolute http(s) URL'],
    [{ ...env, FAILURE_URL: 'javascript:alert(1)' }, 'FAILURE_URL is not an absolute http(s) URL'],
    [{ ...env, STATE_TTL_SECONDS: '-5' }, 'STATE_TTL_SECONDS must be a positive integer'],
    [{ ...env, STATE_TTL_SECONDS: '86400' }, 'STATE_TTL_SECONDS must be at most 3600'],
    [{ ...env, STRIPE_TIMEOUT_MS: '0' }, 'STRIPE_TIMEOUT_MS must be a positive integer'],
    [{ ...env, WEBHOOK_TOLERANCE_SECONDS: '1.5' }, 'WEBHOOK_TOLERANCE_SECONDS must be a positive integer'],
    [
      { ...env, RETURN_TO_ORIGINS: 'https://ok.example,, https://ok.example/path, https://secret-partner.example/?q' },
      'RETURN_TO_ORIGINS entry 4 is not an origin such as https://app.example.com, nor one with a path such as https://app.example.com/connect/',
    ],
    [
      { ...env, RETURN_TO_ORIGINS: 'https://ok.example/connect/, https://ok.example/a%2fb/' },
      'RETURN_TO_ORIGINS entry 2 is not an origin such as https://app.example.com, nor one with a path such as https://app.example.com/connect/',
    ],
    [{ ...env, LIVEMODE_MISMATCH: 'warn' }, 'LIVEMODE_MISMATCH must be "ignore" or "reject"'],
    [{ ...env, EXPRESS_FEES_PAYER: 'platform' }, 'EXPRESS_FEES_PAYER must be "application" or "account"'],
    [{ ...env, EXPRESS_LOSSES: 'nobody' }, 'EXPRESS_LOSSES must be "application" or "stripe"'],
    [
      { ...env, EXPRESS_FEES_PAYER: 'account' },
      'EXPRESS_LOSSES cannot be "application" here: the platform can carry the losses of an Express account only when it also pays its fees (fees payer application)',
    ],
  ])('names the setting that is wrong: %j', (bad, problem) => {
    expect(() => readServiceConfig(bad)).toThrowError(
      expect.objectContaining({
        kind: 'unavailable',
        code: 'configuration_error',
        message: `The service is misconfigured: ${problem}.`,
      }),
    );
  });

  it('takes a state lifetime up to its hour, and not a second more', () => {
    expect(readServiceConfig({ ...env, STATE_TTL_SECONDS: '3600' })).toMatchObject({ stateTtlSeconds: 3600 });
    expect(() => readServiceConfig({ ...env, STATE_TTL_SECONDS: '3601' })).toThrowError(
      'The service is misconfigured: STATE_TTL_SECONDS must be at most 3600.',
    );
  });

  it('names a missing table variable', () => {
    expect(() => tableName('accounts', {})).toThrowError('The service is misconfigured: ACCOUNTS_TABLE is not set.');
  });
});

describe('settingVariables', () => {
  it('names the variable of every setting the configuration guide documents, each once', () => {
    const guide = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const names = Object.values(settingVariables);

    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => !guide.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('isReturnToEntry', () => {
  it('takes an origin, or one with a path, as the URL parser writes it', () => {
    expect(['https://app.example.com', 'https://app.example.com/connect/done'].map(isReturnToEntry)).toEqual([
      true,
      true,
    ]);
  });

  it.each([
    ['https://user@app.example.com/', 'credentials'],
    ['https://app.example.com/a,b', "a comma, which separates RETURN_TO_ORIGINS's entries"],
    ['https://app.example.com/?q', 'a query'],
  ])('refuses %j (%s)', (entry) => {
    expect(isReturnToEntry(entry)).toBe(false);
  });
});
