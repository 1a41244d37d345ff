import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { parseTriggerArgs, postTrigger } from '../../emulator/trigger-client';
import { connect, httpCall, startTestEmulator, stripeFor, WEBHOOK_SECRET, WebhookReceiver } from './helpers';

const run = promisify(execFile);

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let receiver: WebhookReceiver;
  let accountId: string;

  const control = (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    httpCall(`${emulator.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }).then((res) => ({ status: res.status, json: JSON.parse(res.text) as unknown }));

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    emulator = await startTestEmulator({ webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }] });
    accountId = await connect(emulator, 'express');
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  describe('control API', () => {
    it('triggers an event over HTTP', async () => {
      const res = await control('POST', '/_emulator/trigger', { type: 'account.updated', account: accountId });

      expect(res).toMatchObject({
        status: 200,
        json: { object: 'event', type: 'account.updated', account: accountId },
      });
    });

    it('updates an account over HTTP and returns the account.updated event', async () => {
      const res = await control('POST', `/_emulator/accounts/${accountId}`, { patch: { payouts_enabled: false } });

      expect(res).toMatchObject({
        status: 200,
        json: { type: 'account.updated', data: { previous_attributes: { payouts_enabled: true } } },
      });
      expect(await control('GET', `/_emulator/accounts/${accountId}`)).toMatchObject({
        status: 200,
        json: { id: accountId, payouts_enabled: false },
      });
    });

    it('arms and clears faults over HTTP', async () => {
      const stripe = stripeFor(emulator);

      const armed = await control('POST', '/_emulator/faults', {
        method: 'GET',
        path: '^/v1/accounts/',
        regex: true,
        mode: 'server_error',
        times: 2,
      });
      await expect(stripe.accounts.retrieve(accountId)).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
      const cleared = await control('DELETE', '/_emulator/faults');

      expect([armed.status, cleared.status]).toEqual([200, 200]);
      expect((await stripe.accounts.retrieve(accountId)).id).toBe(accountId);
    });

    it('lists deliveries and redelivers an event over HTTP', async () => {
      const [first] = await emulator.waitForDeliveries(1);

      const redelivered = await control('POST', `/_emulator/events/${first?.eventId ?? ''}/redeliver`);
      const deliveries = await control('GET', '/_emulator/deliveries');

      expect(redelivered.status).toBe(200);
      expect(deliveries.json).toEqual([
        expect.objectContaining({ eventId: first?.eventId, attempt: 1, ok: true }),
        expect.objectContaining({ eventId: first?.eventId, attempt: 1, ok: true }),
      ]);
    });

    it('rolls the webhook secret over HTTP: two v1 while the roll lasts, one after it expires', async () => {
      await emulator.waitForDeliveries(1);
      const rolled = await control('POST', '/_emulator/webhook-secret/roll', { secret: 'whsec_rolled' });
      await control('POST', '/_emulator/trigger', { type: 'account.updated', account: accountId });
      await emulator.waitForDeliveries(2);
      const expired = await control('DELETE', '/_emulator/webhook-secret/roll');
      await control('POST', '/_emulator/trigger', { type: 'account.updated', account: accountId });
      await emulator.waitForDeliveries(3);

      expect([rolled, expired]).toEqual([
        { status: 200, json: { ok: true } },
        { status: 200, json: { ok: true } },
      ]);
      const v1Counts = receiver.received.map((r) => String(r.headers['stripe-signature']).split(',v1=').length - 1);
      expect(v1Counts).toEqual([1, 2, 1]);
      expect(await control('POST', '/_emulator/webhook-secret/roll', { secret: 'x', url: 7 })).toEqual({
        status: 400,
        json: { error: { type: 'invalid_request_error', message: 'url must be a string.' } },
      });
    });

    it('answers bad control requests with 400 and unknown routes with 404', async () => {
      expect(await control('POST', '/_emulator/trigger', { type: 'account.updated' })).toMatchObject({ status: 400 });
      expect(await control('POST', '/_emulator/trigger', { type: 'payout.paid', account: accountId })).toMatchObject({
        status: 400,
        json: { error: { message: expect.stringContaining('The emulator does not trigger payout.paid') } },
      });
      expect(await control('POST', '/_emulator/faults', { method: 'GET', path: '/x', mode: 'explode' })).toMatchObject({
        status: 400,
      });
      expect(await control('GET', '/_emulator/nothing')).toMatchObject({ status: 404 });
    });

    it('does not count control calls in the request log', async () => {
      const before = emulator.requestLog().length;

      await control('GET', '/_emulator/deliveries');

      expect(emulator.requestLog()).toHaveLength(before);
    });
  });

  describe('trigger CLI', () => {
    it('parses the Stripe-CLI-like arguments', () => {
      expect(parseTriggerArgs(['account.updated', '--account', 'acct_1'], 'http://x')).toEqual({
        type: 'account.updated',
        account: 'acct_1',
        url: 'http://x',
      });
      expect(parseTriggerArgs(['capability.updated', '--account=acct_2', '--url', 'http://y'])).toEqual({
        type: 'capability.updated',
        account: 'acct_2',
        url: 'http://y',
      });
      expect(() => parseTriggerArgs(['account.updated'])).toThrow(/usage/);
    });

    it('posts to the control API and returns the event', async () => {
      const event = await postTrigger({ type: 'capability.updated', account: accountId, url: emulator.url });

      expect(event).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        type: 'capability.updated',
        account: accountId,
      });
    });

    it('prints the event id when run as a script', async () => {
      const { stdout } = await run('npx', [
        'tsx',
        'emulator/trigger-cli.ts',
        'account.updated',
        '--account',
        accountId,
        '--url',
        emulator.url,
      ]);

      expect(stdout.trim()).toMatch(/^evt_[A-Za-z0-9]{24}$/);
    }, 20_000);
  });
});
