/**
 * A fresh `account_onboarding` Account Link whose refresh and return URLs come back to this service
 * with a resume value bound to the account and its owner.
 */
import type Stripe from 'stripe';
import type { ServiceConfig } from '../config';
import { conflict } from '../errors';
import { classifyStripeError, stripeFailure } from '../stripe/errors';
import { stripeReturnUrls } from './onboarding-urls';
import type { OnboardingStripe } from './ports';
import { mintResumeValue, type ResumeClaims } from './resume-value';

export interface OnboardingLinkContext {
  readonly config: Pick<ServiceConfig, 'callbackUrl'>;
  readonly secrets: { readonly platformTokenSecret: string };
  readonly now: number;
}

/**
 * Stripe's refusal of an Account Link, as onboarding answers it: an account Stripe no longer lets the
 * platform onboard (rejected, closed, no longer connected) is a 409 no retry will change. A key without the
 * permission is the operator's (`stripeFailure`: 502 `stripe_misconfigured`), not the account's.
 */
const accountLinkFailure = (error: unknown, accountId: string) => {
  switch (classifyStripeError(error).kind) {
    case 'invalid_request':
    case 'not_found':
    case 'account_not_connected':
      return conflict(
        'onboarding_unavailable',
        `Stripe no longer lets the platform onboard ${accountId} (it may have been rejected or closed). Contact the platform for help.`,
        error,
      );
    default:
      return stripeFailure(error);
  }
};

export const onboardingLink = async (
  claims: ResumeClaims,
  stripe: OnboardingStripe,
  context: OnboardingLinkContext,
  options: { readonly resume?: string; readonly collect?: Stripe.AccountLinkCreateParams.CollectionOptions } = {},
): Promise<Stripe.AccountLink> => {
  const resume = options.resume ?? (await mintResumeValue(claims, context.secrets.platformTokenSecret, context.now));
  try {
    return await stripe.createAccountLink({
      account: claims.accountId,
      type: 'account_onboarding',
      ...stripeReturnUrls(context.config, resume),
      ...(options.collect ? { collection_options: options.collect } : {}),
    });
  } catch (error) {
    throw accountLinkFailure(error, claims.accountId);
  }
};
