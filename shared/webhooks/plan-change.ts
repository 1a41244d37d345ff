/**
 * Decides what a verified event means for our records. Payload snapshots are ordered by the
 * event's `created`; `account.application.authorized` carries no account (its object is the
 * Application), so the account is re-read from Stripe, which is current by definition.
 */
import type { AccountReader } from '../stripe/account-reader';
import { accountStateFrom, type AccountChange } from './account-change';
import type { StripeEventEnvelope } from './stripe-event';

export type ChangePlan = { readonly change: AccountChange } | { readonly ignore: string };

export const handledEventTypes = [
  'account.updated',
  'account.application.authorized',
  'account.application.deauthorized',
  'capability.updated',
] as const;

const fetchAccountState = async (readAccount: AccountReader, accountId: string, nowSeconds: number): Promise<ChangePlan> => {
  const account = await readAccount(accountId);
  // Access already revoked again: nothing to refresh; a deauthorized event follows.
  if (!account) return { ignore: 'account_inaccessible' };
  const state = accountStateFrom(account);
  return state ? { change: { kind: 'state', accountId, state, asOf: nowSeconds } } : { ignore: 'malformed_account' };
};

export const planChange = async (event: StripeEventEnvelope, readAccount: AccountReader, now: number): Promise<ChangePlan> => {
  const object = event.object;
  switch (event.type) {
    case 'account.updated': {
      const state = accountStateFrom(object);
      const accountId = object['id'];
      if (!state || typeof accountId !== 'string') return { ignore: 'malformed_account' };
      if (event.account !== undefined && event.account !== accountId) return { ignore: 'account_mismatch' };
      return { change: { kind: 'state', accountId, state, asOf: event.created } };
    }
    case 'capability.updated': {
      const { id: capability, status, account } = object;
      const accountId = typeof account === 'string' ? account : event.account;
      if (typeof capability !== 'string' || !/^[a-z0-9_]{1,64}$/.test(capability) || typeof status !== 'string' || !accountId) {
        return { ignore: 'malformed_capability' };
      }
      return { change: { kind: 'capability', accountId, capability, status, asOf: event.created } };
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
