/**
 * The envelope of a Stripe event, checked after its signature: only verified bytes are parsed,
 * and only a well-formed envelope goes further. Events are rendered in the API version of the
 * endpoint that receives them: before 2017-05-25 a Connect event named its account `user_id`, since
 * then `account` (docs/stripe-fidelity.md, "API versions"); either is read here.
 */

import { badRequest } from '../errors';
import { accountIdPattern } from '../stripe/ids';
import { type EpochMs, fromEpochSeconds } from '../time';

export interface StripeEventEnvelope {
  readonly id: string;
  readonly type: string;
  /** When Stripe created the event (sent in epoch seconds). */
  readonly created: EpochMs;
  readonly livemode: boolean;
  /** Connect events: the connected account the event is about (`account`, or `user_id` before 2017-05-25). */
  readonly account: string | undefined;
  /** The API version the event is rendered in (the endpoint's); null when Stripe sends none. */
  readonly apiVersion: string | null;
  readonly object: Readonly<Record<string, unknown>>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Stripe's versions look like `2026-10-28.endive` or `2017-04-06`; anything else is no version we know. */
const apiVersionPattern = /^\d{4}-\d{2}-\d{2}(?:\.[a-z_]{1,32})?$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const accountField = (value: unknown, name: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !accountIdPattern.test(value))
    throw badRequest('invalid_payload', `The event has an invalid ${name}.`);
  return value;
};

/** `account`, or the `user_id` of an endpoint on a version before 2017-05-25; both and different: not an event. */
const connectedAccount = (account: unknown, userId: unknown): string | undefined => {
  const named = accountField(account, 'account');
  const legacy = accountField(userId, 'user_id');
  if (named !== undefined && legacy !== undefined && named !== legacy)
    throw badRequest('invalid_payload', 'The event names two different accounts (account and user_id).');
  return named ?? legacy;
};

export const parseStripeEvent = (payload: Buffer): StripeEventEnvelope => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(payload));
  } catch {
    throw badRequest('invalid_payload', 'The body is not a JSON event.');
  }
  if (!isRecord(parsed) || !isRecord(parsed.data) || !isRecord(parsed.data.object)) {
    throw badRequest('invalid_payload', 'The body is not a Stripe event: data.object is missing.');
  }
  const { id, type, created, livemode, api_version } = parsed;
  if (typeof id !== 'string' || !/^evt_[A-Za-z0-9_]{1,255}$/.test(id))
    throw badRequest('invalid_payload', 'The event has no valid id.');
  if (typeof type !== 'string' || !/^[a-z0-9_.]{1,100}$/.test(type))
    throw badRequest('invalid_payload', 'The event has no valid type.');
  if (typeof created !== 'number' || !Number.isInteger(created) || created <= 0)
    throw badRequest('invalid_payload', 'The event has no valid created time.');
  if (typeof livemode !== 'boolean') throw badRequest('invalid_payload', 'The event has no livemode.');
  const account = connectedAccount(parsed.account, parsed.user_id);
  return {
    id,
    type,
    created: fromEpochSeconds(created),
    livemode,
    account,
    apiVersion: typeof api_version === 'string' && apiVersionPattern.test(api_version) ? api_version : null,
    object: parsed.data.object,
  };
};
