/** Webhook deliveries as Stripe sends them, for the integration tests. */
import Stripe from 'stripe';
import { localDefaults } from '../../local/defaults';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import type { LocalStack } from './local-stack';

export interface SignedPostOptions {
  /** The signing secret (default: the local endpoint's). */
  readonly secret?: string;
  readonly timestamp?: number;
  /** The bytes sent, when they are not the event's JSON (a tampered or malformed body). */
  readonly body?: string;
}

/** Posts an event to the stack's webhook the way Stripe does, signed; the answer, and its request id. */
export const postSignedEvent = async (
  stack: LocalStack,
  event: Record<string, unknown>,
  options: SignedPostOptions = {},
) => {
  const body = options.body ?? JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? localDefaults.webhookSecret,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  const response = await fetch(`${stack.gatewayUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    requestId: response.headers.get('x-request-id'),
  };
};

/** A `capability.updated` as Stripe sends it for `accountId`'s `transfers`, now `pending`, requested at `requestedAt`. */
export const capabilityUpdatedEvent = (event: {
  readonly id: string;
  readonly accountId: string;
  readonly created: number;
  readonly requestedAt: unknown;
}) => ({
  id: event.id,
  object: 'event',
  api_version: stripeApiVersion,
  type: 'capability.updated',
  account: event.accountId,
  created: event.created,
  livemode: false,
  data: {
    object: {
      id: 'transfers',
      object: 'capability',
      account: event.accountId,
      status: 'pending',
      requested: true,
      requested_at: event.requestedAt,
    },
  },
});
