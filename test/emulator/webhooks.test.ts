import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_API_VERSION, type StripeEmulator, type StripeEvent } from '../../emulator';
import { handledEventTypes } from '../../shared/webhooks/event-types';
import { CLIENT_ID, connect, startTestEmulator, stripeFor, WEBHOOK_SECRET, WebhookReceiver } from './helpers';

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let receiver: WebhookReceiver;
  let stripe: Stripe;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    emulator = await startTestEmulator({
      webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
      platformName: 'Acme Market',
    });
    stripe = stripeFor(emulator);
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  /** Verifies a received request with stripe-node's own verifier. */
  function verified(index: number): Stripe.Event {
    const request = receiver.received[index];
    if (!request) throw new Error(`no webhook #${index}`);
    return stripe.webhooks.constructEvent(request.body, String(request.headers['stripe-signature']), WEBHOOK_SECRET);
  }

  describe('webhooks', () => {
    it('sends account.application.authorized, signed so that stripe.webhooks.constructEvent accepts it', async () => {
      const accountId = await connect(emulator, 'standard');

      await emulator.waitForDeliveries(1);

      expect(verified(0)).toEqual({
        id: expect.stringMatching(/^evt_/),
        object: 'event',
        account: accountId,
        // Stripe renders this type in the connected account's API version, not the endpoint's.
        api_version: DEFAULT_ACCOUNT_API_VERSION,
        created: expect.any(Number),
        data: { object: { id: CLIENT_ID, object: 'application', name: 'Acme Market' } },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'account.application.authorized',
      });
      // Test mode: v1 with the endpoint secret, plus the fake v0 Stripe adds for test-mode events.
      expect(receiver.received[0]?.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-f]{64}$/);
    });

    it('produces a signature the SDK rejects with another secret', async () => {
      await connect(emulator, 'standard');
      await emulator.waitForDeliveries(1);
      const request = receiver.received[0];

      expect(() =>
        stripe.webhooks.constructEvent(
          request?.body ?? '',
          String(request?.headers['stripe-signature']),
          'whsec_other',
        ),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    });

    it('sends account.application.deauthorized with the request id after a deauthorize call', async () => {
      const accountId = await connect(emulator, 'standard');
      await emulator.waitForDeliveries(1);

      await stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });
      await emulator.waitForDeliveries(2);

      expect(verified(1)).toMatchObject({
        type: 'account.application.deauthorized',
        account: accountId,
        data: { object: { id: CLIENT_ID, object: 'application' } },
        request: { id: expect.stringMatching(/^req_/) },
      });
    });

    it('retries a failed delivery with backoff and records every attempt', async () => {
      receiver.respondWith(500, 503);

      await connect(emulator, 'standard');
      const deliveries = await emulator.waitForDeliveries(3);

      expect(deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ]);
      expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
    });

    it('records network failures and gives up after the configured attempts', async () => {
      await receiver.close();

      await connect(emulator, 'standard');
      const deliveries = await emulator.waitForDeliveries(3);

      expect(deliveries.map((d) => [d.attempt, d.ok, typeof d.error])).toEqual([
        [1, false, 'string'],
        [2, false, 'string'],
        [3, false, 'string'],
      ]);
      receiver = await WebhookReceiver.start(); // afterEach closes it again
    });

    it('redelivers the same event id with a fresh valid signature', async () => {
      await connect(emulator, 'standard');
      const [first] = await emulator.waitForDeliveries(1);

      await emulator.redeliver(first?.eventId ?? '');

      expect(receiver.received).toHaveLength(2);
      expect(verified(1).id).toBe(verified(0).id);
      expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
    });

    it('emits account.updated with previous_attributes, and capability.updated, on updateAccount', async () => {
      const accountId = await connect(emulator, 'express', { 'suggested_capabilities[]': ['transfers'] });
      await emulator.waitForDeliveries(1);

      const event: StripeEvent = await emulator.updateAccount(accountId, {
        charges_enabled: false,
        capabilities: { transfers: 'inactive' },
        requirements: { currently_due: ['external_account'], disabled_reason: 'requirements.past_due' },
      });
      await emulator.waitForDeliveries(3);

      expect(event.type).toBe('account.updated');
      expect(event.data.previous_attributes).toEqual({
        charges_enabled: true,
        capabilities: { transfers: 'active' },
        requirements: { currently_due: [], disabled_reason: null },
      });
      expect(verified(1)).toMatchObject({ id: event.id, data: { object: { id: accountId, charges_enabled: false } } });
      expect(verified(2)).toMatchObject({
        type: 'capability.updated',
        account: accountId,
        data: {
          object: {
            id: 'transfers',
            object: 'capability',
            account: accountId,
            status: 'inactive',
            requirements: { currently_due: ['external_account'], disabled_reason: 'requirements.fields_needed' },
          },
        },
      });
      // Every attribute that changed, as for the account: the status, and the requirements it now waits for.
      expect(verified(2).data.previous_attributes).toEqual({
        status: 'active',
        requirements: { currently_due: [], disabled_reason: null },
      });
      expect(emulator.getAccount(accountId)?.requirements.currently_due).toEqual(['external_account']);
    });

    it('triggers events for an account; a triggered deauthorization also revokes access', async () => {
      const accountId = await connect(emulator, 'standard');

      const types = [];
      for (const type of [
        'account.updated',
        'capability.updated',
        'account.application.authorized',
        'account.application.deauthorized',
      ]) {
        types.push((await emulator.trigger(type, accountId)).type);
      }
      await emulator.waitForDeliveries(5);

      expect(types).toEqual([
        'account.updated',
        'capability.updated',
        'account.application.authorized',
        'account.application.deauthorized',
      ]);
      expect(receiver.received.map((_r, i) => verified(i).account)).toEqual(Array(5).fill(accountId));
      await expect(stripe.accounts.retrieve(accountId)).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    });

    // `npm run trigger -- <type>` works for every type the service handles (shared/webhooks/event-types.ts).
    it.each(handledEventTypes)('triggers %s, a type the service handles', async (type) => {
      const accountId = await connect(emulator, 'standard');

      expect(await emulator.trigger(type, accountId)).toMatchObject({ type, account: accountId });
    });

    it('refuses to trigger a type it has no object for, naming the ones it sends', async () => {
      const accountId = await connect(emulator, 'standard');

      await expect(emulator.trigger('payout.paid', accountId)).rejects.toThrow(
        'The emulator does not trigger payout.paid: it triggers account.updated, account.application.authorized',
      );
      await expect(emulator.trigger('constructor', accountId)).rejects.toThrow(
        'The emulator does not trigger constructor',
      );
    });

    it('refuses to trigger events for an unknown account', async () => {
      await expect(emulator.trigger('account.updated', 'acct_nope')).rejects.toThrow('No such account: acct_nope');
    });

    it('does not block the response that caused an event', async () => {
      receiver.respondWith(500, 500, 500);
      const slow = await startTestEmulator({
        webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
        webhookRetry: { attempts: 3, backoffMs: 10_000 },
      });

      try {
        const started = Date.now();
        await connect(slow, 'standard');
        expect(Date.now() - started).toBeLessThan(2000);
        expect(slow.deliveries().length).toBeLessThanOrEqual(1);
      } finally {
        await slow.close();
      }
    });
  });
});
