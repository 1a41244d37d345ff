import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { connect, startTestEmulator, stripeFor, WEBHOOK_SECRET, WebhookReceiver } from './helpers';

const NEW_SECRET = 'whsec_new0secret0after0roll000000000000';

describe('StripeEmulator > rolling a webhook secret', () => {
  let emulator: StripeEmulator;
  let receiver: WebhookReceiver;
  let stripe: Stripe;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    emulator = await startTestEmulator({ webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }] });
    stripe = stripeFor(emulator);
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  const lastSignature = (): string => String(receiver.received.at(-1)?.headers['stripe-signature']);
  const lastBody = (): string => receiver.received.at(-1)?.body ?? '';

  it('signs each delivery once per active secret, newest first, each one verifiable on its own', async () => {
    emulator.rollWebhookSecret(NEW_SECRET);
    await connect(emulator, 'standard');
    await emulator.waitForDeliveries(1);

    expect(lastSignature()).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64},v0=[0-9a-f]{64}$/);
    const [first, second] = [...lastSignature().matchAll(/v1=([0-9a-f]{64})/g)].map((m) => m[1]);
    const timestamp = Number(/^t=(\d+)/.exec(lastSignature())?.[1]);
    const only = (v1: string | undefined) => `t=${timestamp},v1=${v1}`;
    expect(stripe.webhooks.constructEvent(lastBody(), only(first), NEW_SECRET).type).toBe(
      'account.application.authorized',
    );
    expect(stripe.webhooks.constructEvent(lastBody(), only(second), WEBHOOK_SECRET).type).toBe(
      'account.application.authorized',
    );
    expect(stripe.webhooks.constructEvent(lastBody(), lastSignature(), WEBHOOK_SECRET).type).toBe(
      'account.application.authorized',
    );
  });

  it('signs with the new secret only once the roll expires', async () => {
    emulator.rollWebhookSecret(NEW_SECRET);
    emulator.expireRolledSecrets();
    await connect(emulator, 'standard');
    await emulator.waitForDeliveries(1);

    expect(lastSignature()).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-f]{64}$/);
    expect(() => stripe.webhooks.constructEvent(lastBody(), lastSignature(), WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(stripe.webhooks.constructEvent(lastBody(), lastSignature(), NEW_SECRET).type).toBe(
      'account.application.authorized',
    );
  });

  it('refuses to roll an endpoint it does not have', () => {
    expect(() => emulator.rollWebhookSecret(NEW_SECRET, 'http://127.0.0.1:1/nowhere')).toThrow(
      'No webhook endpoint at http://127.0.0.1:1/nowhere',
    );
  });
});
