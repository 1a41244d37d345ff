/**
 * Public types of the local Stripe emulator. Shapes follow Stripe's API objects, trimmed to the
 * fields a Connect onboarding service reads.
 */

export type AccountType = 'standard' | 'express';
export type CapabilityStatus = 'active' | 'inactive' | 'pending' | 'unrequested' | 'disabled';

export interface AccountRequirements {
  currently_due: string[];
  eventually_due: string[];
  past_due: string[];
  pending_verification: string[];
  disabled_reason: string | null;
  current_deadline: number | null;
}

export interface BusinessProfile {
  name: string | null;
  url: string | null;
  product_description: string | null;
  support_email: string | null;
}

export interface StripeAccount {
  id: string;
  object: 'account';
  type: AccountType;
  business_profile: BusinessProfile;
  business_type: string | null;
  capabilities: Record<string, CapabilityStatus>;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  controller: {
    type: 'application' | 'account';
    is_controller?: boolean;
    stripe_dashboard?: { type: 'express' | 'full' | 'none' };
    /** Present on accounts the platform created with the Accounts API (controller properties). */
    fees?: { payer: 'account' | 'application' };
    losses?: { payments: 'application' | 'stripe' };
    requirement_collection?: 'application' | 'stripe';
  };
  country: string;
  default_currency: string;
  created: number;
  email: string | null;
  metadata: Record<string, string>;
  requirements: AccountRequirements;
}

/** What `updateAccount` accepts: top-level fields replaced, the nested objects merged one level deep. */
export type StripeAccountPatch = Partial<
  Omit<
    StripeAccount,
    'id' | 'object' | 'type' | 'created' | 'requirements' | 'business_profile' | 'capabilities' | 'controller'
  >
> & {
  requirements?: Partial<AccountRequirements>;
  business_profile?: Partial<BusinessProfile>;
  capabilities?: Record<string, CapabilityStatus>;
};

export interface StripeApplication {
  id: string;
  object: 'application';
  name: string | null;
}

export interface StripeCapability {
  id: string;
  object: 'capability';
  account: string;
  requested: boolean;
  requested_at: number | null;
  status: CapabilityStatus;
}

export type EventObject = StripeAccount | StripeApplication | StripeCapability;

export interface StripeEvent {
  id: string;
  object: 'event';
  account: string;
  api_version: string;
  created: number;
  data: { object: EventObject; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
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

export type FaultMode = 'server_error' | 'rate_limit' | 'lock_timeout' | 'timeout' | 'reset';

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
}

export interface StripeEmulatorOptions {
  /** Default 12111; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  hostname?: string;
  /** The platform secret key accepted (sk_test_... => livemode false, sk_live_... => true). */
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
  updateAccount(id: string, patch: StripeAccountPatch): Promise<StripeEvent>;
  trigger(type: string, accountId: string): Promise<StripeEvent>;
  deliveries(): readonly WebhookDelivery[];
  waitForDeliveries(count: number, timeoutMs?: number): Promise<readonly WebhookDelivery[]>;
  redeliver(eventId: string): Promise<void>;
  /**
   * Rolls the signing secret of the endpoint at `url` (every endpoint when omitted) like the Dashboard's
   * "Roll secret" with an expiry: `secret` becomes current and the old one stays active, so each delivery
   * carries one v1 per secret until `expireRolledSecrets()`.
   */
  rollWebhookSecret(secret: string, url?: string): void;
  /** Ends every roll: deliveries are signed with the current secrets only. */
  expireRolledSecrets(): void;
  requestLog(): readonly RequestLogEntry[];
}
