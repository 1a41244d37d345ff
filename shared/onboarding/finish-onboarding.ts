/**
 * `GET /connect/onboard/return?resume=...`: Stripe's `return_url`, reached when the owner finished or
 * left the hosted onboarding. Stripe's redirect says neither, so the account is read again: with its
 * details submitted the browser goes to the success URL with `account=` and a one-time `confirmation=`
 * the platform's backend presents to confirm the account for its logged-in user; otherwise to the
 * failure URL with `error=onboarding_incomplete`.
 */

import { mintConfirmation } from '../accounts/confirmation';
import { conflict, type ErrorKind, isCallerKind, ServiceError } from '../errors';
import { failureRedirect, successRedirect } from '../http/platform-redirects';
import { type HttpResponse, redirectResponse } from '../http/responses';
import { stripeFailure } from '../stripe/errors';
import { resumedAccount } from './resumed-account';
import type { OnboardingContext } from './start-onboarding';

export type FinishOnboardingContext = OnboardingContext;

const stripeKinds: ReadonlySet<ErrorKind> = new Set(['upstream_failed', 'upstream_timeout']);
/** Stripe or our store failed: the browser goes back to the platform with a code, not to an error page. */
const isDependencyFailure = (error: ServiceError): boolean => !isCallerKind(error.kind);

/** Stable `error=` codes of the failure redirect. */
export type OnboardingFailure = 'onboarding_incomplete' | 'stripe_unavailable' | 'service_unavailable';

export const finishOnboarding = async (
  rawQueryString: string | undefined,
  context: FinishOnboardingContext,
): Promise<HttpResponse> => {
  const { config, logger, metrics, now } = context;
  const { claims, record } = await resumedAccount(rawQueryString, context);
  const fail = (reason: OnboardingFailure, fields: Record<string, unknown> = {}): HttpResponse => {
    logger.info('onboarding not finished', { reason, accountId: record.accountId, ...fields });
    metrics.count('OnboardingIncomplete', { reason });
    return redirectResponse(failureRedirect(config.failureUrl, reason, record.accountId));
  };
  try {
    let account: Awaited<ReturnType<Awaited<ReturnType<typeof context.stripe>>['retrieveAccount']>>;
    try {
      account = await (await context.stripe()).retrieveAccount(record.accountId);
    } catch (error) {
      throw stripeFailure(error);
    }
    if (!account.details_submitted) return fail('onboarding_incomplete');
    const confirmation = mintConfirmation(now);
    const outcome = await context.accounts.recordFinished(record, {
      chargesEnabled: account.charges_enabled,
      payoutsEnabled: account.payouts_enabled,
      confirmation: { hash: confirmation.hash, expiresAt: confirmation.expiresAt },
      at: now,
    });
    if (outcome === 'gone') {
      // Deauthorized or reassigned while the owner was at Stripe: nothing here to finish.
      throw conflict(
        'account_deauthorized',
        `${record.accountId} is no longer connected to the platform, so its onboarding cannot continue.`,
      );
    }
    logger.info('onboarding finished', { accountId: record.accountId, platformUserId: record.platformUserId, outcome });
    metrics.count('OnboardingFinished', { flow: record.type });
    const target = claims.returnTo ?? config.successUrl;
    if (outcome === 'already_confirmed') {
      // Confirmed before (a reload of this page): nothing new to confirm, so no value to hand out.
      return redirectResponse(successRedirect(target, record.accountId));
    }
    return redirectResponse(successRedirect(target, record.accountId, confirmation.value));
  } catch (error) {
    if (error instanceof ServiceError && isDependencyFailure(error)) {
      logger.error('onboarding return failed on a dependency', { errorCode: error.code, cause: error.cause });
      return fail(stripeKinds.has(error.kind) ? 'stripe_unavailable' : 'service_unavailable');
    }
    throw error;
  }
};
