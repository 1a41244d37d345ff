import { DeleteCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient, useDocumentClient } from '../../shared/clients/dynamodb';
import { useAccountNotices } from '../../shared/clients/notices';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { checksAppliedEvents } from '../../shared/stores/accounts-repo';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import { pause } from '../../shared/time';
import { noRequirements } from '../../shared/webhooks/account-change';
import { poisonedEventMessage } from '../../shared/webhooks/log-messages';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';
import {
  accountOfLink,
  callApi,
  connectAccount,
  createdAtStripeOnly,
  platformStripe,
  storedAccount,
} from '../support/platform-api';
import {
  beforeFirstTransaction,
  beforeFirstUpdate,
  transactionLandsUnanswered,
  updateAnswerLost,
  updateLandsUnanswered,
  updateTimesOut,
} from '../support/store-faults';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';
import { capabilityUpdatedEvent, postSignedEvent, type SignedPostOptions } from '../support/webhooks';

const stack = useLocalStack({ gateway: { forceBase64Bodies: true } });
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  db = createDocumentClient();
});

/** Connects and confirms an account for `user`, as a platform does, once its webhook refreshed the record. */
const connect = (flow: 'standard' | 'express', user = 'user_hooks'): Promise<string> =>
  connectAccount(stack, flow, user);

const readAccount = async (accountId: string) =>
  (await db.send(new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }))).Item;

/** The in-place dedupe entries (`<created>:<event id>`) on an account item. */
const appliedEvents = async (accountId: string): Promise<string[]> =>
  [...((await readAccount(accountId))?.appliedEvents ?? [])] as string[];

const processedEvents = async (eventId: string) =>
  (
    await db.send(
      new ScanCommand({
        TableName: stack.tables.events,
        FilterExpression: 'eventId = :id',
        ExpressionAttributeValues: { ':id': eventId },
      }),
    )
  ).Items ?? [];

/** Waits until the emulator has an answered delivery of the event (retries included). */
const delivered = async (eventId: string, answers = 1) => {
  for (let tries = 0; tries < 200; tries += 1) {
    const found = stack.emulator
      .deliveries()
      .filter((delivery) => delivery.eventId === eventId && delivery.status !== undefined);
    if (found.length >= answers) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no delivery of ${eventId}`);
};

/** Posts an event the way Stripe does, signed with the local endpoint secret: its status and body. */
const post = async (event: Record<string, unknown>, options: SignedPostOptions = {}) => {
  const { status, body } = await postSignedEvent(stack, event, options);
  return { status, body };
};

const accountUpdated = (accountId: string, id: string, created: number, fields: Record<string, unknown>) => ({
  id,
  object: 'event',
  api_version: stripeApiVersion,
  type: 'account.updated',
  account: accountId,
  created,
  livemode: false,
  data: {
    object: {
      id: accountId,
      object: 'account',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: {},
      requirements: {
        currently_due: [],
        past_due: [],
        eventually_due: [],
        disabled_reason: null,
        current_deadline: null,
      },
      ...fields,
    },
  },
});

/**
 * The first delivery (answered) of a new event of `type` after the `seen` deliveries so far. Retries of
 * older events (a 503 answered earlier is delivered again later) are not it.
 */
const firstDeliveryAfter = async (seen: number, type: string) => {
  for (let tries = 0; tries < 200; tries += 1) {
    const found = stack.emulator
      .deliveries()
      .slice(seen)
      .find((delivery) => delivery.type === type && delivery.attempt === 1 && delivery.status !== undefined);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} delivery`);
};

const firstAuthorizedDeliveryAfter = (seen: number) => firstDeliveryAfter(seen, 'account.application.authorized');

/** The fields of our record that the emulator's account decides. */
const stateAtStripe = (accountId: string) => {
  const account = stack.emulator.getAccount(accountId);
  if (!account) throw new Error(`the emulator has no ${accountId}`);
  return {
    chargesEnabled: account.charges_enabled,
    payoutsEnabled: account.payouts_enabled,
    capabilities: account.capabilities,
  };
};

/** How many times the service has read `accountId` at the emulator so far. */
const stripeReadsOf = (accountId: string) =>
  stack.emulator.requestLog().filter((entry) => entry.path === `/v1/accounts/${accountId}`).length;

/**
 * A second after every snapshot that connecting the account stored: an event of a stored second is
 * settled by reading the account at Stripe instead (see the test of two events of one second).
 */
const afterConnecting = () => Math.floor(Date.now() / 1000) + 1;

const uniqueEventId = () => `evt_${Math.random().toString(36).slice(2)}${Date.now()}`;

/** A fresh event id that does (or does not) make its in-place write check the applied-events set. */
const eventIdThat = (checks: boolean): string => {
  for (;;) {
    const id = uniqueEventId();
    if (checksAppliedEvents(id) === checks) return id;
  }
};

describe('POST /webhooks/stripe', () => {
  it('applies a signed account.updated from the emulator to the record', async () => {
    const accountId = await connect('express');
    // Read before the update: its webhook may be delivered before updateAccount returns.
    expect(await readAccount(accountId)).toMatchObject({ payoutsEnabled: true });
    const event = await stack.emulator.updateAccount(accountId, {
      payouts_enabled: false,
      requirements: { currently_due: ['external_account'] },
    });

    const [delivery] = await delivered(event.id);

    expect(delivery?.status).toBe(200);
    expect(await readAccount(accountId)).toMatchObject({
      accountId,
      status: 'connected',
      chargesEnabled: true,
      payoutsEnabled: false,
      requirements: {
        currentlyDue: ['external_account'],
        pastDue: [],
        eventuallyDue: [],
        disabledReason: null,
        currentDeadline: null,
      },
    });
    // account.updated is remembered on the item it changed, in the same write, not in the events table.
    expect(await appliedEvents(accountId)).toContain(`${event.created}:${event.id}`);
    expect(await processedEvents(event.id)).toEqual([]);
  });

  it('records the rarer events in the events table, kept longer than Stripe retries (TTL 30 days)', async () => {
    const accountId = await connect('standard');
    const event = await stack.emulator.trigger('capability.updated', accountId);
    await delivered(event.id);

    const [record] = await processedEvents(event.id);

    expect(record).toEqual({
      eventId: event.id,
      type: 'capability.updated',
      accountId,
      created: event.created,
      processedAt: expect.any(String),
      ttl: expect.any(Number),
      // Which write recorded it: read back when every answer to that write was lost.
      writeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(record?.ttl).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);
  });

  it('changes nothing on a redelivery of the same event', async () => {
    const accountId = await connect('express');
    const event = await stack.emulator.updateAccount(accountId, { charges_enabled: false });
    await delivered(event.id);
    const before = await readAccount(accountId);

    await stack.emulator.redeliver(event.id);
    await delivered(event.id, 2);

    expect(await readAccount(accountId)).toEqual(before);
    const second = await post(accountUpdated(accountId, event.id, event.created, { charges_enabled: true }));
    expect(second).toEqual({ status: 200, body: { received: true, status: 'duplicate' } });
    expect(await readAccount(accountId)).toEqual(before);
  });

  it('acknowledges a redelivery of an applied event as a duplicate after the account was disconnected, even a young one', async () => {
    const accountId = await connect('standard', 'user_redelivered_after_disconnect');
    const now = Math.floor(Date.now() / 1000);
    const event = accountUpdated(accountId, uniqueEventId(), now, { charges_enabled: true, created: now - 60 });
    expect((await post(event)).body).toEqual({ received: true, status: 'processed' });
    const disconnect = await fetch(`${stack.gatewayUrl}/accounts/${accountId}/deauthorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.mintTicket('user_redelivered_after_disconnect')}` },
    });
    expect(disconnect.status).toBe(200);

    // Already applied: nothing is left to do, so Stripe is not asked to retry it for the account's first minutes.
    expect(await post(event)).toEqual({ status: 200, body: { received: true, status: 'duplicate' } });
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized', chargesEnabled: true });
  });

  it('applies one of many concurrent copies of an event exactly once', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), afterConnecting(), { charges_enabled: false });

    const results = await Promise.all(Array.from({ length: 8 }, () => post(event)));

    expect(results.map((result) => result.status)).toEqual(Array(8).fill(200));
    expect(results.filter((result) => result.body.status === 'processed')).toHaveLength(1);
    expect(results.filter((result) => result.body.status === 'duplicate')).toHaveLength(7);
    expect(await appliedEvents(accountId)).toContain(`${event.created}:${event.id}`);
    expect(await readAccount(accountId)).toMatchObject({ chargesEnabled: false });
  });

  it('never lets an older event overwrite a newer state', async () => {
    const accountId = await connect('express');
    const now = afterConnecting();
    await post(accountUpdated(accountId, uniqueEventId(), now, { charges_enabled: false, payouts_enabled: false }));

    const late = await post(
      accountUpdated(accountId, uniqueEventId(), now - 60, { charges_enabled: true, payouts_enabled: true }),
    );

    expect(late).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'stale' } });
    expect(await readAccount(accountId)).toMatchObject({ chargesEnabled: false, payoutsEnabled: false });
  });

  it('settles two events of one second by what Stripe says now, and refuses a redelivery of either', async () => {
    const accountId = await connect('express');
    const second = Math.floor(Date.now() / 1000) + 5;
    // Which of the two is newer cannot be told from their second: neither payload is what Stripe says now.
    const first = accountUpdated(accountId, uniqueEventId(), second, { capabilities: { card_payments: 'inactive' } });
    const next = accountUpdated(accountId, uniqueEventId(), second, { capabilities: { card_payments: 'pending' } });
    const readsBefore = stripeReadsOf(accountId);

    expect((await post(first)).body).toEqual({ received: true, status: 'processed' });
    expect((await post(next)).body).toEqual({ received: true, status: 'processed' });
    const again = [await post(first), await post(next)];

    expect(again.map((answer) => answer.body)).toEqual([
      { received: true, status: 'duplicate' },
      { received: true, status: 'duplicate' },
    ]);
    expect(await readAccount(accountId)).toMatchObject({ ...stateAtStripe(accountId), stripeStateAt: second });
    expect(stripeReadsOf(accountId) - readsBefore).toBe(1);
  });

  it('settles a tie found after its second has passed by a read as of now, and still knows both events again', async () => {
    const accountId = await connect('express');
    const second = afterConnecting();
    const first = accountUpdated(accountId, uniqueEventId(), second, { capabilities: { card_payments: 'inactive' } });
    expect((await post(first)).body).toEqual({ received: true, status: 'processed' });
    // As in production, the tied event arrives once its second is over (Stripe delivers after it creates).
    while (Date.now() < (second + 1) * 1000 + 50) await pause(50);
    const next = accountUpdated(accountId, uniqueEventId(), second, { capabilities: { card_payments: 'pending' } });

    expect((await post(next)).body).toEqual({ received: true, status: 'processed' });
    const stored = await readAccount(accountId);
    const again = [await post(next), await post(first)];

    expect(stored).toMatchObject(stateAtStripe(accountId));
    expect(stored?.stripeStateAt).toBeGreaterThan(second);
    expect(again.map((answer) => answer.body.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('answers 5xx when the read that settles a tie fails, stores nothing of the tied event, and settles it on the retry', async () => {
    const accountId = await connect('express');
    const second = afterConnecting() + 5;
    const first = accountUpdated(accountId, uniqueEventId(), second, { charges_enabled: false });
    const next = accountUpdated(accountId, uniqueEventId(), second, { payouts_enabled: false });
    expect((await post(first)).body).toEqual({ received: true, status: 'processed' });
    const before = await readAccount(accountId);
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    // The reader retries once: fault both tries.
    stack.emulator.injectFault({ method: 'GET', path: `/v1/accounts/${accountId}`, mode: 'server_error', times: 2 });
    const failed = await post(next);
    stack.emulator.clearFaults();
    const afterFailure = await readAccount(accountId);
    const retried = await post(next);
    useAccountNotices(undefined);

    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(afterFailure).toEqual(before);
    expect(retried.body).toEqual({ received: true, status: 'processed' });
    expect(await readAccount(accountId)).toMatchObject(stateAtStripe(accountId));
    expect(notices.map((notice) => notice.detail.stripeEventId)).toEqual([next.id]);
  });

  it('applies concurrent copies of two events of one second once each, whichever lands first, and tells each once', async () => {
    const accountId = await connect('express');
    const second = afterConnecting() + 5;
    const first = accountUpdated(accountId, uniqueEventId(), second, { charges_enabled: false });
    const next = accountUpdated(accountId, uniqueEventId(), second, { payouts_enabled: false });
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });

    const answers = await Promise.all([first, next, next, first, first, next].map((event) => post(event)));
    useAccountNotices(undefined);

    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(answers.filter((answer) => answer.body.status === 'processed')).toHaveLength(2);
    expect(answers.filter((answer) => answer.body.status === 'duplicate')).toHaveLength(4);
    expect(notices.map((notice) => notice.detail.stripeEventId).sort()).toEqual([first.id, next.id].sort());
    expect(await readAccount(accountId)).toMatchObject(stateAtStripe(accountId));
    expect((await appliedEvents(accountId)).sort()).toEqual([`${second}:${first.id}`, `${second}:${next.id}`].sort());
  });

  it('keeps a deauthorization against account.updated copies racing it, and tells it once', async () => {
    const accountId = await connect('standard');
    const second = afterConnecting() + 5;
    const update = accountUpdated(accountId, uniqueEventId(), second + 1, { charges_enabled: false });
    const deauthorized = {
      id: uniqueEventId(),
      object: 'event',
      type: 'account.application.deauthorized',
      account: accountId,
      created: second,
      livemode: false,
      data: { object: { id: localDefaults.stripeClientId, object: 'application' } },
    };
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });

    const answers = await Promise.all([update, deauthorized, update, deauthorized].map((event) => post(event)));
    useAccountNotices(undefined);

    expect(answers.map((answer) => answer.status)).toEqual(Array(4).fill(200));
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized' });
    expect(notices.filter((notice) => notice.type === 'account.deauthorized')).toHaveLength(1);
    const updateProcessed = answers.filter((answer, index) => index % 2 === 0 && answer.body.status === 'processed');
    expect(notices.filter((notice) => notice.type === 'account.updated')).toHaveLength(updateProcessed.length);
    expect(updateProcessed.length).toBeLessThanOrEqual(1);
  });

  it('forgets the ids of earlier seconds once they pile up, and still refuses their redeliveries as older', async () => {
    const accountId = await connect('express');
    const start = Math.floor(Date.now() / 1000) + 10;
    const earlier = Array.from({ length: 16 }, (_, index) =>
      accountUpdated(accountId, eventIdThat(false), start + Math.floor(index / 4), {
        charges_enabled: index % 2 === 0,
      }),
    );
    for (const event of earlier) expect((await post(event)).body.status).toBe('processed');
    expect(await appliedEvents(accountId)).toHaveLength(16);
    // Neither asks for the set back; the next does.
    const sameSecond = accountUpdated(accountId, eventIdThat(false), start + 4, { charges_enabled: false });
    await post(sameSecond);
    expect(await appliedEvents(accountId)).toHaveLength(17);
    const latest = accountUpdated(accountId, eventIdThat(true), start + 4, {
      charges_enabled: true,
      payouts_enabled: true,
    });

    await post(latest);

    // The 16 entries of earlier seconds went after the checking write of second start+4; that second's own stay.
    expect((await appliedEvents(accountId)).sort()).toEqual(
      [`${start + 4}:${sameSecond.id}`, `${start + 4}:${latest.id}`].sort(),
    );
    expect((await post(earlier[15]!)).body).toEqual({ received: true, status: 'ignored', reason: 'stale' });
    expect((await post(sameSecond)).body).toEqual({ received: true, status: 'duplicate' });
    // The second event of a second ties the first: the account was read at Stripe instead.
    expect(await readAccount(accountId)).toMatchObject(stateAtStripe(accountId));
  });

  it('answers capability.updated with what Stripe says now, whatever the payload and the order of arrival', async () => {
    const accountId = await connect('express');
    const seen = stack.emulator.deliveries().length;
    const changed = await stack.emulator.updateAccount(accountId, { capabilities: { card_payments: 'inactive' } });
    await delivered(changed.id);
    // The emulator follows the account.updated with a capability.updated, which reads the account too: wait for it.
    await firstDeliveryAfter(seen, 'capability.updated');
    const storedAt = Number((await readAccount(accountId))?.stripeStateAt);
    const capabilityUpdated = (created: number, status: string) => ({
      id: uniqueEventId(),
      object: 'event',
      type: 'capability.updated',
      account: accountId,
      created,
      livemode: false,
      data: { object: { id: 'card_payments', object: 'capability', account: accountId, status, requested: true } },
    });
    // Both newer than what is stored, arriving newest first; neither payload is what Stripe says now.
    const newer = capabilityUpdated(storedAt + 2, 'pending');
    const older = capabilityUpdated(storedAt + 1, 'active');
    const stripeReads = () =>
      stack.emulator.requestLog().filter((entry) => entry.path === `/v1/accounts/${accountId}`).length;
    const readsBefore = stripeReads();

    const first = await post(newer);
    const late = await post(older);
    const redelivered = await post(newer);

    expect(first).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(late).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(redelivered).toEqual({ status: 200, body: { received: true, status: 'duplicate' } });
    expect((await readAccount(accountId))?.capabilities).toMatchObject({ card_payments: 'inactive' });
    // The redelivery is answered from our events table: no third read at Stripe.
    expect(stripeReads() - readsBefore).toBe(2);
  });

  // An event of the read's second may be created after the read and stored before the read's write: the read is
  // then a tie, settled by reading again.
  it('never lets a read at Stripe overwrite an account.updated of its second created after the read', async () => {
    const accountId = await connect('express');
    await stack.emulator.webhooksIdle();
    // Early in a fresh second, so that the read, the change at Stripe and its event all fall in it.
    const stored = Number((await readAccount(accountId))?.stripeStateAt);
    while (Date.now() % 1000 > 100 || Math.floor(Date.now() / 1000) <= stored) await pause(10);
    const second = Math.floor(Date.now() / 1000);
    let changed: { id: string; created: number } | undefined;
    // capability.updated reads the account (charges enabled); before its write lands, the account changes at
    // Stripe and that change's account.updated is delivered and stored.
    useDocumentClient(
      beforeFirstTransaction(async () => {
        changed = await stack.emulator.updateAccount(accountId, { charges_enabled: false });
        await delivered(changed.id);
      }),
    );
    const reread = await post({
      id: uniqueEventId(),
      object: 'event',
      type: 'capability.updated',
      account: accountId,
      created: second,
      livemode: false,
      data: { object: { id: 'transfers', object: 'capability', account: accountId, status: 'active' } },
    });
    useDocumentClient(undefined);
    await stack.emulator.webhooksIdle();

    expect(changed?.created).toBe(second);
    expect(reread.status).toBe(200);
    expect(stateAtStripe(accountId).chargesEnabled).toBe(false);
    expect(await readAccount(accountId)).toMatchObject(stateAtStripe(accountId));
  });

  // Nothing reads the account after the first visit stores it (the OAuth callback does read after its record): the
  // event is answered 503 while the account is young, and Stripe's retry applies it.
  it("keeps an account.updated Stripe sends for an account it created before the onboarding's first visit stored it", async () => {
    let early: { id: string } | undefined;
    // Between Stripe's create and our record of the account, Stripe reports the account changed.
    useDocumentClient(
      beforeFirstUpdate(
        (input) =>
          input.TableName === stack.tables.accounts && input.ConditionExpression === 'attribute_not_exists(accountId)',
        async (key) => {
          early = await stack.emulator.updateAccount(String(key.accountId), {
            requirements: { currently_due: ['individual.first_name'] },
          });
          await delivered(early.id);
        },
      ),
    );
    const started = await openStartLink(
      new TestBrowser(),
      `${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await stack.mintTicket('user_early_event')}`,
    );
    useDocumentClient(undefined);
    const accountId = accountOfLink(locationOf(started));
    await stack.emulator.webhooksIdle();
    const deliveries = await delivered(early?.id ?? '', 2);

    // Answered 503 (account_pending) before the record existed, applied by Stripe's retry.
    expect(deliveries.map((delivery) => delivery.status)).toEqual([503, 200]);
    const atStripe = stack.emulator.getAccount(accountId);
    expect(atStripe?.requirements.currently_due).toEqual(['individual.first_name']);
    expect((await readAccount(accountId))?.requirements?.currentlyDue).toEqual(['individual.first_name']);
  });

  it('asks Stripe to retry an authorization announced before its callback stored the account', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(
      `${stack.gatewayUrl}/connect/authorize?type=express&ticket=${await stack.mintTicket('user_race')}`,
    );
    const seen = stack.emulator.deliveries().length;
    const callbackUrl = await stack.emulator.decide(locationOf(start).href, 'allow');

    const early = await firstAuthorizedDeliveryAfter(seen);
    const accountId = locationOf(await browser.get(callbackUrl)).searchParams.get('account') ?? '';
    await stack.emulator.redeliver(early.eventId);
    const answers = await delivered(early.eventId, 2);

    expect(early).toMatchObject({ attempt: 1, status: 503 });
    expect(answers.map((answer) => answer.status)).toContain(200);
    expect(await processedEvents(early.eventId)).toHaveLength(1);
    expect(await readAccount(accountId)).toMatchObject({
      status: 'connected',
      platformUserId: 'user_race',
      stripeStateAt: expect.any(Number),
    });
  });

  it('asks Stripe to retry a reconnection announced while our record still says deauthorized', async () => {
    const accountId = await connect('standard', 'user_reconnect');
    const disconnect = await fetch(`${stack.gatewayUrl}/accounts/${accountId}/deauthorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.mintTicket('user_reconnect')}` },
    });
    expect(disconnect.status).toBe(200);
    const browser = new TestBrowser();
    const start = await browser.get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('user_reconnect')}`,
    );
    const seen = stack.emulator.deliveries().length;
    const callbackUrl = await stack.emulator.decide(locationOf(start).href, 'allow', { accountId });

    const early = await firstAuthorizedDeliveryAfter(seen);
    const landed = locationOf(await browser.get(callbackUrl));
    await stack.emulator.redeliver(early.eventId);
    const answers = await delivered(early.eventId, 2);

    expect(early).toMatchObject({ attempt: 1, status: 503 });
    expect(landed.searchParams.get('account')).toBe(accountId);
    expect(answers.map((answer) => answer.status)).toContain(200);
    expect(await processedEvents(early.eventId)).toHaveLength(1);
    expect(await readAccount(accountId)).toMatchObject({ status: 'connected' });
  });

  it('acknowledges an authorization for an account it does not hold once no callback can still store it', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(
      `${stack.gatewayUrl}/connect/authorize?type=express&ticket=${await stack.mintTicket('user_abandoned')}`,
    );
    const seen = stack.emulator.deliveries().length;
    const callbackUrl = await stack.emulator.decide(locationOf(start).href, 'allow');
    await firstAuthorizedDeliveryAfter(seen);
    const accountId = locationOf(await browser.get(callbackUrl)).searchParams.get('account') ?? '';
    await db.send(new DeleteCommand({ TableName: stack.tables.accounts, Key: { accountId } }));

    const old = await post({
      id: uniqueEventId(),
      object: 'event',
      type: 'account.application.authorized',
      account: accountId,
      created: Math.floor(Date.now() / 1000) - 3600,
      livemode: false,
      data: { object: { id: localDefaults.stripeClientId, object: 'application' } },
    });

    expect(old).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'unknown_account' } });
    expect(await readAccount(accountId)).toBeUndefined();
  });

  it('marks an account deauthorized from the emulator and keeps it so against a late account.updated', async () => {
    const accountId = await connect('standard');
    await platformStripe(stack).oauth.deauthorize({
      client_id: localDefaults.stripeClientId,
      stripe_user_id: accountId,
    });
    const deauthorized = await (async () => {
      for (let tries = 0; tries < 200; tries += 1) {
        const record = await readAccount(accountId);
        if (record?.status === 'deauthorized') return record;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('never deauthorized');
    })();

    const late = await post(
      accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: true }),
    );

    expect(deauthorized).toMatchObject({ status: 'deauthorized', deauthorizedAt: expect.any(String) });
    expect(late.body).toEqual({ received: true, status: 'ignored', reason: 'account_deauthorized' });
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized' });
  });

  /** An account.application.* event for `accountId`, created `created` (epoch seconds). */
  const applicationEvent = (type: 'authorized' | 'deauthorized', accountId: string, created: number) => ({
    id: uniqueEventId(),
    object: 'event',
    type: `account.application.${type}`,
    account: accountId,
    created,
    livemode: false,
    data: { object: { id: localDefaults.stripeClientId, object: 'application' } },
  });

  it('leaves a connected account connected when a deauthorization older than its connection arrives late', async () => {
    const accountId = await connect('standard', 'user_late_deauth');
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });

    const late = await post(applicationEvent('deauthorized', accountId, Math.floor(Date.now() / 1000) - 120));
    useAccountNotices(undefined);

    expect(late.body).toEqual({ received: true, status: 'ignored', reason: 'stale' });
    expect(await readAccount(accountId)).toMatchObject({ status: 'connected' });
    expect(notices).toEqual([]);
  });

  it('acknowledges at once an authorization that arrives after the connection it announced was revoked', async () => {
    const accountId = await connect('standard', 'user_revoked_first');
    await stack.emulator.trigger('account.application.deauthorized', accountId);
    await stack.emulator.webhooksIdle();
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized' });

    // Within the window in which an unknown or deauthorized account is answered 503: Stripe no longer lets us read it.
    const late = await post(applicationEvent('authorized', accountId, Math.floor(Date.now() / 1000) - 60));

    expect(late).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'account_inaccessible' } });
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized' });
  });

  it('acknowledges events for accounts we never connected without storing them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const result = await post(
      accountUpdated('acct_neverconnected1', uniqueEventId(), now, { charges_enabled: true, created: now - 3600 }),
    );

    expect(result).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'unknown_account' } });
    expect(await readAccount('acct_neverconnected1')).toBeUndefined();
  });

  it('asks Stripe to retry an account.updated for an unknown account created minutes ago, which onboarding may still store', async () => {
    const now = Math.floor(Date.now() / 1000);
    const young = await post(
      accountUpdated('acct_notstoredyet01', uniqueEventId(), now, { charges_enabled: true, created: now - 60 }),
    );

    expect(young.status).toBe(503);
    expect(young.body).toMatchObject({ error: { code: 'account_pending' } });
    expect(await readAccount('acct_notstoredyet01')).toBeUndefined();
  });

  it('asks Stripe to retry a capability.updated for an unknown account whose capability was requested minutes ago, and acknowledges an old one', async () => {
    const accountId = await createdAtStripeOnly(stack);
    const now = Math.floor(Date.now() / 1000);
    const requested = (requestedAt: number) =>
      capabilityUpdatedEvent({ id: uniqueEventId(), accountId, created: now, requestedAt });

    const young = await post(requested(now - 60));
    const old = await post(requested(now - 3600));

    expect(young.status).toBe(503);
    expect(young.body).toMatchObject({ error: { code: 'account_pending' } });
    expect(old).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'unknown_account' } });
    expect(await readAccount(accountId)).toBeUndefined();
  });

  it('acknowledges an account.updated for an unknown account whose created is after its event, instead of asking Stripe to retry it for days', async () => {
    const now = Math.floor(Date.now() / 1000);
    // No account is created after an event about it: a created ahead of the event is no creation to wait for.
    for (const ahead of [3600, 10 * 365 * 86_400]) {
      const accountId = `acct_createdahead${ahead}`;
      const result = await post(
        accountUpdated(accountId, uniqueEventId(), now, { charges_enabled: true, created: now + ahead }),
      );

      expect(result, `created ${ahead} s after the event`).toEqual({
        status: 200,
        body: { received: true, status: 'ignored', reason: 'unknown_account' },
      });
      expect(await readAccount(accountId)).toBeUndefined();
    }
  });

  it('acknowledges unknown event types and events of the other mode', async () => {
    const base = { object: 'event', created: Math.floor(Date.now() / 1000), data: { object: {} } };

    expect((await post({ ...base, id: uniqueEventId(), type: 'charge.succeeded', livemode: false })).body).toEqual({
      received: true,
      status: 'ignored',
      reason: 'unhandled_type',
    });
    expect((await post({ ...base, id: uniqueEventId(), type: 'account.updated', livemode: true })).body).toEqual({
      received: true,
      status: 'ignored',
      reason: 'livemode_mismatch',
    });
  });

  it.each([
    ['a wrong secret', { secret: 'whsec_forged' }, 'signature_mismatch'],
    ['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 600 }, 'timestamp_outside_tolerance'],
  ])('refuses an event with %s and stores nothing', async (_, options, code) => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: false });
    const before = await readAccount(accountId);

    const result = await post(event, options);

    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: { type: 'invalid_request_error', code, message: expect.any(String) } });
    expect(await processedEvents(event.id)).toEqual([]);
    expect(await readAccount(accountId)).toEqual(before);
  });

  it('refuses a tampered body signed for another body', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: true });
    const signed = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: signed,
      secret: localDefaults.webhookSecret,
    });

    const response = await fetch(`${stack.gatewayUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: signed.replace('"charges_enabled":true', '"charges_enabled":false'),
    });

    expect(response.status).toBe(400);
    expect(await processedEvents(event.id)).toEqual([]);
  });

  it('refuses a request without a signature or with a body that is not an event', async () => {
    const unsigned = await fetch(`${stack.gatewayUrl}/webhooks/stripe`, { method: 'POST', body: '{}' });
    const notJson = await post({}, { body: 'not json' });
    const huge = await post({}, { body: 'x'.repeat(300 * 1024) });

    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('missing_signature');
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    expect(huge).toMatchObject({ status: 400, body: { error: { code: 'payload_too_large' } } });
  });

  it('refreshes the account from Stripe on account.application.authorized', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const accountId = await connect('standard');
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.accounts,
        Key: { accountId },
        UpdateExpression:
          'SET chargesEnabled = :no, payoutsEnabled = :no, detailsSubmitted = :no, stripeStateAt = :old',
        ExpressionAttributeValues: { ':no': false, ':old': 1 },
      }),
    );

    const event = await stack.emulator.trigger('account.application.authorized', accountId);
    await delivered(event.id);

    expect(await readAccount(accountId)).toMatchObject({
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
    });
  });

  it('answers 503 when the store fails midway, records nothing, and processes the retry', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), afterConnecting(), { charges_enabled: false });
    useDocumentClient(updateTimesOut());
    const failed = await post(event);
    useDocumentClient(undefined);
    const retried = await post(event);

    expect(failed).toEqual({
      status: 503,
      body: {
        error: {
          type: 'service_unavailable_error',
          code: 'store_unavailable',
          message: expect.stringContaining('Nothing was changed'),
        },
      },
    });
    expect(retried).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(await appliedEvents(accountId)).toContain(`${event.created}:${event.id}`);
    expect(await readAccount(accountId)).toMatchObject({ chargesEnabled: false });
  });

  it('processes and publishes an event once when the SDK retries its write after the answer was lost', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000) + 20, {
      charges_enabled: false,
    });
    const notices: AccountNotice[] = [];
    // The first attempt reaches DynamoDB and its answer is lost; the retry is what the handler hears back.
    useDocumentClient(updateAnswerLost());
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    const answer = await post(event);
    useAccountNotices(undefined);
    useDocumentClient(undefined);

    expect(answer).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(notices.map((notice) => notice.detail.stripeEventId)).toEqual([event.id]);
    expect(await readAccount(accountId)).toMatchObject({ chargesEnabled: false });
  });

  /**
   * Posts `event` through `client`, whose write lands but whose every answer is lost, then redelivers it as Stripe
   * would: both answers, and the notices published meanwhile.
   */
  const postLosingEveryAnswer = async (
    event: Record<string, unknown>,
    client: ReturnType<typeof updateLandsUnanswered>,
  ) => {
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    useDocumentClient(client);
    const unanswered = await post(event);
    useDocumentClient(undefined);
    const redelivered = await post(event);
    useAccountNotices(undefined);
    return { unanswered, redelivered, notices };
  };

  it('publishes a change stored by a write whose every answer was lost: the write is read back, not answered 503', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), afterConnecting() + 20, { charges_enabled: false });
    const { unanswered, redelivered, notices } = await postLosingEveryAnswer(event, updateLandsUnanswered());

    // Answered 503, Stripe's redelivery would find the event applied (a duplicate) and nobody would be told.
    expect(unanswered).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(await readAccount(accountId)).toMatchObject({ chargesEnabled: false });
    expect(redelivered.body).toEqual({ received: true, status: 'duplicate' });
    expect(notices.map((notice) => notice.detail.stripeEventId)).toEqual([event.id]);
  });

  it('publishes a deauthorization whose transaction committed though every answer was lost: its record is read back', async () => {
    const accountId = await connect('standard', 'user_unanswered_deauth');
    const event = applicationEvent('deauthorized', accountId, Math.floor(Date.now() / 1000) + 1);
    const { unanswered, redelivered, notices } = await postLosingEveryAnswer(event, transactionLandsUnanswered());

    expect(unanswered).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(await readAccount(accountId)).toMatchObject({ status: 'deauthorized' });
    expect(redelivered.body).toEqual({ received: true, status: 'duplicate' });
    expect(notices.map((notice) => [notice.type, notice.detail.stripeEventId])).toEqual([
      ['account.deauthorized', event.id],
    ]);
  });

  it('publishes each effective change once for the platform (what EventBridge would receive)', async () => {
    const accountId = await connect('express');
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    const event = accountUpdated(accountId, uniqueEventId(), afterConnecting(), {
      charges_enabled: false,
      capabilities: { transfers: 'active' },
    });

    await post(event);
    await post(event);
    await post(accountUpdated(accountId, uniqueEventId(), 1, { charges_enabled: true }));
    useAccountNotices(undefined);

    expect(notices).toEqual([
      {
        type: 'account.updated',
        accountId,
        detail: {
          stripeEventId: event.id,
          stripeEventType: 'account.updated',
          stateAsOf: new Date(event.created * 1000).toISOString(),
          chargesEnabled: false,
          payoutsEnabled: false,
          detailsSubmitted: false,
          capabilities: { transfers: 'active' },
          requirements: noRequirements,
          futureRequirements: noRequirements,
        },
      },
    ]);
  });

  it('keeps what Stripe will require next, what failed verification and what is being verified, and tells the platform', async () => {
    const accountId = await connectAccount(stack, 'express', 'future_owner');
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    const deadline = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;

    const event = await stack.emulator.updateAccount(accountId, {
      requirements: {
        currently_due: ['individual.verification.document'],
        pending_verification: ['individual.id_number'],
        errors: [
          {
            requirement: 'individual.verification.document',
            code: 'verification_document_expired',
            reason: 'The document has expired.',
          },
        ],
      },
      future_requirements: { eventually_due: ['company.tax_id'], current_deadline: deadline },
    });
    await stack.emulator.webhooksIdle();
    const stored = await storedAccount(stack, accountId);
    useAccountNotices(undefined);

    const view = await callApi(stack, 'GET', `/accounts/${accountId}`, await stack.mintTicket('future_owner'));
    const expected = {
      requirements: {
        ...noRequirements,
        currentlyDue: ['individual.verification.document'],
        pendingVerification: ['individual.id_number'],
        errors: [
          {
            requirement: 'individual.verification.document',
            code: 'verification_document_expired',
            reason: 'The document has expired.',
          },
        ],
      },
      futureRequirements: { ...noRequirements, eventuallyDue: ['company.tax_id'], currentDeadline: deadline },
    };
    expect(stored).toMatchObject(expected);
    expect(view.body).toMatchObject(expected);
    expect(notices).toContainEqual(
      expect.objectContaining({
        type: 'account.updated',
        accountId,
        detail: expect.objectContaining({ stripeEventId: event.id, ...expected }),
      }),
    );
  });
});

describe('POST /webhooks/stripe > events that can never apply', () => {
  /** An account.updated as Stripe would sign it, with raw JSON for the capabilities (JSON keeps `__proto__` as a key). */
  const withCapabilitiesJson = (accountId: string, created: number, capabilities: string) => {
    const event = accountUpdated(accountId, uniqueEventId(), created, { capabilities: 'CAPABILITIES' });
    return { event, body: JSON.stringify(event).replace('"CAPABILITIES"', capabilities) };
  };

  it('drops capability keys every object already has (`__proto__`, `constructor`, …) and applies the rest', async () => {
    const accountId = await connect('express');
    const now = Math.floor(Date.now() / 1000);
    const { event, body } = withCapabilitiesJson(
      accountId,
      now,
      '{"__proto__":"active","constructor":"active","toString":"active","hasOwnProperty":"active","prototype":"active","transfers":"inactive"}',
    );

    const hostile = await post(event, { body });
    const later = await post(
      accountUpdated(accountId, uniqueEventId(), now + 1, { capabilities: { transfers: 'active' } }),
    );

    expect(hostile).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(later).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect((await readAccount(accountId))?.capabilities).toEqual({ transfers: 'active' });
  });

  it('acknowledges an event dated beyond now plus the tolerance without applying it, and still applies the next real one', async () => {
    const accountId = await connect('express');
    const now = afterConnecting();
    const before = await readAccount(accountId);
    const in2100 = accountUpdated(accountId, uniqueEventId(), 4_102_444_800, { charges_enabled: false });

    const future = await post(in2100);
    const untouched = await readAccount(accountId);
    const real = await post(accountUpdated(accountId, uniqueEventId(), now, { payouts_enabled: false }));

    expect(future).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'created_in_future' } });
    expect(untouched).toEqual(before);
    expect(real).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(await readAccount(accountId)).toMatchObject({ stripeStateAt: now, payoutsEnabled: false });
  });

  /** Handlers use `failing` for the duration of `run`: its UpdateCommands throw `error`. */
  const withFailingUpdates = async <T>(error: Error, run: () => Promise<T>): Promise<T> => {
    const real = createDocumentClient();
    const failing = Object.create(real) as typeof real;
    failing.send = (async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'UpdateCommand') throw error;
      return real.send(command as never);
    }) as typeof real.send;
    useDocumentClient(failing);
    try {
      return await run();
    } finally {
      useDocumentClient(undefined);
    }
  };

  /** DynamoDB's answer to a write whose item would pass 400 KB: it can never succeed. */
  const itemTooLarge = (): Error =>
    Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });

  it('acknowledges an event the store refuses for good (item too large) so that Stripe stops', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: false });

    const refused = await withFailingUpdates(itemTooLarge(), () => post(event));

    expect(refused).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'store_rejected' } });
    expect(await appliedEvents(accountId)).not.toContain(`${event.created}:${event.id}`);
  });

  it('logs an event the store refuses for good at ERROR (ours to look at), not as a warning about the event', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: false });

    const refused = await withFailingUpdates(itemTooLarge(), () => postSignedEvent(stack, event));

    expect(refused.body).toEqual({ received: true, status: 'ignored', reason: 'store_rejected' });
    expect(
      capturedServiceLines()
        .filter((line) => line.startsWith('{"level":'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.correlation_id === refused.requestId && line.message === poisonedEventMessage),
    ).toEqual([expect.objectContaining({ level: 'ERROR', eventId: event.id, reason: 'store_rejected' })]);
  });

  it('still answers 503 when DynamoDB throttles, so that Stripe retries', async () => {
    const accountId = await connect('express');
    const event = accountUpdated(accountId, uniqueEventId(), Math.floor(Date.now() / 1000), { charges_enabled: false });
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });

    const answer = await withFailingUpdates(throttled, () => post(event));

    expect(answer).toEqual({
      status: 503,
      body: { error: { type: 'service_unavailable_error', code: 'store_unavailable', message: expect.any(String) } },
    });
    expect(await post(event)).toEqual({ status: 200, body: { received: true, status: 'processed' } });
  });
});
