/**
 * Public types of the local Stripe emulator. The objects it returns and sends are stripe-node's own
 * types (generated from Stripe's OpenAPI spec), narrowed where the emulator always fills a field Stripe
 * marks optional: `tsc` fails when a builder drifts from what Stripe sends (a missing or unknown key).
 */
import type Stripe from 'stripe';

/** The members of a stripe-node string union, without its open-ended `OtherString` member. */
export type Known<T> = T extends unknown ? (string extends T ? never : T) : never;

export type AccountType = 'standard' | 'express';
/** A value of `Account.capabilities` (Stripe lists requested capabilities only: no `unrequested` there). */
export type CapabilityStatus = Known<Stripe.Account.Capabilities.Transfers>;
/** A Capability object's status, which may also be `unrequested`. */
export type CapabilityObjectStatus = Known<Stripe.Capability.Status>;

export type AccountRequirements = Stripe.Account.Requirements;
export type BusinessProfile = Stripe.Account.BusinessProfile;

/** Stripe.Account with the fields the emulator always sends made required. */
export interface StripeAccount extends Stripe.Account {
  type: AccountType;
  business_profile: BusinessProfile;
  capabilities: Record<string, CapabilityStatus>;
  controller: Stripe.Account.Controller;
  country: string;
  created: number;
  default_currency: string;
  future_requirements: Stripe.Account.FutureRequirements;
  metadata: Stripe.Metadata;
  requirements: AccountRequirements;
  settings: Stripe.Account.Settings;
  tos_acceptance: Stripe.Account.TosAcceptance;
}

/** What `updateAccount` accepts: top-level fields replaced, the nested objects merged one level deep. */
export type StripeAccountPatch = Partial<
  Omit<
    StripeAccount,
    | 'id'
    | 'object'
    | 'type'
    | 'created'
    | 'requirements'
    | 'future_requirements'
    | 'business_profile'
    | 'capabilities'
    | 'controller'
  >
> & {
  requirements?: Partial<AccountRequirements>;
  future_requirements?: Partial<Stripe.Account.FutureRequirements>;
  business_profile?: Partial<BusinessProfile>;
  capabilities?: Record<string, CapabilityStatus>;
};

export interface StripeApplication extends Stripe.Application {
  name: string;
}

export interface StripeCapability extends Stripe.Capability {
  account: string;
  status: CapabilityObjectStatus;
  future_requirements: Stripe.Capability.FutureRequirements;
  requirements: Stripe.Capability.Requirements;
}

export type EventObject = StripeAccount | StripeApplication | StripeCapability;

/**
 * Stripe.EventBase with an open `type`: the emulator can send any type (for "unknown event type" tests);
 * the ones it models are checked against their stripe-node event types in the fidelity tests.
 */
export interface StripeEvent extends Omit<Stripe.EventBase, 'type' | 'data' | 'api_version' | 'request'> {
  account: string;
  api_version: string;
  data: { object: EventObject; previous_attributes?: Record<string, unknown> };
  request: Stripe.Event.Request;
  type: string;
}

export type StripeLoginLink = Stripe.LoginLink;
export type StripeOAuthToken = Required<Stripe.OAuthToken>;

export interface WebhookDelivery {
  eventId: string;
  type: string;
  /** The connected account the event is about (its `account`), as Stripe's Dashboard lists it. */
  account?: string;
  url: string;
  /** 1 for the first try, 2.. for automatic retries; redeliveries start again at 1. */
  attempt: number;
  /** HTTP status the endpoint answered, absent when the request failed at the network level. */
  status?: number;
  error?: string;
  ok: boolean;
  at: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string (query strings may carry codes and states). */
  path: string;
  at: number;
}

/**
 * `server_error` fails before the endpoint starts (not saved under an idempotency key, so a retry can
 * succeed); `saved_server_error` fails after it started, as Stripe's idempotency layer then saves the 500
 * and replays it to every retry with the same key for 24 hours, with `Stripe-Should-Retry: false`;
 * `saved_server_error_lost` is that saved failure with its answer lost (the connection reset once the 500 is
 * saved; a replay is answered), so the client's retry under the same key gets it replayed; `key_in_use` answers as Stripe does while
 * another request with the same idempotency key is running.
 */
export const faultModes = [
  'server_error',
  'saved_server_error',
  'saved_server_error_lost',
  'key_in_use',
  'rate_limit',
  'lock_timeout',
  'timeout',
  'reset',
] as const;
export type FaultMode = (typeof faultModes)[number];

export interface FaultSpec {
  method: string;
  path: string | RegExp;
  mode: FaultMode;
  /** How many matching requests to fault; default 1. */
  times?: number;
}

export interface WebhookEndpoint {
  url: string;
  /** The endpoint's current signing secret. */
  secret: string;
  /** Older secrets still active during a roll (Stripe keeps them for up to 24 hours): each signs too. */
  rollingSecrets?: readonly string[];
  /**
   * The API version the endpoint was created with; events are rendered in it (default: the emulator's
   * apiVersion). Before 2017-05-25 Connect events named the account `user_id` instead of `account`.
   */
  apiVersion?: string;
}

export interface StripeEmulatorOptions {
  /** Default 12111; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  hostname?: string;
  /** The platform secret key accepted (sk_test_/rk_test_ => livemode false, sk_live_/rk_live_ => true, as `isLiveKey` reads it). */
  secretKey: string;
  /** The platform's ca_... client id. */
  clientId: string;
  /** Registered redirect URIs; the first is the default; redirect_uri must match one exactly. */
  redirectUris: string[];
  /** Signed events are POSTed to each endpoint. */
  webhookEndpoints?: WebhookEndpoint[];
  /** Lifetime of authorization codes; default 300 (Stripe: "expires in 5 minutes"). */
  codeTtlSeconds?: number;
  /** Millisecond clock, injectable for tests. Used for expiry, `created` fields and signature timestamps. */
  now?: () => number;
  /** Shown on the authorize page and in the Application object of events; default 'Local Platform'. */
  platformName?: string;
  /** api_version written into events; default the version pinned by stripe@23.1.0. */
  apiVersion?: string;
  /**
   * The connected accounts' own API version. Stripe writes it, not the endpoint's, as the `api_version` of
   * `account.application.authorized` and `.deauthorized` (a bug Stripe acknowledged in 2023 and has not
   * fixed; docs/stripe-fidelity.md). Default `2024-06-20`, an older version than the pinned one, so the
   * service meets the difference in every test that connects an account.
   */
  accountApiVersion?: string;
  /**
   * Capabilities Stripe does not offer per country (e.g. `{ BR: ['card_payments'] }`): new accounts there
   * get the suggested capabilities minus these, with Stripe's fallback rules (see grantCapabilities).
   */
  unavailableCapabilities?: Readonly<Record<string, readonly string[]>>;
  /** Webhook retry policy for failed deliveries: default 3 attempts, 100 ms backoff doubling each time. */
  webhookRetry?: { attempts?: number; backoffMs?: number; timeoutMs?: number };
}

export interface StripeEmulator {
  readonly url: string;
  close(): Promise<void>;
  decide(authorizeUrl: string, decision: 'allow' | 'deny', options?: { accountId?: string }): Promise<string>;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  getAccount(id: string): StripeAccount | undefined;
  /** The ids of every account the emulator holds, in the order they were created or connected. */
  accountIds(): readonly string[];
  updateAccount(id: string, patch: StripeAccountPatch): Promise<StripeEvent>;
  trigger(type: string, accountId: string): Promise<StripeEvent>;
  deliveries(): readonly WebhookDelivery[];
  waitForDeliveries(count: number, timeoutMs?: number): Promise<readonly WebhookDelivery[]>;
  /** Resolves once no delivery is under way or waiting for its retry (rejects after `timeoutMs`, default 5000). */
  webhooksIdle(timeoutMs?: number): Promise<void>;
  redeliver(eventId: string): Promise<void>;
  /**
   * Rolls the signing secret of the endpoint at `url` (every endpoint when omitted) like the Dashboard's
   * "Roll secret" with an expiry: `secret` becomes current and the old one stays active, so each delivery
   * carries one v1 per secret until `expireRolledSecrets()`.
   */
  rollWebhookSecret(secret: string, url?: string): void;
  /** Sets which capabilities accounts created from now on in `country` cannot get ([] clears it). */
  setUnavailableCapabilities(country: string, capabilities: readonly string[]): void;
  /** Ends every roll: deliveries are signed with the current secrets only. */
  expireRolledSecrets(): void;
  requestLog(): readonly RequestLogEntry[];
}

/** What an endpoint answers: its status and JSON body. */
export interface ApiReply {
  status: number;
  body: unknown;
  /** `Stripe-Should-Retry` when it is not the status's usual one (`shouldRetry` in ./http-util.ts). */
  shouldRetry?: boolean;
}
