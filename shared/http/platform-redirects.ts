/**
 * Where a browser flow (OAuth or onboarding) sends the person at its end: the platform's success URL (or the
 * `return_to` fixed when the flow started) with `account=` and, when there is one, the one-time
 * `confirmation=` the platform's backend presents; or its failure URL with a stable `error=` code.
 */
import { withQuery } from './query';

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
