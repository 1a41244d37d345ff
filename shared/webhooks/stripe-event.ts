/**
 * The envelope of a Stripe event, checked after its signature: only verified bytes are parsed,
 * and only a well-formed envelope goes further.
 */
import { badRequest } from '../errors';
import { type EpochMs, fromEpochSeconds } from '../time';

export interface StripeEventEnvelope {
  readonly id: string;
  readonly type: string;
  /** When Stripe created the event (sent in epoch seconds). */
  readonly created: EpochMs;
  readonly livemode: boolean;
  /** Connect events: the connected account the event is about. */
  readonly account: string | undefined;
  readonly object: Readonly<Record<string, unknown>>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
  const { id, type, created, livemode, account } = parsed;
  if (typeof id !== 'string' || !/^evt_[A-Za-z0-9_]{1,255}$/.test(id))
    throw badRequest('invalid_payload', 'The event has no valid id.');
  if (typeof type !== 'string' || !/^[a-z0-9_.]{1,100}$/.test(type))
    throw badRequest('invalid_payload', 'The event has no valid type.');
  if (typeof created !== 'number' || !Number.isInteger(created) || created <= 0)
    throw badRequest('invalid_payload', 'The event has no valid created time.');
  if (typeof livemode !== 'boolean') throw badRequest('invalid_payload', 'The event has no livemode.');
  if (
    account !== undefined &&
    account !== null &&
    (typeof account !== 'string' || !/^acct_[A-Za-z0-9]{1,64}$/.test(account))
  ) {
    throw badRequest('invalid_payload', 'The event has an invalid account.');
  }
  return {
    id,
    type,
    created: fromEpochSeconds(created),
    livemode,
    account: typeof account === 'string' ? account : undefined,
    object: parsed.data.object,
  };
};
