/**
 * `npm run stripe:setup` end to end: the script's main against the Stripe emulator (webhook
 * endpoints API) and a Secrets Manager stand-in, both over HTTP with the real SDK clients.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../emulator';
import { webhookEndpointsOf } from '../../emulator/webhook-endpoints';
import { localDefaults } from '../../local/defaults';
import { main, managedBy, parseSetupArgs } from '../../scripts/stripe-setup';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import { handledEventTypes } from '../../shared/webhooks/event-types';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';

const secretName = 'connect-onboarding/stripe';
const apiUrl = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
/** What the stack writes into a new secret, plus a field the script does not own. */
const stackSecret = {
  secretKey: 'sk_REPLACE_ME',
  clientId: 'ca_REPLACE_ME',
  webhookSecrets: 'whsec_REPLACE_ME',
  platformTokenSecret: 'generated-by-secrets-manager-0123456789abcdef0123456789',
  note: 'set by the operator',
};

let emulator: StripeEmulator;
let secretsManager: FakeSecretsManager;

const run = async (...extra: string[]) => {
  const out: string[] = [];
  const errors: string[] = [];
  const code = await main(
    [
      '--api-url',
      apiUrl,
      '--secret-id',
      secretName,
      '--client-id',
      localDefaults.stripeClientId,
      '--stripe-api-base',
      emulator.url,
      '--secrets-endpoint',
      secretsManager.url,
      ...extra,
    ],
    { STRIPE_SECRET_KEY: localDefaults.stripeSecretKey },
    (line) => out.push(line),
    (line) => errors.push(line),
  );
  return { code, out, errors };
};

const storedSecret = (): Record<string, unknown> => JSON.parse(secretsManager.secrets.get(secretName) ?? 'null');

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  emulator = await startStripeEmulator({
    port: 0,
    secretKey: localDefaults.stripeSecretKey,
    clientId: localDefaults.stripeClientId,
    redirectUris: [],
  });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.close();
});

beforeEach(async () => {
  secretsManager = await startFakeSecretsManager({ [secretName]: JSON.stringify(stackSecret) });
});

afterEach(async () => {
  await secretsManager.close();
});

describe('stripe:setup', () => {
  it('creates the Connect endpoint, merges the secret, then changes nothing on a second run', async () => {
    const first = await run();

    expect(first.errors).toEqual([]);
    expect(first.code).toBe(0);
    const [record, ...others] = webhookEndpointsOf(emulator);
    expect(others).toEqual([]);
    expect(record?.connect).toBe(true);
    expect(record?.endpoint).toEqual({
      id: expect.stringMatching(/^we_/),
      object: 'webhook_endpoint',
      api_version: stripeApiVersion,
      application: localDefaults.stripeClientId,
      created: expect.any(Number),
      description: 'connect-onboarding: events of connected accounts',
      enabled_events: [...handledEventTypes],
      livemode: false,
      metadata: managedBy,
      status: 'enabled',
      url: `${apiUrl}/webhooks/stripe`,
    });
    expect(storedSecret()).toEqual({
      ...stackSecret,
      secretKey: localDefaults.stripeSecretKey,
      clientId: localDefaults.stripeClientId,
      webhookSecrets: record?.secret,
    });
    expect(first.out).toEqual([
      `webhook endpoint: create ${apiUrl}/webhooks/stripe (Connect, API version ${stripeApiVersion}, events ${handledEventTypes.join(', ')})`,
      `webhook endpoint: created ${record?.endpoint.id}`,
      `secret ${secretName}: set secretKey, clientId, webhookSecrets (other fields kept)`,
      '',
      'Register this redirect URI in the Dashboard (Settings → Connect → Onboarding options → OAuth → Redirects);',
      `Stripe's API cannot do it: ${apiUrl}/connect/callback`,
    ]);
    // Never a secret value on the terminal.
    expect(first.out.join('\n')).not.toMatch(/whsec_|sk_test_/);

    const writes = secretsManager.calls.filter((call) => call === 'PutSecretValue').length;
    const second = await run();

    expect(second.code).toBe(0);
    expect(webhookEndpointsOf(emulator)).toEqual([record]);
    expect(secretsManager.calls.filter((call) => call === 'PutSecretValue').length).toBe(writes);
    expect(second.out.slice(0, 2)).toEqual([
      `webhook endpoint: ${record?.endpoint.id} at ${apiUrl}/webhooks/stripe is up to date`,
      `secret ${secretName}: up to date`,
    ]);
  });

  it('puts back the event types and enables an endpoint someone changed, keeping its signing secret', async () => {
    const { endpoint } = webhookEndpointsOf(emulator)[0] ?? {};
    if (!endpoint) throw new Error('the first test creates the endpoint');
    const stripe = await import('../../shared/stripe/client').then(({ createStripeClient }) =>
      createStripeClient(localDefaults.stripeSecretKey, { apiBase: new URL(emulator.url), timeoutMs: 5000 }),
    );
    await stripe.webhookEndpoints.update(endpoint.id, { enabled_events: ['account.updated'], disabled: true });
    secretsManager.secrets.set(
      secretName,
      JSON.stringify({ ...stackSecret, webhookSecrets: 'whsec_kept0000000000000000' }),
    );

    const result = await run();

    expect(result.code).toBe(0);
    expect(result.out[0]).toBe(`webhook endpoint: update ${endpoint.id} (enabled_events, disabled)`);
    expect(webhookEndpointsOf(emulator).map((record) => record.endpoint)).toEqual([endpoint]);
    expect(storedSecret()).toEqual({
      ...stackSecret,
      secretKey: localDefaults.stripeSecretKey,
      clientId: localDefaults.stripeClientId,
      webhookSecrets: 'whsec_kept0000000000000000',
    });
  });

  it("refuses an endpoint it did not create, saying when Stripe's `application` shows it is no Connect endpoint", async () => {
    const { createStripeClient } = await import('../../shared/stripe/client');
    const stripe = createStripeClient(localDefaults.stripeSecretKey, {
      apiBase: new URL(emulator.url),
      timeoutMs: 5000,
    });
    const own = await stripe.webhookEndpoints.create({
      url: 'https://own.example/webhooks/stripe',
      enabled_events: ['account.updated'],
      api_version: stripeApiVersion,
    });
    const connect = await stripe.webhookEndpoints.create({
      url: 'https://connect.example/webhooks/stripe',
      enabled_events: ['account.updated'],
      api_version: stripeApiVersion,
      connect: true,
    });

    const ownRun = await run('--api-url', 'https://own.example');
    const connectRun = await run('--api-url', 'https://connect.example');

    expect(ownRun.code).toBe(1);
    expect(ownRun.errors).toEqual([
      `stripe:setup: webhook endpoint ${own.id} at https://own.example/webhooks/stripe was not created by this script and is not a Connect endpoint (it receives no connected account's events): delete it in the Dashboard and run again to create one.`,
    ]);
    expect(connectRun.code).toBe(1);
    expect(connectRun.errors).toEqual([
      `stripe:setup: webhook endpoint ${connect.id} at https://connect.example/webhooks/stripe was not created by this script: delete it in the Dashboard and run again to create one.`,
    ]);
    expect(secretsManager.calls.filter((call) => call === 'PutSecretValue')).toEqual([]);
  });

  it('changes nothing in a dry run and says what it would do', async () => {
    const endpoints = webhookEndpointsOf(emulator);

    const result = await run('--dry-run', '--api-url', 'https://other.example');

    expect(result.code).toBe(0);
    expect(result.out.slice(0, 2)).toEqual([
      `webhook endpoint: would create https://other.example/webhooks/stripe (Connect, API version ${stripeApiVersion}, events ${handledEventTypes.join(', ')})`,
      `secret ${secretName}: would set secretKey, clientId, webhookSecrets (other fields kept)`,
    ]);
    expect(webhookEndpointsOf(emulator)).toEqual(endpoints);
    expect(storedSecret()).toEqual(stackSecret);
    expect(secretsManager.calls).toEqual(['GetSecretValue']);
  });
});

describe('stripe:setup options', () => {
  const env = { STRIPE_SECRET_KEY: 'sk_test_abc' };

  it('refuses to run without a secret key', () => {
    expect(() => parseSetupArgs(['--api-url', apiUrl, '--secret-id', secretName], {})).toThrow(
      /^STRIPE_SECRET_KEY is not set: the platform's secret key is required/,
    );
  });

  it('refuses an unknown option and a client id that is not one', () => {
    expect(() => parseSetupArgs(['--api-url', apiUrl, '--secret-id', secretName, '--force'], env)).toThrow(
      /Unknown option '--force'/,
    );
    expect(() => parseSetupArgs(['--api-url', apiUrl, '--secret-id', secretName, '--client-id', 'x'], env)).toThrow(
      "client id 'x' does not start with ca_",
    );
  });

  it('reads the URLs and the secret from `cdk deploy --outputs-file`', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const file = `${await mkdtemp(`${tmpdir()}/stripe-setup-`)}/outputs.json`;
    await writeFile(
      file,
      JSON.stringify({
        ConnectOnboarding: {
          ApiUrl: `${apiUrl}/`,
          CallbackUrl: 'https://connect.platform.example/connect/callback',
          WebhookUrl: `${apiUrl}/webhooks/stripe`,
          SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe-AbCdEf',
        },
      }),
    );

    expect(parseSetupArgs(['--outputs', file], env)).toEqual({
      secretKey: 'sk_test_abc',
      clientId: undefined,
      webhookUrl: `${apiUrl}/webhooks/stripe`,
      redirectUri: 'https://connect.platform.example/connect/callback',
      secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe-AbCdEf',
      dryRun: false,
      stripeApiBase: undefined,
      secretsEndpoint: undefined,
    });
  });
});
