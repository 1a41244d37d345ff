/**
 * Express dashboard login links. They are single-use bearer URLs that expire quickly at Stripe, so
 * they are created fresh on every request and never stored, cached or logged.
 */
import type Stripe from 'stripe';
import { HttpError } from '../errors';
import type { AccountRecord } from '../stores/accounts-repo';
import { isStripeError, stripeFailure } from '../stripe/errors';

export interface LoginLink {
  readonly object: 'login_link';
  readonly url: string;
  readonly created: number;
}

/** Refuses, with what to do instead, every account that cannot have a login link. */
export const requireExpressConnected = (record: AccountRecord): void => {
  if (record.type !== 'express') {
    throw new HttpError(
      400,
      'standard_account',
      `${record.accountId} is a Standard account: its owner signs in to the Stripe Dashboard directly at https://dashboard.stripe.com. Login links are for Express accounts.`,
    );
  }
  if (record.status === 'deauthorized') {
    throw new HttpError(409, 'account_deauthorized', `${record.accountId} is no longer connected to the platform; connect it again first.`);
  }
};

export const createLoginLink = async (stripe: Stripe, record: AccountRecord): Promise<LoginLink> => {
  requireExpressConnected(record);
  let link;
  try {
    link = await stripe.accounts.createLoginLink(record.accountId);
  } catch (error) {
    if (isStripeError(error) && error.type === 'StripePermissionError') {
      throw new HttpError(409, 'account_not_connected', `Stripe says ${record.accountId} is no longer connected to the platform.`, { cause: error });
    }
    if (isStripeError(error) && error.type === 'StripeInvalidRequestError') {
      throw new HttpError(400, 'login_link_refused', `Stripe cannot create a dashboard link for ${record.accountId}: it has no Express Dashboard access.`, {
        cause: error,
      });
    }
    throw stripeFailure(error);
  }
  return { object: 'login_link', url: link.url, created: link.created };
};
