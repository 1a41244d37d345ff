/**
 * A fresh `account_onboarding` Account Link whose refresh and return URLs come back to this service
 * with a resume value bound to the account and its owner.
 */
import type Stripe from 'stripe';
import type { ServiceConfig } from '../config';
import { HttpError } from '../errors';
import { isStripeError, stripeFailure } from '../stripe/errors';
import { stripeReturnUrls } from './onboarding-urls';
import type { OnboardingStripe } from './ports';
import { mintResumeValue, type ResumeClaims } from './resume-value';

export interface OnboardingLinkContext {
  readonly config: Pick<ServiceConfig, 'callbackUrl'>;
  readonly secrets: { readonly platformTokenSecret: string };
  readonly now: number;
}

/** Stripe refuses links for an account it no longer lets the platform onboard: no retry will help. */
const refusedForGood = (error: unknown): boolean =>
  isStripeError(error) && (error.type === 'StripeInvalidRequestError' || error.type === 'StripePermissionError');

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
    if (refusedForGood(error)) {
      throw new HttpError(
        409,
        'onboarding_unavailable',
        `Stripe no longer lets the platform onboard ${claims.accountId} (it may have been rejected or closed). Contact the platform for help.`,
        { cause: error },
      );
    }
    throw stripeFailure(error);
  }
};
