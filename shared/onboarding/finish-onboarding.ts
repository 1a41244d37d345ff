/**
 * `GET /connect/onboard/return?resume=...`: Stripe's `return_url`, reached when the owner finished or
 * left the hosted onboarding. Stripe's redirect says neither, so the account is read again: with its
 * details submitted the browser goes to the success URL with `account=` and a one-time `confirmation=`
 * the platform's backend presents to confirm the account for its logged-in user; otherwise to the
 * failure URL with `error=onboarding_incomplete`.
 *
 * Only the browser that started the onboarding is ever handed a confirmation (./browser-binding.ts):
 * another browser holding the same resume value goes to the failure URL with `error=session_mismatch`
 * before anything is read or written. A link the platform API made (for a confirmed account) comes back
 * with `account=` only.
 */

import type Stripe from 'stripe';
import { mintConfirmation } from '../accounts/confirmation';
import { accountRefusals } from '../accounts/owned-account';
import { readStateChange, storeReadState } from '../accounts/read-state';
import { dependencyFailureCode, isDependencyFailure } from '../errors';
import { successRedirect, successTarget } from '../http/platform-redirects';
import { type HttpResponse, redirectResponse } from '../http/responses';
import { stripeFailure } from '../stripe/errors';
import {
  type OnboardingFailure,
  type OnboardingPageRequest,
  onboardingFailure,
  resumedAccount,
} from './resumed-account';
import type { OnboardingContext } from './start-onboarding';

export type FinishOnboardingContext = OnboardingContext;

export const finishOnboarding = async (
  request: OnboardingPageRequest,
  context: FinishOnboardingContext,
): Promise<HttpResponse> => {
  const { config, logger, metrics, now } = context;
  const { claims, record, browser } = await resumedAccount(request, context);
  const fail = (reason: OnboardingFailure, fields: Record<string, unknown> = {}): HttpResponse =>
    onboardingFailure(context, 'onboarding not finished', reason, record.accountId, fields);
  // Only the starting browser may be handed a confirmation; a platform API link is for a confirmed account.
  if (browser === 'elsewhere' || (browser === 'platform' && record.confirmationPending)) {
    return fail('session_mismatch', { browser });
  }
  try {
    let account: Stripe.Account;
    try {
      account = await (await context.stripe()).retrieveAccount(record.accountId);
    } catch (error) {
      throw stripeFailure(error);
    }
    if (!account.details_submitted) return fail('onboarding_incomplete');
    // What was read, stored as the callback stores it (ordered against the webhooks' snapshots), first: its
    // time then keeps an older event arriving late from setting the details back to not submitted.
    const change = readStateChange(account, record.accountId, record.stateVersion, context);
    if (change) await storeReadState(change, context);
    const confirmation = browser === 'started here' ? mintConfirmation(now) : undefined;
    const outcome = await context.accounts.recordFinished(record, {
      ...(confirmation ? { confirmation: { hash: confirmation.hash, expiresAt: confirmation.expiresAt } } : {}),
      at: now,
    });
    if (outcome === 'gone') {
      // Deauthorized or reassigned while the owner was at Stripe: nothing here to finish.
      throw accountRefusals.deauthorized(record.accountId, 'its onboarding cannot continue');
    }
    logger.info('onboarding finished', { accountId: record.accountId, platformUserId: record.platformUserId, outcome });
    metrics.count('OnboardingFinished', { flow: record.type });
    const target = successTarget(claims.returnTo, config);
    if (outcome === 'already_confirmed' || !confirmation) {
      // Confirmed before (a reload of this page, or a platform API link): nothing to confirm, no value to hand out.
      return redirectResponse(successRedirect(target, record.accountId));
    }
    return redirectResponse(successRedirect(target, record.accountId, confirmation.value));
  } catch (error) {
    // Stripe or our store failed: the browser goes back to the platform with a code, not to an error page.
    if (isDependencyFailure(error)) {
      logger.error('onboarding return failed on a dependency', { errorCode: error.code, cause: error.cause });
      return fail(dependencyFailureCode(error));
    }
    throw error;
  }
};
