/**
 * Where a browser flow (OAuth or onboarding) sends the person at its end: the platform's success URL (or the
 * `return_to` fixed when the flow started) with `account=` and, when there is one, the one-time
 * `confirmation=` the platform's backend presents; or its failure URL with a stable `error=` code.
 */
import type { ServiceConfig } from '../config';
import { validateReturnTo } from '../oauth/return-to';
import { withQuery } from './query';

/**
 * Where a flow that went well ends: the `return_to` it was started with, while it still passes the check it
 * passed then (`validateReturnTo`: an operator who removes a compromised origin from `RETURN_TO_ORIGINS`
 * stops the flows begun before, whose resume values live a day), else the success URL.
 */
export const successTarget = (
  returnTo: string | undefined,
  config: Pick<ServiceConfig, 'successUrl' | 'returnToOrigins'>,
): string => {
  if (returnTo === undefined) return config.successUrl;
  try {
    return validateReturnTo(returnTo, config.returnToOrigins);
  } catch {
    return config.successUrl;
  }
};

export const successRedirect = (
  target: string,
  accountId: string,
  confirmation?: string,
  more: Readonly<Record<string, string>> = {},
): string =>
  withQuery(target, { account: accountId, ...(confirmation === undefined ? {} : { confirmation }), ...more });

/** With `account=` when the failure concerns an account the platform already knows of (an unfinished onboarding). */
export const failureRedirect = (failureUrl: string, error: string, accountId?: string): string =>
  withQuery(failureUrl, accountId === undefined ? { error } : { error, account: accountId });
