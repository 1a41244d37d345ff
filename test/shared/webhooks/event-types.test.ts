import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../../shared/config';
import { createLogger } from '../../../shared/logger';
import { noMetrics } from '../../../shared/metrics';
import type { PlatformSecrets } from '../../../shared/secrets';
import type { InPlaceOutcome } from '../../../shared/stores/accounts-repo';
import type { EventsRepo } from '../../../shared/stores/events-repo';
import { stripeApiVersion } from '../../../shared/stripe/api-version';
import { type AccountState, noRequirements } from '../../../shared/webhooks/account-change';
import {
  accountObjectOf,
  type EventEffect,
  eventTypeSpec,
  type HandledEventType,
  handledEventTypes,
  owningAccountOf,
} from '../../../shared/webhooks/event-types';
import { ingestWebhook } from '../../../shared/webhooks/ingest-event';

const accountId = 'acct_1Types';
const secret = 'whsec_event_types';
const created = 1_700_000_000;
const now = (created + 5) * 1000;

const stripeAccount = {
  id: accountId,
  object: 'account',
  charges_enabled: true,
  payouts_enabled: false,
  details_submitted: true,
  capabilities: { card_payments: 'active' },
  requirements: { currently_due: [], past_due: [], eventually_due: [], disabled_reason: null, current_deadline: null },
};
const state: AccountState = {
  chargesEnabled: true,
  payoutsEnabled: false,
  detailsSubmitted: true,
  capabilities: { card_payments: 'active' },
  requirements: noRequirements,
  futureRequirements: noRequirements,
};
const application = { id: 'ca_platform', object: 'application', name: 'Platform' };

/** What Stripe sends as each type's `data.object`: a new type in the table needs its sample here. */
const sampleObjects: Record<HandledEventType, Record<string, unknown>> = {
  'account.updated': stripeAccount,
  'capability.updated': { id: 'card_payments', object: 'capability', account: accountId, status: 'active' },
  'account.application.authorized': application,
  'account.application.deauthorized': application,
};

/** The version of the stored snapshot the store reports before a read at Stripe. */
const storedVersion = 3;

const eventRecord = (id: string, type: string) => ({ eventId: id, type, accountId, created: created * 1000 });

/** The store and Stripe calls each effect makes, in order. */
const callsOf = (effect: EventEffect, id: string, type: string): unknown[][] => {
  switch (effect) {
    case 'snapshot':
      return [['applyInPlace', id, { kind: 'state', accountId, state, asOf: created * 1000, source: 'event' }, now]];
    case 'reread':
      return [
        ['beforeStripeRead', id, accountId],
        ['readAccount', accountId],
        [
          'applyOnce',
          eventRecord(id, type),
          { kind: 'state', accountId, state, asOf: now, source: 'read', seen: storedVersion },
          now,
        ],
      ];
    case 'deauthorization':
      return [
        ['applyOnce', eventRecord(id, type), { kind: 'deauthorized', accountId, asOf: created * 1000 + 999 }, now],
      ];
  }
};

/**
 * Ingests a signed event of `type` with recording fakes for the store and Stripe; the store's in-place
 * writes answer `inPlaceAnswers` in turn, then `applied`.
 */
const ingest = async (
  type: string,
  object: Record<string, unknown>,
  apiVersion: string | null = stripeApiVersion,
  inPlaceAnswers: InPlaceOutcome[] = [],
) => {
  const id = `evt_${type.replaceAll('.', '_')}`;
  const calls: unknown[][] = [];
  const events: EventsRepo = {
    beforeStripeRead: async (...args) => {
      calls.push(['beforeStripeRead', ...args]);
      return { processed: false, snapshotVersion: storedVersion };
    },
    applyOnce: async (...args) => {
      calls.push(['applyOnce', ...args]);
      return 'applied';
    },
    applyInPlace: async (...args) => {
      calls.push(['applyInPlace', ...args]);
      return inPlaceAnswers.shift() ?? 'applied';
    },
  };
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: apiVersion,
    type,
    created,
    livemode: false,
    account: accountId,
    data: { object },
  });
  const response = await ingestWebhook(
    {
      body: payload,
      isBase64Encoded: false,
      signature: Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: created + 5 }),
    },
    {
      config: { webhookToleranceSeconds: 300, livemodeMismatch: 'ignore' } as ServiceConfig,
      secrets: {
        secretKey: 'sk_test_types',
        clientId: 'ca_platform',
        webhookSecrets: [secret],
        platformTokenSecret: 'unused',
        previousPlatformTokenSecret: undefined,
      } satisfies PlatformSecrets,
      events,
      readAccount: async (account) => {
        calls.push(['readAccount', account]);
        return stripeAccount;
      },
      notices: { publish: async () => undefined },
      logger: createLogger('test', () => undefined),
      metrics: noMetrics,
      now,
    },
  );
  return { id, response: { status: response.statusCode, body: JSON.parse(response.body ?? '') }, calls };
};

describe('accountObjectOf', () => {
  const envelope = (id: unknown, account?: string) => ({
    id: 'evt_1',
    type: 'account.updated',
    created: created * 1000,
    livemode: false,
    apiVersion: stripeApiVersion,
    account,
    object: { id },
  });

  it('takes the account id of the Account the event carries, and only an account id', () => {
    expect(accountObjectOf(envelope(accountId))).toEqual({ accountId });
    for (const id of ['', 'x'.repeat(3000), 'cus_123', 42, undefined]) {
      expect(accountObjectOf(envelope(id)), String(id)).toEqual({ ignore: 'malformed_account' });
    }
    expect(accountObjectOf(envelope(accountId, 'acct_1Other'))).toEqual({ ignore: 'account_mismatch' });
  });
});

describe('owningAccountOf', () => {
  const locate = owningAccountOf('malformed_capability');
  const envelope = (owner: unknown, account?: string) => ({
    id: 'evt_1',
    type: 'capability.updated',
    created: created * 1000,
    livemode: false,
    apiVersion: stripeApiVersion,
    account,
    object: { id: 'transfers', object: 'capability', account: owner },
  });

  it("takes the account the object belongs to, else the event's, and ignores an object of another account than the event names", () => {
    expect(locate(envelope(accountId))).toEqual({ accountId });
    expect(locate(envelope(accountId, accountId))).toEqual({ accountId });
    expect(locate(envelope(undefined, accountId))).toEqual({ accountId });
    expect(locate(envelope('acct_1Other', accountId))).toEqual({ ignore: 'account_mismatch' });
    for (const owner of ['', 'cus_123', undefined]) {
      expect(locate(envelope(owner)), String(owner)).toEqual({ ignore: 'malformed_capability' });
    }
  });
});

describe("account.updated's mayPrecedeRecord", () => {
  const eventAt = 1_700_000_000;
  const pendingFrom = (object: Record<string, unknown>) =>
    eventTypeSpec('account.updated')?.mayPrecedeRecord?.({
      id: 'evt_young',
      type: 'account.updated',
      created: eventAt * 1000,
      livemode: false,
      account: undefined,
      apiVersion: stripeApiVersion,
      object: { id: accountId, object: 'account', ...object },
    });

  it("is the Account's created, up to the event's own second, and nothing for a created that is no time", () => {
    expect(pendingFrom({ created: eventAt - 60 })).toBe((eventAt - 60) * 1000);
    expect(pendingFrom({ created: eventAt })).toBe(eventAt * 1000);
    expect(pendingFrom({ created: 0 })).toBe(0);
    for (const created of [undefined, null, -1, 1.5, '1699999999', eventAt + 1, 2 ** 53])
      expect(pendingFrom({ created }), String(created)).toBeUndefined();
  });
});

describe('webhookEventTypes', () => {
  it.each(handledEventTypes)('handles %s by the effect the table gives it', async (type) => {
    const effect = eventTypeSpec(type)?.effect as EventEffect;

    const { id, response, calls } = await ingest(type, sampleObjects[type]);

    expect(response).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(calls).toEqual(callsOf(effect, id, type));
  });

  it.each([
    ['another version', '2017-04-06'],
    ['no version', null],
  ])(
    're-reads the account at Stripe for an account.updated in %s: its object may not have the shape we read',
    async (_, version) => {
      const { id, response, calls } = await ingest('account.updated', stripeAccount, version);

      expect(response).toEqual({ status: 200, body: { received: true, status: 'processed' } });
      expect(calls).toEqual(callsOf('reread', id, 'account.updated'));
    },
  );

  const tie = (stateVersion: number) => ({ outcome: 'same_second', stateVersion }) as const;
  const settling = (version: number) => ({
    kind: 'state',
    accountId,
    state,
    asOf: now,
    source: 'read',
    tie: { at: created * 1000, version },
  });

  it('reads the account again when an account.updated ties a stored snapshot of its second, and applies that over the version it saw', async () => {
    const { id, response, calls } = await ingest('account.updated', stripeAccount, stripeApiVersion, [tie(4)]);

    expect(response).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(calls).toEqual([
      ...callsOf('snapshot', id, 'account.updated'),
      ['readAccount', accountId],
      ['applyInPlace', id, settling(4), now],
    ]);
  });

  it('reads again, over the newer version, when another read of the second was stored meanwhile', async () => {
    const { id, response, calls } = await ingest('account.updated', stripeAccount, stripeApiVersion, [tie(4), tie(5)]);

    expect(response).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(calls.slice(-2)).toEqual([
      ['readAccount', accountId],
      ['applyInPlace', id, settling(5), now],
    ]);
  });

  it('asks Stripe to retry an account.updated for an account not stored here until 15 minutes after Stripe created it, and acknowledges it from then on', async () => {
    const createdAgo = (seconds: number) => ({ ...stripeAccount, created: now / 1000 - seconds });

    const young = ingest('account.updated', createdAgo(15 * 60 - 1), stripeApiVersion, ['unknown_account']);
    const old = await ingest('account.updated', createdAgo(15 * 60), stripeApiVersion, ['unknown_account']);

    await expect(young).rejects.toMatchObject({ kind: 'unavailable', code: 'account_pending' });
    expect(old.response).toEqual({
      status: 200,
      body: { received: true, status: 'ignored', reason: 'unknown_account' },
    });
  });

  it('reads up to three times while the second keeps changing, and applies the third read', async () => {
    const { id, response, calls } = await ingest('account.updated', stripeAccount, stripeApiVersion, [
      tie(1),
      tie(2),
      tie(3),
    ]);

    expect(response).toEqual({ status: 200, body: { received: true, status: 'processed' } });
    expect(calls.filter(([call]) => call === 'readAccount')).toHaveLength(3);
    expect(calls.at(-1)).toEqual(['applyInPlace', id, settling(3), now]);
  });

  it('gives up after three reads (503 at the edge, for Stripe to deliver again) when the second keeps changing', async () => {
    // A fourth read would be applied (the fake answers applied once its ties run out).
    const settled = ingest('account.updated', stripeAccount, stripeApiVersion, [tie(1), tie(2), tie(3), tie(4)]);

    await expect(settled).rejects.toMatchObject({ kind: 'unavailable', code: 'store_conflict' });
  });

  it('answers stale if the read that settles the tie finds a newer snapshot stored', async () => {
    const { response } = await ingest('account.updated', stripeAccount, stripeApiVersion, [tie(4), 'stale']);

    expect(response).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'stale' } });
  });

  it.each(['customer.created', 'account.external_account.created', 'constructor', 'to_string'])(
    'ignores %s, a type not in the table, with 200 and touches neither the store nor Stripe',
    async (type) => {
      const { response, calls } = await ingest(type, stripeAccount);

      expect(response).toEqual({ status: 200, body: { received: true, status: 'ignored', reason: 'unhandled_type' } });
      expect(calls).toEqual([]);
    },
  );

  /** The backticked event types in a piece of Markdown. */
  const typesIn = (text: string) => [...text.matchAll(/`([a-z_]+(?:\.[a-z_]+)+)`/g)].map((match) => match[1]).sort();

  it('is what the operations guide tells to subscribe the endpoint to, what stripe listen forwards, and what the metrics guide lists', () => {
    const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');
    const subscribe = /^- Events: ([^\n]*(?:\n {2}[^\n]*)*)/m.exec(doc('operations.md'))?.[1] ?? '';
    const listen = /^stripe listen --events (\S+)/m.exec(doc('deploy.md'))?.[1]?.split(',') ?? [];
    const processedMetric = /^\| `WebhookEventProcessed` *\|([^|]*)\|/m.exec(doc('observability.md'))?.[1] ?? '';

    expect(typesIn(subscribe)).toEqual([...handledEventTypes].sort());
    expect(listen.sort()).toEqual([...handledEventTypes].sort());
    expect(typesIn(processedMetric)).toEqual([...handledEventTypes].sort());
  });

  it("is the table of docs/design-stores.md's Event types, each type with its effect", () => {
    const design = readFileSync(new URL('../../../docs/design-stores.md', import.meta.url), 'utf8');
    const section = design.split(/^## Event types$/m)[1]?.split(/^#/m)[0] ?? '';
    const rows = [...section.matchAll(/^\| `([a-z_.]+)` *\| `([a-z]+)` *\|/gm)].map(([, type, effect]) => [
      type,
      effect,
    ]);

    expect(rows.sort()).toEqual(handledEventTypes.map((type) => [type, eventTypeSpec(type)?.effect]).sort());
  });
});
