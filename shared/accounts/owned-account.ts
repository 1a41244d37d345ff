import { badRequest, conflict, forbidden, notFound } from '../errors';
import { type AccountRecord, type AccountsRepo, isPendingConfirmation } from '../stores/accounts-repo';
import { accountIdPattern } from '../stripe/ids';

/** The `{accountId}` path parameter, or a 400 that says what an account id looks like. */
export const parseAccountId = (value: string | undefined): string => {
  if (value === undefined || !accountIdPattern.test(value)) {
    throw badRequest('invalid_account_id', 'The account id must look like acct_ followed by letters and digits.');
  }
  return value;
};

/** The refusals every route over one of the user's accounts answers with, each worded once. */
export const accountRefusals = {
  notFound: (accountId: string) => notFound('account_not_found', `No connected account ${accountId} is known here.`),
  notYours: (accountId: string) =>
    forbidden('not_your_account', `The account ${accountId} is not one of your connected accounts.`),
  confirmationPending: (accountId: string) =>
    conflict(
      'confirmation_pending',
      `The account is waiting for the platform's confirmation: POST /accounts/${accountId}/confirm with the value from the success redirect.`,
    ),
  /** `then`: what cannot happen now, when it is more than "connect it again first". */
  deauthorized: (accountId: string, then = 'connect it again first') =>
    conflict('account_deauthorized', `${accountId} is no longer connected to the platform; ${then}.`),
  /**
   * Our record says connected, but Stripe no longer reaches the account (its deauthorization webhook may still
   * be on its way): no retry changes that, so a 409, never a 5xx.
   */
  notConnectedAtStripe: (accountId: string, cause: unknown) =>
    conflict(
      'account_not_connected',
      `Stripe says ${accountId} is no longer connected to the platform; connect it again first.`,
      cause,
    ),
};

/**
 * The account, if it belongs to this platform user, confirmed or not (only the confirm route wants
 * that). Another user's account is a 403: a token only ever reaches its own user's accounts (no IDOR).
 * Any store's view of an account will do (the accounts repo's record, onboarding's).
 */
export const findOwnedAccount = async <Account extends { readonly platformUserId: string } = AccountRecord>(
  accounts: { get(accountId: string): Promise<Account | undefined> },
  accountId: string,
  platformUserId: string,
): Promise<Account> => {
  const record = await accounts.get(accountId);
  if (!record) throw accountRefusals.notFound(accountId);
  if (record.platformUserId !== platformUserId) throw accountRefusals.notYours(accountId);
  return record;
};

/**
 * The account, if it belongs to this platform user and the platform has confirmed it. A pending one is
 * a 409 that says what to do: the browser that finished the flow may not be this user's.
 */
export const requireOwnedAccount = async (
  accounts: Pick<AccountsRepo, 'get'>,
  accountId: string,
  platformUserId: string,
): Promise<AccountRecord> => {
  const record = await findOwnedAccount(accounts, accountId, platformUserId);
  if (isPendingConfirmation(record)) throw accountRefusals.confirmationPending(accountId);
  return record;
};
