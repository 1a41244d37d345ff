/**
 * Express dashboard login links. They are single-use bearer URLs that expire quickly at Stripe, so
 * they are created fresh on every request and never stored, cached or logged.
 */

import type Stripe from 'stripe';
import { badRequest, conflict } from '../errors';
import type { ServiceMetrics } from '../metrics';
import type { AccountRecord } from '../stores/accounts-repo';
import type { StripeAccess } from '../stripe/client';
import { classifyStripeError, stripeFailure } from '../stripe/errors';
import { accountRefusals } from './owned-account';

/** Stripe's login_link object, as Stripe returns it. */
export interface LoginLink {
  readonly object: 'login_link';
  readonly url: string;
  readonly created: number;
}

/** Refuses, with what to do instead, every account that cannot have a login link. */
export const requireExpressConnected = (record: AccountRecord): void => {
  if (record.type !== 'express') {
    throw badRequest(
      'standard_account',
      `${record.accountId} is a Standard account: its owner signs in to the Stripe Dashboard directly at https://dashboard.stripe.com. Login links are for Express accounts.`,
    );
  }
  if (record.status === 'deauthorized') throw accountRefusals.deauthorized(record.accountId);
};

/** Stripe's refusal of a login link, as this route answers it (ownership was checked already). */
const loginLinkFailure = (error: unknown, accountId: string) => {
  switch (classifyStripeError(error).kind) {
    case 'account_not_connected':
    case 'not_found':
      return accountRefusals.notConnectedAtStripe(accountId, error);
    case 'not_onboarded':
      return conflict(
        'onboarding_incomplete',
        `${accountId} has not finished Stripe onboarding, so it has no Express Dashboard yet. Send its owner through onboarding again (an Account Link from the platform), then retry.`,
        error,
      );
    case 'invalid_request':
      return conflict(
        'login_link_refused',
        `Stripe cannot create a dashboard link for ${accountId}: the account has no access to the Express Dashboard.`,
        error,
      );
    default:
      return stripeFailure(error);
  }
};

/**
 * A fresh login link for a connected Express account (the caller has checked ownership).
 * @example
 * const link = await createLoginLink(platformStripe(lambda), await requireOwnedAccount(accounts, accountId, user), metrics);
 */
export const createLoginLink = async (
  stripe: StripeAccess,
  record: AccountRecord,
  metrics: ServiceMetrics,
): Promise<LoginLink> => {
  requireExpressConnected(record);
  const platform = await stripe();
  let link: Stripe.LoginLink;
  try {
    link = await platform.client.accounts.createLoginLink(record.accountId, {}, platform.callOptions());
  } catch (error) {
    throw loginLinkFailure(error, record.accountId);
  }
  metrics.count('LoginLinkCreated');
  return { object: 'login_link', url: link.url, created: link.created };
};
