import { badRequest, forbidden, notFound } from '../errors';
import type { AccountRecord, AccountsRepo } from '../stores/accounts-repo';

/** What a Stripe account id looks like here; anything else never reaches the store or Stripe. */
export const accountIdPattern = /^acct_[A-Za-z0-9]{1,64}$/;

/** The `{accountId}` path parameter, or a 400 that says what an account id looks like. */
export const parseAccountId = (value: string | undefined): string => {
  if (value === undefined || !accountIdPattern.test(value)) {
    throw badRequest('invalid_account_id', 'The account id must look like acct_ followed by letters and digits.');
  }
  return value;
};

/**
 * The account, if it belongs to this platform user. Another user's account is a 403: a token only
 * ever reaches its own user's accounts (no IDOR).
 */
export const requireOwnedAccount = async (
  accounts: AccountsRepo,
  accountId: string,
  platformUserId: string,
): Promise<AccountRecord> => {
  const record = await accounts.get(accountId);
  if (!record) throw notFound('account_not_found', `No connected account ${accountId} is known here.`);
  if (record.platformUserId !== platformUserId) {
    throw forbidden('not_your_account', `The account ${accountId} is not one of your connected accounts.`);
  }
  return record;
};
