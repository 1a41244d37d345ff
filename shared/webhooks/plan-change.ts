/**
 * Decides what a verified event means for our records, by its type's effect in the event table:
 * a snapshot carried by the event, a snapshot re-read at Stripe (current by definition: as of now,
 * so no older event can overwrite it; also for a snapshot in another API version than ours), or a
 * deauthorization.
 */
import type { AccountReader } from '../stripe/account-reader';
import { type EpochMs, endOfSecond } from '../time';
import { type AccountChange, accountStateFrom, type SnapshotTie, type StateChange } from './account-change';
import { effectOf, eventTypeSpec } from './event-types';
import type { PlanIgnoreReason } from './ignore-reasons';
import type { StripeEventEnvelope } from './stripe-event';

export type ChangePlan = { readonly change: AccountChange } | { readonly ignore: PlanIgnoreReason };

/**
 * The account as Stripe has it now, as a `read` snapshot as of `asOf` (a moment before the read): a
 * `reread` event's, made after it saw the stored snapshot of version `seen`, or, with a `tie`, the one that
 * settles a tie (see `settleTie`).
 */
const rereadAccount = async (
  readAccount: AccountReader,
  accountId: string,
  asOf: EpochMs,
  ordered: { readonly tie: SnapshotTie } | { readonly seen: number | undefined },
): Promise<ChangePlan> => {
  const account = await readAccount(accountId);
  // Access already revoked again: nothing to refresh; a deauthorized event follows.
  if (!account) return { ignore: 'account_inaccessible' };
  const state = accountStateFrom(account);
  if (!state) return { ignore: 'malformed_account' };
  const order = 'tie' in ordered ? { tie: ordered.tie } : ordered.seen === undefined ? {} : { seen: ordered.seen };
  return { change: { kind: 'state', accountId, state, asOf, source: 'read', ...order } };
};

/**
 * The `read` that settles `tied`, an event's snapshot refused for a stored one of its very second (seen at
 * `version`): the account as Stripe has it now, newer than both. It is as of the end of that second at least
 * (our clock may lag Stripe's, and the read follows both tied events), and carries its `tie`.
 */
export const settleTie = (
  readAccount: AccountReader,
  tied: StateChange,
  version: number,
  now: EpochMs,
): Promise<ChangePlan> =>
  rereadAccount(readAccount, tied.accountId, Math.max(now, endOfSecond(tied.asOf)), {
    tie: { at: tied.asOf, version },
  });

/**
 * What `event` means for our records. A `reread` reads the account at Stripe: `seen` is the version of the
 * stored snapshot read before (undefined: the account is not stored, or it was not read).
 */
export const planChange = async (
  event: StripeEventEnvelope,
  readAccount: AccountReader,
  now: EpochMs,
  seen?: number,
): Promise<ChangePlan> => {
  const spec = eventTypeSpec(event.type);
  const effect = effectOf(event);
  if (!spec || !effect) return { ignore: 'unhandled_type' };
  const located = spec.accountOf(event);
  switch (effect) {
    case 'snapshot': {
      const state = accountStateFrom(event.object);
      if (!state) return { ignore: 'malformed_account' };
      if ('ignore' in located) return located;
      return { change: { kind: 'state', accountId: located.accountId, state, asOf: event.created, source: 'event' } };
    }
    case 'reread':
      if ('ignore' in located) return located;
      return rereadAccount(readAccount, located.accountId, now, { seen });
    case 'deauthorization':
      if ('ignore' in located) return located;
      // `created` has one-second resolution: count the whole second as "at or after" our own status changes in it.
      return { change: { kind: 'deauthorized', accountId: located.accountId, asOf: endOfSecond(event.created) } };
  }
};
