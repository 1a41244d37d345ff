import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_VERSION, type StripeEmulator } from '../../emulator';
import { connect, startTestEmulator, WEBHOOK_SECRET, WebhookReceiver } from './helpers';

describe('StripeEmulator > events in the endpoint API version', () => {
  let emulator: StripeEmulator;
  const receivers: Record<'current' | 'modern' | 'legacy', WebhookReceiver | undefined> = {
    current: undefined,
    modern: undefined,
    legacy: undefined,
  };

  beforeEach(async () => {
    receivers.current = await WebhookReceiver.start();
    receivers.modern = await WebhookReceiver.start();
    receivers.legacy = await WebhookReceiver.start();
    emulator = await startTestEmulator({
      webhookEndpoints: [
        { url: receivers.current.url, secret: WEBHOOK_SECRET },
        { url: receivers.modern.url, secret: WEBHOOK_SECRET, apiVersion: '2017-05-25' },
        { url: receivers.legacy.url, secret: WEBHOOK_SECRET, apiVersion: '2017-04-06' },
      ],
    });
  });

  afterEach(async () => {
    await emulator.close();
    await Promise.all(Object.values(receivers).map((r) => r?.close()));
  });

  const envelope = (receiver: WebhookReceiver | undefined, index = 0) => {
    const event = JSON.parse(receiver?.received[index]?.body ?? '{}') as Record<string, unknown>;
    return { type: event.type, api_version: event.api_version, account: event.account, user_id: event.user_id };
  };

  it('names the account `account` from 2017-05-25 on and `user_id` before, with the endpoint version', async () => {
    const accountId = await connect(emulator, 'standard');
    await emulator.waitForDeliveries(3);
    await emulator.updateAccount(accountId, { payouts_enabled: false });
    await emulator.waitForDeliveries(6);

    expect([envelope(receivers.current, 1), envelope(receivers.modern, 1), envelope(receivers.legacy, 1)]).toEqual([
      { type: 'account.updated', api_version: DEFAULT_API_VERSION, account: accountId, user_id: undefined },
      { type: 'account.updated', api_version: '2017-05-25', account: accountId, user_id: undefined },
      { type: 'account.updated', api_version: '2017-04-06', account: undefined, user_id: accountId },
    ]);
  });

  it("writes the connected account's own API version into account.application.* events, whatever the endpoint's", async () => {
    const accountId = await connect(emulator, 'standard');
    await emulator.waitForDeliveries(3);

    expect([envelope(receivers.current), envelope(receivers.modern), envelope(receivers.legacy)]).toEqual([
      { type: 'account.application.authorized', api_version: '2024-06-20', account: accountId, user_id: undefined },
      { type: 'account.application.authorized', api_version: '2024-06-20', account: accountId, user_id: undefined },
      { type: 'account.application.authorized', api_version: '2024-06-20', account: undefined, user_id: accountId },
    ]);
  });
});
