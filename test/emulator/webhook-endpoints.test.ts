import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeEmulator, startStripeEmulator } from '../../emulator';
import { localDefaults } from '../../local/defaults';
import { createStripeClient } from '../../shared/stripe/client';

let emulator: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  emulator = await startStripeEmulator({
    port: 0,
    secretKey: localDefaults.stripeSecretKey,
    clientId: localDefaults.stripeClientId,
    redirectUris: [],
  });
  stripe = createStripeClient(localDefaults.stripeSecretKey, { apiBase: new URL(emulator.url), timeoutMs: 5000 });
});

afterAll(async () => {
  await emulator?.close();
});

describe('emulator webhook endpoints', () => {
  it('shows the signing secret on create only, and lists newest first across pages', async () => {
    const created = [];
    for (const n of [1, 2, 3]) {
      created.push(
        await stripe.webhookEndpoints.create({ url: `https://example.test/${n}`, enabled_events: ['account.updated'] }),
      );
    }
    const { secret, lastResponse: _, ...first } = created[0] as Stripe.Response<Stripe.WebhookEndpoint>;

    const retrieved = await stripe.webhookEndpoints.retrieve(first.id);
    const page = await stripe.webhookEndpoints.list({ limit: 2 });
    const all = await stripe.webhookEndpoints.list({ limit: 2 }).autoPagingToArray({ limit: 10 });
    const before = await stripe.webhookEndpoints.list({ limit: 1, ending_before: first.id });

    expect(secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect({ ...retrieved, lastResponse: undefined }).toEqual({ ...first, lastResponse: undefined });
    expect(retrieved.secret).toBeUndefined();
    expect(first).toEqual({
      id: expect.stringMatching(/^we_/),
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      created: expect.any(Number),
      description: null,
      enabled_events: ['account.updated'],
      livemode: false,
      metadata: {},
      status: 'enabled',
      url: 'https://example.test/1',
    });
    expect(page.data.map((endpoint) => endpoint.url)).toEqual(['https://example.test/3', 'https://example.test/2']);
    expect(page.has_more).toBe(true);
    expect(all.map((endpoint) => endpoint.url)).toEqual([3, 2, 1].map((n) => `https://example.test/${n}`));
    expect(before.data.map((endpoint) => endpoint.url)).toEqual(['https://example.test/2']);
    expect(before.has_more).toBe(true);
  });

  it("names the platform's Connect application on a Connect endpoint only, as stripe-node documents `application`", async () => {
    const connect = await stripe.webhookEndpoints.create({
      url: 'https://example.test/connect',
      enabled_events: ['account.updated'],
      connect: true,
    });
    const own = await stripe.webhookEndpoints.create({
      url: 'https://example.test/own',
      enabled_events: ['account.updated'],
    });

    expect(connect.application).toBe(localDefaults.stripeClientId);
    expect((await stripe.webhookEndpoints.retrieve(connect.id)).application).toBe(localDefaults.stripeClientId);
    expect(own.application).toBeNull();
    expect(connect).not.toHaveProperty('connect');
  });

  it('updates what Stripe lets change and answers errors like Stripe', async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'https://example.test/update',
      enabled_events: ['account.updated'],
      metadata: { a: '1', b: '2' },
    });

    const updated = await stripe.webhookEndpoints.update(endpoint.id, {
      enabled_events: ['capability.updated'],
      disabled: true,
      metadata: { a: '' },
    });
    const missing = await stripe.webhookEndpoints.retrieve('we_missing').catch((error: unknown) => error);
    const noUrl = await stripe.webhookEndpoints
      .create({ enabled_events: ['account.updated'] } as Stripe.WebhookEndpointCreateParams)
      .catch((error: unknown) => error);

    expect(updated).toMatchObject({ enabled_events: ['capability.updated'], status: 'disabled', metadata: { b: '2' } });
    expect(missing).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      message: "No such webhook endpoint: 'we_missing'",
    });
    expect(noUrl).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'url' });
  });
});
