/**
 * `GET /connect/onboard/refresh?resume=...`: Stripe's `refresh_url`, where the browser lands when its
 * Account Link expired or was already used. For the browser that started the onboarding it mints a fresh
 * link for the same account (never a new account) and keeps the resume value, so its one-day lifetime
 * still counts from the start. Any other browser goes to the platform's failure URL: a refresh link
 * forwarded to someone else opens nothing (`session_mismatch`), and the refresh of a link the platform API
 * made asks the platform for a new one for its signed-in user (`onboarding_link_expired`).
 */
import { type HttpResponse, redirectResponse } from '../http/responses';
import { onboardingLink } from './onboarding-link';
import { type OnboardingPageRequest, onboardingFailure, resumedAccount } from './resumed-account';
import type { OnboardingContext } from './start-onboarding';

export const refreshOnboarding = async (
  request: OnboardingPageRequest,
  context: OnboardingContext,
): Promise<HttpResponse> => {
  const { claims, resume, record, browser } = await resumedAccount(request, context);
  if (browser !== 'started here') {
    const reason = browser === 'platform' ? 'onboarding_link_expired' : 'session_mismatch';
    return onboardingFailure(context, 'onboarding not refreshed', reason, record.accountId);
  }
  const link = await onboardingLink(claims, await context.stripe(), context, { resume });
  context.logger.info('onboarding link refreshed', {
    accountId: record.accountId,
    platformUserId: record.platformUserId,
  });
  context.metrics.count('OnboardingRefreshed', { flow: record.type });
  return redirectResponse(link.url);
};
