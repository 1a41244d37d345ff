import Stripe from 'stripe';
import { serviceName } from '../service-name';

export interface StripeClientOptions {
  /** Sends api and connect calls alike to another server (the emulator locally). */
  readonly apiBase?: URL | undefined;
  /** A few seconds: far below the HTTP API's 30 s integration limit, so a slow Stripe is a clear 504, not a gateway timeout. */
  readonly timeoutMs: number;
}

/**
 * A Stripe client for the platform key. One network retry for idempotent calls (stripe-node adds
 * idempotency keys to POSTs); the OAuth code exchange turns retries off per request.
 */
export const createStripeClient = (secretKey: string, { apiBase, timeoutMs }: StripeClientOptions): Stripe =>
  new Stripe(secretKey, {
    timeout: timeoutMs,
    maxNetworkRetries: 1,
    telemetry: false,
    appInfo: { name: serviceName },
    ...(apiBase
      ? {
          host: apiBase.hostname,
          port: Number(apiBase.port || (apiBase.protocol === 'https:' ? 443 : 80)),
          protocol: apiBase.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });

/** The platform's Stripe client and the mode its key is in, for one request. */
export interface PlatformStripe {
  readonly client: Stripe;
  /** The mode of this deployment, from its key: responses and events of the other mode are refused. */
  readonly livemode: boolean;
  /**
   * The request options of a call made now: the call's `own` (an idempotency key, no retries), with a
   * timeout and retries that fit the time the request has left (./call-budget.ts). Throws an
   * `OutOfTimeError` when too little is left, so call it inside the `try` that classifies the call's failure.
   */
  callOptions(own?: Stripe.RequestOptions): Stripe.RequestOptions;
}

/**
 * How use cases reach Stripe: called only when a request gets as far as needing Stripe, so a
 * refused request never reads the key or builds a client.
 */
export type StripeAccess = () => Promise<PlatformStripe>;

let cached: { key: string; client: Stripe } | undefined;

/** One client per container, rebuilt only when the secret key itself changes (after a rotation). */
export const stripeClientFor = (secretKey: string, options: StripeClientOptions): Stripe => {
  if (cached?.key !== secretKey) cached = { key: secretKey, client: createStripeClient(secretKey, options) };
  return cached.client;
};
