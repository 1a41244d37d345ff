import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { connect, startTestEmulator, stripeFor } from './helpers';

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let accountId: string;

  beforeEach(async () => {
    emulator = await startTestEmulator();
    stripe = stripeFor(emulator);
    accountId = await connect(emulator, 'standard');
  });

  afterEach(async () => {
    await emulator.close();
  });

  describe('fault injection', () => {
    it('answers server_error with a 500 api_error (StripeAPIError), then behaves normally', async () => {
      emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'server_error' });

      const faulted = stripe.accounts.retrieve(accountId);

      await expect(faulted).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
      await expect(faulted).rejects.toMatchObject({ statusCode: 500, rawType: 'api_error' });
      expect((await stripe.accounts.retrieve(accountId)).id).toBe(accountId);
    });

    it('saves a saved_server_error under the idempotency key: replayed to the same key, not to another', async () => {
      emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error' });
      const create = (key: string) =>
        stripe.accounts.create({ controller: { stripe_dashboard: { type: 'full' } } }, { idempotencyKey: key });

      const first = create('onboard-key');
      await expect(first).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
      await expect(first).rejects.toMatchObject({
        statusCode: 500,
        headers: expect.objectContaining({ 'stripe-should-retry': 'false' }),
      });
      await expect(create('onboard-key')).rejects.toMatchObject({
        statusCode: 500,
        headers: expect.objectContaining({ 'idempotent-replayed': 'true', 'stripe-should-retry': 'false' }),
      });
      expect((await create('onboard-key-r1')).id).toMatch(/^acct_/);
    });

    it('saves a saved_server_error_lost as saved_server_error but resets the connection: a retry gets it replayed', async () => {
      emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'saved_server_error_lost', times: 2 });
      const requests = emulator.requestLog().length;

      // stripe-node asks again after a reset even with retries off (its CONNECTION_CLOSED_ERROR_CODES rule); the fault
      // is armed for that request too, but a replay runs nothing, so nothing is lost: it is answered.
      await expect(
        stripe.accounts.create({ controller: { stripe_dashboard: { type: 'full' } } }, { idempotencyKey: 'lost-key' }),
      ).rejects.toMatchObject({
        statusCode: 500,
        headers: expect.objectContaining({ 'idempotent-replayed': 'true', 'stripe-should-retry': 'false' }),
      });
      expect(emulator.requestLog().length - requests).toBe(2);
    });

    it('answers key_in_use as Stripe does while another request holds the idempotency key: 409, retry allowed', async () => {
      emulator.injectFault({ method: 'POST', path: '/v1/accounts', mode: 'key_in_use' });

      const faulted = stripe.accounts.create(
        { controller: { stripe_dashboard: { type: 'full' } } },
        { idempotencyKey: 'k1' },
      );

      await expect(faulted).rejects.toMatchObject({
        statusCode: 409,
        code: 'idempotency_key_in_use',
        message: expect.stringContaining('another in-progress request using this Idempotent Key'),
        headers: expect.objectContaining({ 'stripe-should-retry': 'true' }),
      });
    });

    it('answers rate_limit with a 429 (StripeRateLimitError), matching paths by RegExp', async () => {
      emulator.injectFault({ method: 'get', path: /^\/v1\/accounts\//, mode: 'rate_limit' });

      const faulted = stripe.accounts.retrieve(accountId);

      await expect(faulted).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      await expect(faulted).rejects.toMatchObject({ statusCode: 429, code: 'rate_limit' });
    });

    it('resets the connection (StripeConnectionError); the SDK retries a reset once even with retries off, so fault twice', async () => {
      emulator.injectFault({ method: 'POST', path: '/oauth/token', mode: 'reset', times: 2 });
      const before = emulator.requestLog().length;

      const faulted = stripe.oauth.token({ grant_type: 'refresh_token', refresh_token: 'rt_x' });

      await expect(faulted).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
      expect(
        emulator
          .requestLog()
          .slice(before)
          .map((r) => r.path),
      ).toEqual(['/oauth/token', '/oauth/token']);
    });

    it('holds the response on timeout until the client gives up', async () => {
      emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'timeout' });
      const impatient = new Stripe('sk_test_emulatorTests000000000000001234', {
        host: '127.0.0.1',
        port: Number(new URL(emulator.url).port),
        protocol: 'http',
        maxNetworkRetries: 0,
        timeout: 200,
      });

      const sent = Date.now();
      const faulted = impatient.accounts.retrieve(accountId);

      await expect(faulted).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
      // The client's own timeout ended it, not a closed connection (which stripe-node also raises as this class).
      await expect(faulted).rejects.toMatchObject({
        message: 'Request aborted due to timeout being reached (200ms)',
      });
      expect(Date.now() - sent).toBeGreaterThanOrEqual(200);
    });

    it('clears armed faults', async () => {
      emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'server_error', times: 5 });

      emulator.clearFaults();

      expect((await stripe.accounts.retrieve(accountId)).id).toBe(accountId);
    });

    it('logs every call it receives, without query strings', async () => {
      const before = emulator.requestLog().length;

      await stripe.accounts.retrieve(accountId);

      expect(emulator.requestLog().slice(before)).toEqual([
        { method: 'GET', path: `/v1/accounts/${accountId}`, at: expect.any(Number) },
      ]);
    });
  });
});
