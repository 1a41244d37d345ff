/**
 * Express dashboard login links. They are single-use bearer URLs that expire quickly at Stripe, so
 * they are created fresh on every request and never stored, cached or logged.
 */
import type Stripe from 'stripe';
import { HttpError } from '../errors';
import type { ServiceMetrics } from '../metrics';
import type { AccountRecord } from '../stores/accounts-repo';
import { isStripeError, stripeFailure } from '../stripe/errors';

/** Stripe's login_link object, as Stripe returns it. */
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
    throw new HttpError(
      409,
      'account_deauthorized',
      `${record.accountId} is no longer connected to the platform; connect it again first.`,
    );
  }
};

/**
 * Stripe's answer for an account the platform key cannot reach: `account_invalid`. Other 403s (a
 * restricted key without the permission) are the platform's configuration, not the account.
 */
const noAccess = (error: unknown): boolean => isStripeError(error) && error.code === 'account_invalid';

const onboardingIncomplete = (error: unknown): boolean =>
  isStripeError(error) && /not completed onboarding/i.test(error.message);

/**
 * A fresh login link for a connected Express account (the caller has checked ownership).
 * @example
 * const link = await createLoginLink(stripe, await requireOwnedAccount(accounts, accountId, user));
 */
export const createLoginLink = async (
  stripe: Stripe,
  record: AccountRecord,
  metrics: ServiceMetrics,
): Promise<LoginLink> => {
  requireExpressConnected(record);
  let link: Stripe.LoginLink;
  try {
    link = await stripe.accounts.createLoginLink(record.accountId);
  } catch (error) {
    if (noAccess(error)) {
      // Our record says connected but Stripe no longer does (the deauthorization webhook is still on its way).
      throw new HttpError(
        409,
        'account_not_connected',
        `Stripe says ${record.accountId} is no longer connected to the platform; connect it again first.`,
        {
          cause: error,
        },
      );
    }
    if (onboardingIncomplete(error)) {
      throw new HttpError(
        409,
        'onboarding_incomplete',
        `${record.accountId} has not finished Stripe onboarding, so it has no Express Dashboard yet. Send its owner through onboarding again (an Account Link from the platform), then retry.`,
        { cause: error },
      );
    }
    if (isStripeError(error) && error.type === 'StripeInvalidRequestError' && error.statusCode === 400) {
      throw new HttpError(
        409,
        'login_link_refused',
        `Stripe cannot create a dashboard link for ${record.accountId}: the account has no access to the Express Dashboard.`,
        {
          cause: error,
        },
      );
    }
    throw stripeFailure(error);
  }
  metrics.count('LoginLinkCreated');
  return { object: 'login_link', url: link.url, created: link.created };
};
