import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../shared/observability/log-line';
import {
  environmentSecrets,
  oauthClientId,
  parsePlatformSecrets,
  platformTokenSecretsThatVerify,
  secretPlaceholder,
  secretsManagerSecrets,
} from '../../shared/secrets';

const valid = {
  secretKey: 'sk_test_123',
  clientId: 'ca_123',
  webhookSecrets: 'whsec_one, whsec_two',
  platformTokenSecret: 'x'.repeat(32),
};

/** A Secrets Manager client whose answers the test scripts: a value, or an error. */
const scriptedClient = (answers: (string | Error)[]) => {
  const calls: GetSecretValueCommand[] = [];
  return {
    calls,
    client: {
      send: async (command: GetSecretValueCommand) => {
        calls.push(command);
        const answer = answers.shift() ?? new Error('no more answers');
        if (answer instanceof Error) throw answer;
        return { SecretString: answer };
      },
    } as never,
  };
};

describe('parsePlatformSecrets', () => {
  it('reads every field and splits rotated webhook secrets', () => {
    expect(parsePlatformSecrets(valid)).toEqual({ ...valid, webhookSecrets: ['whsec_one', 'whsec_two'] });
  });

  it.each([
    [{ ...valid, secretKey: undefined }, 'secret field secretKey is missing'],
    [{ ...valid, secretKey: 'pk_test_1' }, 'secret field secretKey has the wrong format'],
    [{ ...valid, clientId: 'acct_1' }, 'secret field clientId has the wrong format'],
    [{ ...valid, webhookSecrets: '' }, 'secret field webhookSecrets is missing'],
    [
      { ...valid, webhookSecrets: 'whsec_REPLACE_ME' },
      'secret field webhookSecrets is still the placeholder the stack created (REPLACE_ME): set the real value',
    ],
    [{ ...valid, webhookSecrets: 'whsec_a,secret' }, 'secret field webhookSecrets has the wrong format'],
    [{ ...valid, platformTokenSecret: 'short' }, 'secret field platformTokenSecret is shorter than 32 characters'],
  ])('names the field that is wrong: %j', (raw, problem) => {
    expect(() => parsePlatformSecrets(raw)).toThrowError(
      expect.objectContaining({
        kind: 'unavailable',
        code: 'configuration_error',
        expose: true,
        message: `The service is misconfigured: ${problem}.`,
      }),
    );
  });
});

describe('a secret without a client ID (a platform that onboards only through Account Links)', () => {
  it.each([
    ['left out', { ...valid, clientId: undefined }],
    ['empty', { ...valid, clientId: ' ' }],
    ["still the stack's placeholder", { ...valid, clientId: 'ca_REPLACE_ME' }],
  ])('is a valid secret when the client ID is %s, with no client ID in it', (_how, raw) => {
    expect(parsePlatformSecrets(raw)).toEqual({
      ...valid,
      clientId: undefined,
      webhookSecrets: ['whsec_one', 'whsec_two'],
    });
  });

  it('is refused by the routes of Connect OAuth, which name the missing client ID', () => {
    expect(() => oauthClientId(parsePlatformSecrets({ ...valid, clientId: undefined }))).toThrowError(
      expect.objectContaining({
        code: 'configuration_error',
        expose: true,
        message:
          'The service is misconfigured: secret field clientId is not set, and Connect OAuth needs the platform client ID (ca_…); onboarding through /connect/onboard does not.',
      }),
    );
    expect(oauthClientId(parsePlatformSecrets(valid))).toBe('ca_123');
  });
});

describe('a roll of the platform token secret: previousPlatformTokenSecret', () => {
  const previous = 'the-replaced-platform-token-secret-0123456789';

  it.each([
    ['left out', { ...valid }],
    ['null', { ...valid, previousPlatformTokenSecret: null }],
    ['empty', { ...valid, previousPlatformTokenSecret: '  ' }],
  ])('is no previous secret when %s: only the current one verifies', (_how, raw) => {
    const secrets = parsePlatformSecrets(raw);

    expect(secrets.previousPlatformTokenSecret).toBeUndefined();
    expect(platformTokenSecretsThatVerify(secrets)).toEqual([valid.platformTokenSecret]);
  });

  it('is kept when set, and verifies after the current one', () => {
    const secrets = parsePlatformSecrets({ ...valid, previousPlatformTokenSecret: ` ${previous} ` });

    expect(secrets).toMatchObject({
      platformTokenSecret: valid.platformTokenSecret,
      previousPlatformTokenSecret: previous,
    });
    expect(platformTokenSecretsThatVerify(secrets)).toEqual([valid.platformTokenSecret, previous]);
  });

  it('is read from PREVIOUS_PLATFORM_TOKEN_SECRET in a local run', async () => {
    const secrets = await environmentSecrets({
      STRIPE_SECRET_KEY: valid.secretKey,
      STRIPE_WEBHOOK_SECRETS: valid.webhookSecrets,
      PLATFORM_TOKEN_SECRET: valid.platformTokenSecret,
      PREVIOUS_PLATFORM_TOKEN_SECRET: previous,
    }).get();

    expect(secrets.previousPlatformTokenSecret).toBe(previous);
  });

  it.each([
    [
      'shorter than 32 characters',
      'q'.repeat(31),
      'secret field previousPlatformTokenSecret is shorter than 32 characters',
    ],
    [
      'the current secret (the roll forgot to change platformTokenSecret)',
      valid.platformTokenSecret,
      'secret field previousPlatformTokenSecret is the same as platformTokenSecret: set the new value as platformTokenSecret',
    ],
    [
      'the placeholder',
      `${secretPlaceholder}-0123456789abcdef0123456789abcdef`,
      'secret field previousPlatformTokenSecret is still the placeholder the stack created (REPLACE_ME): set the real value',
    ],
    ['not a string', 1234, 'secret field previousPlatformTokenSecret is missing'],
  ])('makes the secret invalid when %s, naming the field and never its value', (_how, value, problem) => {
    let failure: unknown;
    try {
      parsePlatformSecrets({ ...valid, previousPlatformTokenSecret: value });
    } catch (error) {
      failure = error;
    }

    expect(failure).toMatchObject({
      kind: 'unavailable',
      code: 'configuration_error',
      expose: true,
      message: `The service is misconfigured: ${problem}.`,
    });
    expect(String((failure as Error).message)).not.toContain(String(value));
  });
});

describe('secretsManagerSecrets', () => {
  it('reads the secret once per container and serves it from cache within the TTL', async () => {
    const { client, calls } = scriptedClient([JSON.stringify(valid)]);
    let now = 0;
    const secrets = secretsManagerSecrets({ client, secretId: 'arn:secret', ttlMs: 1000, now: () => now });

    await secrets.get();
    now = 999;
    await secrets.get();

    expect(calls.map((call) => call.input)).toEqual([{ SecretId: 'arn:secret' }]);
  });

  it('answers 503 while Secrets Manager fails at cold start, and recovers without a redeploy', async () => {
    const { client } = scriptedClient([new Error('ServiceUnavailable'), JSON.stringify(valid)]);
    const secrets = secretsManagerSecrets({ client, secretId: 'arn:secret' });

    await expect(secrets.get()).rejects.toThrowError(
      expect.objectContaining({ kind: 'unavailable', code: 'secrets_unavailable' }),
    );
    await expect(secrets.get()).resolves.toMatchObject({ clientId: 'ca_123' });
  });

  it('keeps serving the last good value when a refresh fails', async () => {
    const { client } = scriptedClient([JSON.stringify(valid), new Error('throttled')]);
    let now = 0;
    const secrets = secretsManagerSecrets({ client, secretId: 'arn:secret', ttlMs: 10, now: () => now });
    await secrets.get();
    now = 100;

    await expect(secrets.get()).resolves.toMatchObject({ clientId: 'ca_123' });
  });

  it('picks up a rotated value after the TTL', async () => {
    const { client } = scriptedClient([
      JSON.stringify(valid),
      JSON.stringify({ ...valid, webhookSecrets: 'whsec_new' }),
    ]);
    let now = 0;
    const secrets = secretsManagerSecrets({ client, secretId: 'arn:secret', ttlMs: 10, now: () => now });
    await secrets.get();
    now = 11;

    await expect(secrets.get()).resolves.toMatchObject({ webhookSecrets: ['whsec_new'] });
  });

  it.each([
    ['pasted as the bare value', 'Zq8fW2mNp4Lx7Rb1Tc9Vd3Yh6Kj0Gs5E'],
    [
      'typed with a curly quote',
      '{"secretKey":"sk_test_1","platformTokenSecret":\u201cZq8fW2mNp4Lx7Rb1Tc9Vd3Yh6Kj0Gs5E\u201d}',
    ],
  ])('logs none of a secret that is not JSON (%s): the parser quotes the text around its mistake', async (_, text) => {
    const { client } = scriptedClient([text]);
    const failure = await secretsManagerSecrets({ client, secretId: 'arn:secret' })
      .get()
      .catch((error: unknown) => error as Error);

    // What the service middleware logs for a request that failed on it: the error and its cause, at ERROR.
    const line = formatLogLine({
      level: 'ERROR',
      message: 'request failed',
      service: 'test',
      lambda: undefined,
      sampleRate: 0,
      attributes: { error: failure, cause: (failure as { cause?: unknown }).cause },
    });
    expect(line).toContain('secret field (all) is not a JSON object');
    expect(line).not.toContain('Zq8fW');
  });

  it('names a secret that is not a JSON object', async () => {
    const { client } = scriptedClient(['not json']);
    await expect(secretsManagerSecrets({ client, secretId: 'arn:secret' }).get()).rejects.toThrowError(
      expect.objectContaining({
        kind: 'unavailable',
        message: 'The service is misconfigured: secret field (all) is not a JSON object.',
      }),
    );
  });
});
