/**
 * The webhook event types we handle, each with its effect: the one table the handling, the docs'
 * list of events to subscribe and the tests all derive from. An event type not in it is answered
 * 200 `ignored` (`unhandled_type`), so Stripe stops sending it.
 */

import { stripeApiVersion } from '../stripe/api-version';
import { accountIdPattern } from '../stripe/ids';
import { type EpochMs, fromEpochSeconds, isEpochSeconds } from '../time';
import type { PlanIgnoreReason } from './ignore-reasons';
import type { StripeEventEnvelope } from './stripe-event';

/**
 * What an event does to the account record:
 * - `snapshot`: its object is the whole account as of `created`; applied in place on the account item,
 *   ordered by `created` and deduplicated by an entry on that item (one write, no transaction);
 * - `reread`: its object is not a whole, ordered account, so the account is read again at Stripe (current
 *   by definition, stamped with our clock); applied once beside a record in the events table, which is
 *   checked before the Stripe call so a redelivery costs one read;
 * - `deauthorization`: Stripe revoked our access; a tombstone as of the end of the event's second,
 *   applied once beside a record in the events table.
 */
export type EventEffect = 'snapshot' | 'reread' | 'deauthorization';

/** The account an event is about, or why it names none we can use (the `ignored` reason). */
export type LocatedAccount = { readonly accountId: string } | { readonly ignore: PlanIgnoreReason };

export type AccountLocator = (event: StripeEventEnvelope) => LocatedAccount;

export interface EventTypeSpec {
  readonly effect: EventEffect;
  readonly accountOf: AccountLocator;
  /**
   * May be sent before our record of its account is stored: when the account came to us (connected, or
   * created), if the event tells. For a while after that an unknown (or still deauthorized) account is
   * answered 503, so that Stripe retries once our OAuth callback or onboarding has stored it.
   */
  readonly mayPrecedeRecord?: (event: StripeEventEnvelope) => EpochMs | undefined;
}

/** Sent as the account connects (`account.application.authorized`): the OAuth callback may still be storing it. */
const connectedAt = ({ created }: StripeEventEnvelope): EpochMs => created;

/**
 * A time of Stripe's in the event's object (epoch seconds) to wait for a record from, if it is no later than the
 * event: nothing is created or requested after an event about it (both are Stripe's clock), and waiting from such a
 * time would answer the event 503 until that time came, for as long as Stripe retries.
 */
const waitFrom = (value: unknown, created: EpochMs): EpochMs | undefined =>
  isEpochSeconds(value) && fromEpochSeconds(value) <= created ? fromEpochSeconds(value) : undefined;

/**
 * The Account's own `created`: an account the platform just created (onboarding's first visit stores it right
 * after Stripe answers the create) may change, and be sent, before that record is written.
 */
const accountCreatedAt = ({ object, created }: StripeEventEnvelope): EpochMs | undefined =>
  waitFrom(object.created, created);

/**
 * The Capability's `requested_at`: onboarding requests an account's capabilities in the create itself, so a
 * capability of an account just created may change, and be sent, before onboarding's record is written.
 */
const capabilityRequestedAt = ({ object, created }: StripeEventEnvelope): EpochMs | undefined =>
  waitFrom(object.requested_at, created);

/** A Connect event's `account`: the connected account it was sent for. */
export const connectedAccountOf: AccountLocator = ({ account }) =>
  account ? { accountId: account } : { ignore: 'no_account' };

/** The event's object is the Account itself. */
export const accountObjectOf: AccountLocator = ({ object, account }) => {
  if (typeof object.id !== 'string' || !accountIdPattern.test(object.id)) return { ignore: 'malformed_account' };
  if (account !== undefined && account !== object.id) return { ignore: 'account_mismatch' };
  return { accountId: object.id };
};

/** The object belongs to an account (its `account` field, as a Capability's), else the event's account. */
export const owningAccountOf =
  (malformed: PlanIgnoreReason): AccountLocator =>
  ({ object, account }) => {
    const accountId = typeof object.account === 'string' ? object.account : account;
    if (!accountId || !accountIdPattern.test(accountId)) return { ignore: malformed };
    if (account !== undefined && account !== accountId) return { ignore: 'account_mismatch' };
    return { accountId };
  };

export const webhookEventTypes = {
  'account.updated': { effect: 'snapshot', accountOf: accountObjectOf, mayPrecedeRecord: accountCreatedAt },
  'capability.updated': {
    effect: 'reread',
    accountOf: owningAccountOf('malformed_capability'),
    mayPrecedeRecord: capabilityRequestedAt,
  },
  'account.application.authorized': { effect: 'reread', accountOf: connectedAccountOf, mayPrecedeRecord: connectedAt },
  'account.application.deauthorized': { effect: 'deauthorization', accountOf: connectedAccountOf },
} as const satisfies Readonly<Record<string, EventTypeSpec>>;

export type HandledEventType = keyof typeof webhookEventTypes;

/** The event types to subscribe the webhook endpoint to. */
export const handledEventTypes = Object.keys(webhookEventTypes) as readonly HandledEventType[];

/** The table's entry for a type; undefined for a type we do not handle (own keys only: `constructor` is no type). */
export const eventTypeSpec = (type: string): EventTypeSpec | undefined =>
  Object.hasOwn(webhookEventTypes, type) ? webhookEventTypes[type as HandledEventType] : undefined;

/**
 * Whether the event is rendered in the API version the service reads (an endpoint created with another
 * version, or an event Stripe sends without one, is not): only then does `data.object` have the shape
 * stripe-node's types, and so our readers, describe.
 */
export const isInPinnedVersion = (event: Pick<StripeEventEnvelope, 'apiVersion'>): boolean =>
  event.apiVersion === stripeApiVersion;

/**
 * Whether the API version the event is rendered in matters to us: only where its type's object is applied
 * as a snapshot. The others name their account in the envelope or in a field every version has, and are
 * re-read at Stripe or tombstoned. Stripe renders `account.application.*` events in the connected account's
 * own API version, whatever the endpoint's (docs/webhooks.md), so a warning for those would sound at every
 * connection and tell the operator to fix an endpoint that is right.
 */
export const isVersionSensitive = (event: Pick<StripeEventEnvelope, 'type'>): boolean =>
  eventTypeSpec(event.type)?.effect === 'snapshot';

/**
 * What this event does: its type's effect, except that a snapshot in another API version is not trusted
 * as one and the account is re-read at Stripe instead (in our version); undefined for an unhandled type.
 */
export const effectOf = (event: Pick<StripeEventEnvelope, 'type' | 'apiVersion'>): EventEffect | undefined => {
  const effect = eventTypeSpec(event.type)?.effect;
  return effect === 'snapshot' && !isInPinnedVersion(event) ? 'reread' : effect;
};

/** Deduplicated on the account item it changes, in its one write (the bulk of a Connect platform's traffic). */
export const isAppliedInPlace = (event: Pick<StripeEventEnvelope, 'type' | 'apiVersion'>): boolean =>
  effectOf(event) === 'snapshot';

/** Costs a Stripe call: checked for a duplicate first. */
export const readsAccountAtStripe = (event: Pick<StripeEventEnvelope, 'type' | 'apiVersion'>): boolean =>
  effectOf(event) === 'reread';
