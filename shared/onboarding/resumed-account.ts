/**
 * The onboarding a browser coming back from Stripe belongs to: its resume value, verified, the record it
 * names, still the same user's and still connected, and whether this browser is the one that started it
 * (./browser-binding.ts). Anything else creates nothing.
 */
import { badRequest, conflict } from '../errors';
import { parseQuery, refuseUnknownParameters, singleParam } from '../http/query';
import { isBoundBrowser } from './browser-binding';
import type { OnboardingAccount, OnboardingStore } from './ports';
import { type ResumeClaims, verifyResumeValue } from './resume-value';

/** A request to the refresh or return page: its query, and the browser's cookies. */
export interface OnboardingPageRequest {
  readonly rawQueryString: string | undefined;
  readonly cookies?: readonly string[];
}

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
    readonly secrets: { readonly platformTokenSecret: string };
    readonly now: number;
  },
): Promise<ResumedAccount> => {
  const query = parseQuery(rawQueryString);
  refuseUnknownParameters(query, 'this onboarding page', ['resume']);
  const resume = singleParam(query, 'resume');
  const claims = await verifyResumeValue(resume, context.secrets.platformTokenSecret, context.now);
  const record = await context.accounts.get(claims.accountId);
  if (!record || record.platformUserId !== claims.platformUserId || record.type !== claims.type) {
    throw badRequest(
      'resume_invalid',
      'This onboarding link is not valid. Go back to the platform and start onboarding again.',
    );
  }
  if (record.status !== 'connected') {
    throw conflict(
      'account_deauthorized',
      `${record.accountId} is no longer connected to the platform, so its onboarding cannot continue.`,
    );
  }
  const browser =
    claims.bindingHash === undefined
      ? 'platform'
      : isBoundBrowser(cookies, record.accountId, claims.bindingHash)
        ? 'started here'
        : 'elsewhere';
  return { claims, resume: resume as string, record, browser };
};
