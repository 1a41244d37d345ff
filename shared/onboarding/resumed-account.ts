/**
 * The onboarding a browser coming back from Stripe belongs to: its resume value, verified, and the
 * record it names, still the same user's and still connected. Anything else creates nothing.
 */
import { badRequest, conflict } from '../errors';
import { parseQuery, refuseUnknownParameters, singleParam } from '../http/query';
import type { OnboardingAccount, OnboardingStore } from './ports';
import { type ResumeClaims, verifyResumeValue } from './resume-value';

export interface ResumedAccount {
  readonly claims: ResumeClaims;
  readonly resume: string;
  readonly record: OnboardingAccount;
}

export const resumedAccount = async (
  rawQueryString: string | undefined,
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
  return { claims, resume: resume as string, record };
};
