/**
 * `GET /connect/callback`: Stripe sends the browser back here. Every outcome is a redirect: to the
 * success URL (or the `return_to` fixed when the flow started) with `account=acct_...` and a one-time
 * `confirmation=` the platform's backend presents to `POST /accounts/{id}/confirm` before the account
 * is its user's (see docs/security.md, "Flow-start account linking"), or to the failure URL with a
 * stable `error=` code the platform's page can explain. The state cookie is cleared either way.
 */
import { mintConfirmation } from '../accounts/confirmation';
import type { ServiceConfig } from '../config';
import { type ErrorCode, isCallerKind, ServiceError, StripeCallError } from '../errors';
import { clearedStateCookie, readCookie, stateCookieName } from '../http/cookies';
import { parseQuery, singleParam } from '../http/query';
import { type HttpResponse, redirectResponse } from '../http/responses';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import type { AccountsRepo } from '../stores/accounts-repo';
import type { StatesRepo } from '../stores/states-repo';
import type { StripeAccess } from '../stripe/client';
import { classifyStripeError } from '../stripe/errors';
import { exchangeCode } from './exchange-code';
import { tokenScopesFor } from './flow';
import { hashSecretValue, isWellFormedStateValue } from './state';

export interface CompleteConnectionContext {
  readonly config: ServiceConfig;
  readonly states: StatesRepo;
  readonly accounts: AccountsRepo;
  /** Created only once the state checks out: a refused callback never touches Stripe. */
  readonly stripe: StripeAccess;
  readonly notices: NoticePublisher;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly now: number;
}

export interface CallbackRequest {
  readonly rawQueryString: string | undefined;
  readonly cookies: readonly string[] | undefined;
}

/** Stable `error=` codes of the failure redirect (all of them error codes of shared/errors.ts). */
export type ConnectFailure = Extract<
  ErrorCode,
  | 'access_denied'
  | 'authorization_failed'
  | 'invalid_callback'
  | 'session_mismatch'
  | 'state_invalid'
  | 'state_expired'
  | 'code_invalid'
  | 'code_reused'
  | 'capabilities_missing'
  | 'flow_mismatch'
  | 'livemode_mismatch'
  | 'account_claimed'
  | 'stripe_unavailable'
  | 'service_unavailable'
>;

const withParam = (base: string, name: string, value: string): string => {
  const url = new URL(base);
  url.searchParams.set(name, value);
  return url.href;
};

const readCallbackQuery = (rawQueryString: string | undefined) => {
  try {
    const query = parseQuery(rawQueryString);
    return { error: singleParam(query, 'error'), state: singleParam(query, 'state'), code: singleParam(query, 'code') };
  } catch {
    return undefined;
  }
};

interface ExchangeFailure {
  readonly reason: ConnectFailure;
  /** How loud the log line is: a user's expired code is routine, our own refused credentials are not. */
  readonly level: 'info' | 'warn' | 'error';
}

/** Every way Stripe's token endpoint can fail, as the classifier names it, and the redirect each one gets. */
const exchangeFailure = (error: unknown): ExchangeFailure => {
  switch (classifyStripeError(error).kind) {
    case 'code_reused':
      // Our state is consumed once, so a code "already used" means the SDK's one forced retry after a
      // closed connection, or someone redeemed the code first. Stripe has revoked that connection either way.
      return { reason: 'code_reused', level: 'warn' };
    case 'invalid_grant':
      return { reason: 'code_invalid', level: 'info' };
    case 'capabilities_missing':
      return { reason: 'capabilities_missing', level: 'info' };
    case 'oauth_refused':
      // A refused parameter (e.g. unknown assert_capabilities), scope or grant type is our request's fault.
      return { reason: 'authorization_failed', level: 'warn' };
    case 'invalid_client':
    case 'account_not_connected':
    case 'controlled_account':
    case 'credentials_refused':
    case 'permission_denied':
      // The client_id and the secret key do not belong together, or the key was refused: a deployment fault.
      return { reason: 'service_unavailable', level: 'error' };
    default:
      return { reason: 'stripe_unavailable', level: 'warn' };
  }
};

export const completeConnection = async (
  request: CallbackRequest,
  context: CompleteConnectionContext,
): Promise<HttpResponse> => {
  const { config, states, accounts, logger, metrics, now } = context;
  const cookies = [clearedStateCookie()];
  const fail = (
    reason: ConnectFailure,
    fields: Record<string, unknown> = {},
    level: ExchangeFailure['level'] = 'info',
  ): HttpResponse => {
    logger[level]('connect failed', { reason, ...fields });
    metrics.count('ConnectFailed', { reason });
    return redirectResponse(withParam(config.failureUrl, 'error', reason), cookies);
  };

  const query = readCallbackQuery(request.rawQueryString);
  if (!query) return fail('invalid_callback');
  const binding = readCookie(request.cookies, stateCookieName);
  const bound = isWellFormedStateValue(query.state) && isWellFormedStateValue(binding);

  try {
    if (query.error !== undefined) {
      // Burn the state so it cannot be replayed; Stripe may send access_denied without one.
      if (bound) await states.consume(hashSecretValue(query.state as string), hashSecretValue(binding as string), now);
      return fail(query.error === 'access_denied' ? 'access_denied' : 'authorization_failed', {
        stripeError: query.error.slice(0, 64),
      });
    }
    if (query.code === undefined || !isWellFormedStateValue(query.state)) return fail('invalid_callback');
    if (!isWellFormedStateValue(binding)) return fail('session_mismatch');

    const consumed = await states.consume(hashSecretValue(query.state), hashSecretValue(binding), now);
    if (!consumed.ok) {
      return fail(
        consumed.reason === 'expired'
          ? 'state_expired'
          : consumed.reason === 'mismatch'
            ? 'session_mismatch'
            : 'state_invalid',
      );
    }
    const flowState = consumed.item;
    if (!/^[A-Za-z0-9_]{1,255}$/.test(query.code)) return fail('code_invalid');

    const stripe = await context.stripe();
    let token: Awaited<ReturnType<typeof exchangeCode>>;
    try {
      token = await exchangeCode(stripe.client, query.code, flowState.suggestedCapabilities);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const { reason, level } = exchangeFailure(error);
      return fail(reason, { error }, level);
    }
    if (!tokenScopesFor(flowState.flow).includes(token.scope)) {
      return fail('flow_mismatch', { flow: flowState.flow, scope: token.scope, accountId: token.accountId });
    }
    if (token.livemode !== stripe.livemode) return fail('livemode_mismatch', { accountId: token.accountId });

    // The browser that finished the flow may not be the ticket user's: the value goes to the success
    // redirect only (never stored or logged), and the account is theirs once their platform presents it.
    const confirmation = mintConfirmation(now);
    const stored = await accounts.putConnected({
      accountId: token.accountId,
      platformUserId: flowState.platformUserId,
      type: flowState.flow,
      scope: token.scope,
      livemode: token.livemode,
      at: now,
      confirmation: { hash: confirmation.hash, expiresAt: confirmation.expiresAt },
    });
    if (!stored.ok)
      return fail('account_claimed', { accountId: token.accountId, platformUserId: flowState.platformUserId });

    await context.notices.publish({
      type: 'account.connected',
      accountId: token.accountId,
      detail: {
        platformUserId: flowState.platformUserId,
        type: flowState.flow,
        livemode: token.livemode,
        connectedAt: stored.record.connectedAt,
      },
    });
    logger.info('connect completed', {
      accountId: token.accountId,
      flow: flowState.flow,
      platformUserId: flowState.platformUserId,
      confirmation: stored.confirmation,
    });
    metrics.count('ConnectCompleted', { flow: flowState.flow });
    // Also for a kept confirmation (nothing stored): the platform's one path, confirm, answers 200 for it.
    const success = withParam(flowState.returnTo ?? config.successUrl, 'account', token.accountId);
    return redirectResponse(withParam(success, 'confirmation', confirmation.value), cookies);
  } catch (error) {
    // A dependency failed (the store, the secrets, an answer from Stripe we cannot use): still a redirect.
    if (error instanceof ServiceError && !isCallerKind(error.kind)) {
      logger.error('connect failed on a dependency', { errorCode: error.code, cause: error.cause });
      return fail(error instanceof StripeCallError ? 'stripe_unavailable' : 'service_unavailable');
    }
    throw error;
  }
};
