import type Stripe from 'stripe';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import type { ApiError } from './errors';
import { isExpandParameter, missingParameter, parameterError, unknownParameter } from './errors';
import { isHttpUrl } from './http-util';
import { randomAlphanumeric } from './ids';
import type { AccountLinkRecord } from './state';
import type { ApiReply } from './types';

/**
 * POST /v1/account_links (sources: docs/stripe-fidelity.md, "Sources of the emulator's endpoints"): a single-use URL that sends
 * the account's owner through Stripe-hosted onboarding. Opening it a second time, or after it expired,
 * redirects to `refresh_url`; the platform mints a new link there.
 */

/** [doc] "Account links expire a few minutes after they are created." */
export const ACCOUNT_LINK_TTL_MS = 300_000;

const knownParameters = new Set([
  'account',
  'type',
  'refresh_url',
  'return_url',
  'collect',
  'collection_options[fields]',
  'collection_options[future_requirements]',
]);

/** [doc] Stripe's `resource_missing` for an account the platform cannot reach. */
export const noSuchAccount = (accountId: string): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'account',
      message: `No such account: '${accountId}'`,
      doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
    },
  },
});

/**
 * An absolute http(s) URL; in live mode https only, with the message platforms quote from live Account Link
 * requests [secondary] (its `param` is a [guess]).
 */
function validUrl(ctx: EmulatorContext, params: URLSearchParams, name: string): string | undefined | ApiError {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!isHttpUrl(value)) {
    return parameterError(name, `Not a valid URL: ${name} must be an absolute http or https URL.`, 'url_invalid');
  }
  if (ctx.livemode && new URL(value).protocol !== 'https:') {
    return parameterError(name, 'Livemode requests must always be redirected via HTTPS.');
  }
  return value;
}

const isError = (value: unknown): value is ApiError => typeof value === 'object' && value !== null;

export function createAccountLink(ctx: EmulatorContext, params: URLSearchParams): ApiReply {
  for (const key of params.keys())
    if (!knownParameters.has(key) && !isExpandParameter(key)) return unknownParameter(key);
  const accountId = params.get('account');
  if (!accountId) return missingParameter('account');
  const type = params.get('type');
  if (!type) return missingParameter('type');
  if (type !== 'account_onboarding' && type !== 'account_update') {
    return parameterError('type', 'Invalid type: must be one of account_onboarding or account_update');
  }
  // [doc] The API reference marks both URLs required (stripe-node types them optional).
  const refreshUrl = validUrl(ctx, params, 'refresh_url');
  if (isError(refreshUrl)) return refreshUrl;
  if (refreshUrl === undefined) return missingParameter('refresh_url');
  const returnUrl = validUrl(ctx, params, 'return_url');
  if (isError(returnUrl)) return returnUrl;
  if (returnUrl === undefined) return missingParameter('return_url');
  const future = params.get('collection_options[future_requirements]');
  if (future !== null && future !== 'include' && future !== 'omit') {
    return parameterError(
      'collection_options[future_requirements]',
      'Invalid future_requirements: must be one of include or omit',
    );
  }
  // `collect` is the deprecated spelling of `collection_options[fields]`; an error names the one sent.
  const collectParam = params.has('collection_options[fields]') ? 'collection_options[fields]' : 'collect';
  const collect = params.get(collectParam) ?? 'currently_due';
  if (collect !== 'currently_due' && collect !== 'eventually_due') {
    return parameterError(collectParam, 'Invalid fields: must be one of currently_due or eventually_due');
  }
  const account = ctx.state.activeConnection(accountId) ? ctx.state.accounts.get(accountId) : undefined;
  if (!account) return noSuchAccount(accountId);
  if (type === 'account_update' && account.controller.requirement_collection !== 'application') {
    // [doc] stripe-node's AccountLinkCreateParams: account_update is "only for connected accounts where your platform is
    // responsible for collecting requirements", which no account with a Stripe-hosted Dashboard is. [issue] The message
    // lists the types the account may use, as a platform quoted Stripe's answer (sources: docs/stripe-fidelity.md,
    // "Account Links"); its `param` is a [guess].
    return parameterError('type', 'Invalid type: must be one of ["account_onboarding"]');
  }
  if (account.controller.type !== 'application') {
    // [guess] wording: an account that controls itself (connected with OAuth) is onboarded by Stripe directly.
    return parameterError(
      'account',
      `Account Links cannot be created for ${accountId}: your platform does not control it.`,
    );
  }
  const now = ctx.now();
  const token = randomAlphanumeric(32);
  const record: AccountLinkRecord = {
    token,
    accountId,
    type,
    refreshUrl,
    returnUrl,
    collect,
    createdAt: now,
    expiresAt: now + ACCOUNT_LINK_TTL_MS,
    used: false,
  };
  ctx.state.accountLinks.set(token, record);
  const link: Stripe.AccountLink = {
    object: 'account_link',
    created: seconds(now),
    expires_at: seconds(record.expiresAt),
    url: `${ctx.baseUrl()}/setup/s/${accountId}/${token}`,
  };
  return { status: 200, body: link };
}
