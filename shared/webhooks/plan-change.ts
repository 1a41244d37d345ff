/**
 * Decides what a verified event means for our records. `account.updated` carries a whole account
 * snapshot, ordered by the event's `created`. `account.application.authorized` carries no account
 * (its object is the Application) and `capability.updated` carries one capability without any
 * order against other capabilities' events, so for both the account is re-read from Stripe, which
 * is current by definition: a snapshot as of now that no older event can overwrite.
 */
import type { AccountReader } from '../stripe/account-reader';
import { type AccountChange, accountStateFrom } from './account-change';
import type { StripeEventEnvelope } from './stripe-event';

export type ChangePlan = { readonly change: AccountChange } | { readonly ignore: string };

export const handledEventTypes = [
  'account.updated',
  'account.application.authorized',
  'account.application.deauthorized',
  'capability.updated',
] as const;

/**
 * Event types deduplicated on the account item they change, in their one write: `account.updated`
 * is most of a Connect platform's traffic and carries a whole snapshot ordered by `created`. The
 * rarer events keep a record in the events table, written in one transaction with their effect.
 */
export const eventsAppliedInPlace: ReadonlySet<string> = new Set(['account.updated']);

/** Event types whose effect is a fresh read of the account at Stripe. */
export const eventsReadFromStripe: ReadonlySet<string> = new Set([
  'account.application.authorized',
  'capability.updated',
]);

const fetchAccountState = async (
  readAccount: AccountReader,
  accountId: string,
  nowSeconds: number,
): Promise<ChangePlan> => {
  const account = await readAccount(accountId);
  // Access already revoked again: nothing to refresh; a deauthorized event follows.
  if (!account) return { ignore: 'account_inaccessible' };
  const state = accountStateFrom(account);
  return state ? { change: { kind: 'state', accountId, state, asOf: nowSeconds } } : { ignore: 'malformed_account' };
};

export const planChange = async (
  event: StripeEventEnvelope,
  readAccount: AccountReader,
  now: number,
): Promise<ChangePlan> => {
  const object = event.object;
  switch (event.type) {
    case 'account.updated': {
      const state = accountStateFrom(object);
      const accountId = object.id;
      if (!state || typeof accountId !== 'string') return { ignore: 'malformed_account' };
      if (event.account !== undefined && event.account !== accountId) return { ignore: 'account_mismatch' };
      return { change: { kind: 'state', accountId, state, asOf: event.created } };
    }
    case 'capability.updated': {
      const accountId = typeof object.account === 'string' ? object.account : event.account;
      if (!accountId || !/^acct_[A-Za-z0-9]{1,64}$/.test(accountId)) return { ignore: 'malformed_capability' };
      if (event.account !== undefined && event.account !== accountId) return { ignore: 'account_mismatch' };
      return fetchAccountState(readAccount, accountId, Math.floor(now / 1000));
    }
    case 'account.application.authorized':
      if (!event.account) return { ignore: 'no_account' };
      return fetchAccountState(readAccount, event.account, Math.floor(now / 1000));
    case 'account.application.deauthorized':
      if (!event.account) return { ignore: 'no_account' };
      // `created` has one-second resolution: count the whole second as "at or after" our own status changes in it.
      return { change: { kind: 'deauthorized', accountId: event.account, asOf: event.created * 1000 + 999 } };
    default:
      return { ignore: 'unhandled_type' };
  }
};
