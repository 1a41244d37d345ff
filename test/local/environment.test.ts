import { afterEach, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { applyLocalEnvironment, localEmulatorOptions, localEnvironment } from '../../local/environment';
import { settingVariables } from '../../shared/config';
import { callbackPath, webhookPath } from '../../shared/routes';

const gatewayUrl = 'http://127.0.0.1:3999';
const both = (env: Record<string, string>) => ({
  functions: localEnvironment({ gatewayUrl, dynamoDbEndpoint: 'http://db', tableName: (name) => name, env }),
  emulator: localEmulatorOptions({ gatewayUrl, port: 0, env }),
});

describe('a local stack: the functions and the emulator agree', () => {
  it('on the credentials an operator exported in the shell, the emulator signing with the first secret', () => {
    const { functions, emulator } = both({
      STRIPE_SECRET_KEY: 'sk_test_exported',
      STRIPE_CLIENT_ID: 'ca_exported',
      STRIPE_WEBHOOK_SECRETS: ' whsec_newest , whsec_older',
      PREVIOUS_PLATFORM_TOKEN_SECRET: 'the-replaced-platform-token-secret-0123456789',
    });

    expect(emulator).toMatchObject({ secretKey: functions.STRIPE_SECRET_KEY, clientId: functions.STRIPE_CLIENT_ID });
    expect(functions).toMatchObject({
      STRIPE_SECRET_KEY: 'sk_test_exported',
      STRIPE_CLIENT_ID: 'ca_exported',
      PREVIOUS_PLATFORM_TOKEN_SECRET: 'the-replaced-platform-token-secret-0123456789',
    });
    expect(emulator.webhookEndpoints).toEqual([{ url: `${gatewayUrl}${webhookPath}`, secret: 'whsec_newest' }]);
    expect(emulator.redirectUris).toEqual([functions.CALLBACK_URL]);
    expect(functions.CALLBACK_URL).toBe(`${gatewayUrl}${callbackPath}`);
  });

  it('on the local defaults when nothing is exported', () => {
    const { functions, emulator } = both({});

    expect(emulator).toMatchObject({
      secretKey: localDefaults.stripeSecretKey,
      clientId: localDefaults.stripeClientId,
    });
    expect(functions.STRIPE_WEBHOOK_SECRETS).toBe(localDefaults.webhookSecret);
    // Set, and empty (no previous platform token secret), so that one the process had is replaced.
    expect(functions.PREVIOUS_PLATFORM_TOKEN_SECRET).toBe('');
    expect(emulator.webhookEndpoints?.[0]?.secret).toBe(localDefaults.webhookSecret);
  });
});

describe("a local stack's emulator", () => {
  it('keeps retrying a delivery for 1.5 s, time for a record stored late on a busy machine to take its event', () => {
    const { attempts = 1, backoffMs = 0 } = both({}).emulator.webhookRetry ?? {};
    const waits = Array.from({ length: attempts - 1 }, (_, retry) => backoffMs * 2 ** retry);

    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThanOrEqual(1500);
  });
});

describe('npm start: the functions get the settings of the shell', () => {
  it("passes every setting exported in the shell, but the two that are the local stack's own (its callback, its emulator)", () => {
    const { callbackUrl, stripeApiBase, ...exportable } = settingVariables;
    const exported = Object.fromEntries(Object.values(exportable).map((name) => [name, `exported ${name}`]));

    const { functions } = both({ ...exported, [callbackUrl]: 'https://elsewhere.example/cb' });

    expect(functions).toMatchObject(exported);
    expect(functions[callbackUrl]).toBe(`${gatewayUrl}${callbackPath}`);
    expect(functions[stripeApiBase]).toBeUndefined();
  });
});

describe("applyLocalEnvironment: the process gets the local stack's environment, as a Lambda gets its own", () => {
  const awsOnly = ['SECRET_ID', 'EVENT_BUS_NAME', 'STRIPE_API_BASE'] as const;
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("drops the shell's AWS-only variables and its Stripe host when the stack has no emulator", () => {
    for (const name of awsOnly) process.env[name] = `exported-${name}`;
    const environment = localEnvironment({
      gatewayUrl,
      dynamoDbEndpoint: 'http://db',
      tableName: (name) => name,
      env: {},
    });

    applyLocalEnvironment(environment);

    for (const name of awsOnly) expect(process.env[name]).toBeUndefined();
    expect(process.env.CALLBACK_URL).toBe(environment.CALLBACK_URL);
  });

  it("keeps what the stack itself sets: the emulator's URL, a test's own SECRET_ID", () => {
    process.env.STRIPE_API_BASE = 'https://api.stripe.com';
    process.env.EVENT_BUS_NAME = 'exported-bus';

    applyLocalEnvironment({ STRIPE_API_BASE: 'http://127.0.0.1:12111', SECRET_ID: 'test-secret' });

    expect(process.env).toMatchObject({ STRIPE_API_BASE: 'http://127.0.0.1:12111', SECRET_ID: 'test-secret' });
    expect(process.env.EVENT_BUS_NAME).toBeUndefined();
  });
});
