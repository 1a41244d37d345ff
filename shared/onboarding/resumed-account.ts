/**
 * The onboarding a browser coming back from Stripe belongs to: its resume value, verified, the record it
 * names, still the same user's and still connected, and whether this browser is the one that started it
 * (./browser-binding.ts). Anything else creates nothing.
 */
import { accountRefusals } from '../accounts/owned-account';
import type { ServiceConfig } from '../config';
import { badRequest, type ErrorCode } from '../errors';
import { failureRedirect } from '../http/platform-redirects';
import { parseQuery, refuseUnknownParameters, singleParam } from '../http/query';
import { type HttpResponse, redirectResponse } from '../http/responses';
import type { PlatformTokenSecrets } from '../secrets';
import { isBoundBrowser } from './browser-binding';
import type { OnboardingAccount, OnboardingObservability, OnboardingStore } from './ports';
import { type ResumeClaims, verifyResumeValue } from './resume-value';

/** A request to an onboarding page (start, refresh, return): its query, and the browser's cookies. */
export interface OnboardingPageRequest {
  readonly rawQueryString: string | undefined;
  readonly cookies?: readonly string[];
}

/** Stable `error=` codes of the refresh and return pages' failure redirects (all of them error codes of shared/errors.ts). */
export type OnboardingFailure = Extract<
  ErrorCode,
  | 'onboarding_incomplete'
  | 'session_mismatch'
  | 'onboarding_link_expired'
  | 'stripe_unavailable'
  | 'service_unavailable'
>;

/**
 * The refresh or return page's answer when it goes no further: logged as `message`, counted as
 * `OnboardingIncomplete`, and a redirect to the platform's failure URL with the code, and the account
 * except for a browser that did not start the onboarding (it is not told which account it was).
 */
export const onboardingFailure = (
  context: Pick<OnboardingObservability, 'logger' | 'metrics'> & { readonly config: Pick<ServiceConfig, 'failureUrl'> },
  message: string,
  reason: OnboardingFailure,
  accountId: string,
  fields: Record<string, unknown> = {},
): HttpResponse => {
  context.logger.info(message, { reason, accountId, ...fields });
  context.metrics.count('OnboardingIncomplete', { reason });
  const account = reason === 'session_mismatch' ? undefined : accountId;
  return redirectResponse(failureRedirect(context.config.failureUrl, reason, account));
};

export interface ResumedAccount {
  readonly claims: ResumeClaims;
  readonly resume: string;
  readonly record: OnboardingAccount;
  /**
   * `started here`: the resume value is bound to this browser, which holds the binding. `elsewhere`: bound
   * to a browser, not this one. `platform`: minted for the platform API's account link, bound to none.
   */
  readonly browser: 'started here' | 'elsewhere' | 'platform';
}

export const resumedAccount = async (
  { rawQueryString, cookies }: OnboardingPageRequest,
  context: {
    readonly accounts: OnboardingStore;
    readonly secrets: PlatformTokenSecrets;
    readonly now: number;
  },
): Promise<ResumedAccount> => {
  const query = parseQuery(rawQueryString);
  refuseUnknownParameters(query, 'this onboarding page', ['resume']);
  const resume = singleParam(query, 'resume');
  const claims = await verifyResumeValue(resume, context.secrets, context.now);
  const record = await context.accounts.get(claims.accountId);
  if (!record || record.platformUserId !== claims.platformUserId || record.type !== claims.type) {
    throw badRequest(
      'resume_invalid',
      'This onboarding link is not valid. Go back to the platform and start onboarding again.',
    );
  }
  if (record.status !== 'connected')
    throw accountRefusals.deauthorized(record.accountId, 'its onboarding cannot continue');
  const browser =
    claims.bindingHash === undefined
      ? 'platform'
      : isBoundBrowser(cookies, record.accountId, claims.bindingHash)
        ? 'started here'
        : 'elsewhere';
  return { claims, resume: resume as string, record, browser };
};
