/**
 * `GET /connect/onboard/refresh?resume=...`: Stripe's `refresh_url`, where the browser lands when its
 * Account Link expired or was already used. It mints a fresh link for the same account (never a new
 * account) and keeps the resume value, so its one-day lifetime still counts from the start.
 */
import { type HttpResponse, redirectResponse } from '../http/responses';
import { onboardingLink } from './onboarding-link';
import { resumedAccount } from './resumed-account';
import type { OnboardingContext } from './start-onboarding';

export const refreshOnboarding = async (
  rawQueryString: string | undefined,
  context: OnboardingContext,
): Promise<HttpResponse> => {
  const { claims, resume, record } = await resumedAccount(rawQueryString, context);
  const link = await onboardingLink(claims, await context.stripe(), context, { resume });
  context.logger.info('onboarding link refreshed', {
    accountId: record.accountId,
    platformUserId: record.platformUserId,
  });
  context.metrics.count('OnboardingRefreshed', { flow: record.type });
  return redirectResponse(link.url);
};
