/**
 * `GET /connect/callback`: Stripe sends the browser back here. Every outcome is a redirect: to the
 * success URL (or the `return_to` fixed when the flow started) with `account=acct_...`, a one-time
 * `confirmation=` the platform's backend presents to `POST /accounts/{id}/confirm` before the account
 * is its user's (see docs/security.md, "Flow-start account linking"), and `capabilities_missing=`
 * when Stripe did not add some suggested capabilities; or to the failure URL with a stable `error=`
 * code the platform's page can explain. The flow's own state cookie, named by the callback's `state`,
 * is cleared either way; no other flow's is touched.
 */
import type Stripe from 'stripe';
import { mintConfirmation } from '../accounts/confirmation';
import { connectedNotice } from '../accounts/connected-notice';
import { readStateChange, storeReadState } from '../accounts/read-state';
import type { ServiceConfig } from '../config';
import {
  dependencyFailureCode,
  type ErrorCode,
  isDependencyFailure,
  ServiceError,
  StoreUnavailableError,
} from '../errors';
import { clearedStateCookie, readCookie, stateCookieName } from '../http/cookies';
import { failureRedirect, successRedirect, successTarget } from '../http/platform-redirects';
import { parseQuery, singleParam } from '../http/query';
import { type HttpResponse, redirectResponse } from '../http/responses';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import type { AccountRecord, AccountsRepo } from '../stores/accounts-repo';
import type { StatesRepo } from '../stores/states-repo';
import type { PlatformStripe, StripeAccess } from '../stripe/client';
import { classifyStripeError } from '../stripe/errors';
import type { StateChange } from '../webhooks/account-change';
import { capabilitiesMissingFrom } from './capabilities';
import { type ExchangedCode, exchangeCode } from './exchange-code';
import { tokenScopesFor } from './flow';
import { releaseConnection } from './release-connection';
import { hashSecretValue, isWellFormedStateValue } from './state';

export interface CompleteConnectionContext {
  readonly config: ServiceConfig;
  readonly states: StatesRepo;
  readonly accounts: Pick<
    AccountsRepo,
    'get' | 'putConnected' | 'putUnclaimed' | 'recordState' | 'setCapabilitiesMissing'
  >;
  /** Created only once the state checks out: a refused callback never touches Stripe. */
  readonly stripe: StripeAccess;
  /** The platform's client id: read only to end a connection the flow could not keep. */
  readonly clientId: () => Promise<string>;
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
  | 'flow_mismatch'
  | 'livemode_mismatch'
  | 'account_claimed'
  | 'stripe_unavailable'
  | 'service_unavailable'
>;

/** The success redirect's parameter naming the suggested capabilities Stripe did not add (comma-separated). */
export const capabilitiesMissingParam = 'capabilities_missing';

const readCallbackQuery = (rawQueryString: string | undefined) => {
  try {
    const query = parseQuery(rawQueryString);
    return { error: singleParam(query, 'error'), state: singleParam(query, 'state'), code: singleParam(query, 'code') };
  } catch {
    return undefined;
  }
};

/**
 * The Set-Cookie a callback answers with, whatever the outcome: its own flow's state cookie
 * cleared, found by the `state` it carries. Without a usable state it clears nothing, so a junk
 * callback cannot end another flow started in the same browser.
 */
export const callbackCookies = (rawQueryString: string | undefined): string[] => {
  const state = readCallbackQuery(rawQueryString)?.state;
  return isWellFormedStateValue(state) ? [clearedStateCookie(state)] : [];
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
    case 'oauth_refused':
      // A refused parameter, scope or grant type is our request's fault (we never assert capabilities).
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

/**
 * The connected account as Stripe has it now, read once the code is exchanged: its state goes into the
 * record at once, rather than waiting for `account.application.authorized`, which Stripe may send before
 * the record exists (answered 503) and then retry only minutes or hours later; and it tells which
 * suggested capabilities Stripe did not add (see capabilities.ts). Read only once the record is stored,
 * and without the client's network retry: the code exchange has already connected the account at Stripe,
 * so a slow Stripe here must not run the function out of time before we know the account. Undefined when
 * Stripe could not be asked or answered something that is not an account: the record stands all the same
 * (its webhooks bring its state), and the log says so.
 */
const readConnectedAccount = async (
  stripe: PlatformStripe,
  { accountId, stateVersion }: Pick<AccountRecord, 'accountId' | 'stateVersion'>,
  { logger, now }: Pick<CompleteConnectionContext, 'logger' | 'now'>,
): Promise<{ readonly account: Stripe.Account; readonly change: StateChange | undefined } | undefined> => {
  try {
    const account = await stripe.client.accounts.retrieve(accountId, {}, stripe.callOptions({ maxNetworkRetries: 0 }));
    return { account, change: readStateChange(account, accountId, stateVersion ?? 0, { logger, now }) };
  } catch (error) {
    logger.warn('connected account unread', { accountId, stripeFailure: classifyStripeError(error).kind, error });
    return undefined;
  }
};

/** Flags the stored account with the capabilities it lacks (or clears an old flag); a failed write is logged, not fatal. */
const recordCapabilitiesMissing = async (
  record: AccountRecord,
  missing: readonly string[],
  { accounts, logger, metrics, now }: CompleteConnectionContext,
): Promise<void> => {
  if (missing.length > 0) {
    logger.warn('connected without suggested capabilities', {
      accountId: record.accountId,
      capabilitiesMissing: missing,
    });
    metrics.count('CapabilitiesMissing');
  }
  try {
    await accounts.setCapabilitiesMissing(record, missing, now);
  } catch (error) {
    logger.error('capabilities flag not stored', { accountId: record.accountId, capabilitiesMissing: missing, error });
  }
};

export const completeConnection = async (
  request: CallbackRequest,
  context: CompleteConnectionContext,
): Promise<HttpResponse> => {
  const { config, states, accounts, logger, metrics, now } = context;
  const cookies = callbackCookies(request.rawQueryString);
  const fail = (
    reason: ConnectFailure,
    fields: Record<string, unknown> = {},
    level: ExchangeFailure['level'] = 'info',
  ): HttpResponse => {
    logger[level]('connect failed', { reason, ...fields });
    metrics.count('ConnectFailed', { reason });
    return redirectResponse(failureRedirect(config.failureUrl, reason), cookies);
  };

  const query = readCallbackQuery(request.rawQueryString);
  if (!query) return fail('invalid_callback');
  const binding = isWellFormedStateValue(query.state)
    ? readCookie(request.cookies, stateCookieName(query.state))
    : undefined;
  const bound = isWellFormedStateValue(query.state) && isWellFormedStateValue(binding);

  try {
    if (query.error !== undefined) {
      // Burn the state so it cannot be replayed; Stripe may send access_denied without one.
      if (bound) await states.consume(hashSecretValue(query.state as string), hashSecretValue(binding as string), now);
      return fail(query.error === 'access_denied' ? 'access_denied' : 'authorization_failed', {
        stripeError: query.error.slice(0, 64),
      });
    }
    // An empty `code=` is no code: nothing to exchange, and the state is not consumed (its cookie is cleared, as
    // on every answer that names the state, so the flow ends here all the same).
    if (!query.code || !isWellFormedStateValue(query.state)) return fail('invalid_callback');
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
      token = await exchangeCode(stripe, query.code);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const { reason, level } = exchangeFailure(error);
      return fail(reason, { error }, level);
    }
    // From here on the account is connected at Stripe: a failure must not leave it so unknown to us.
    const unkept = async (reason: ConnectFailure, fields: Record<string, unknown>, exchanged: ExchangedCode) => {
      const connection = await releaseConnection(exchanged, reason, { ...context, stripe });
      return fail(reason, { ...fields, connection }, 'warn');
    };
    if (!tokenScopesFor(flowState.flow).includes(token.scope)) {
      return unkept('flow_mismatch', { flow: flowState.flow, scope: token.scope, accountId: token.accountId }, token);
    }
    if (token.livemode !== stripe.livemode) return unkept('livemode_mismatch', { accountId: token.accountId }, token);
    // The browser that finished the flow may not be the ticket user's: the value goes to the success
    // redirect only (never stored or logged), and the account is theirs once their platform presents it.
    const confirmation = mintConfirmation(now);
    let stored: Awaited<ReturnType<AccountsRepo['putConnected']>>;
    try {
      stored = await accounts.putConnected({
        accountId: token.accountId,
        platformUserId: flowState.platformUserId,
        type: flowState.flow,
        scope: token.scope,
        livemode: token.livemode,
        at: now,
        confirmation: { hash: confirmation.hash, expiresAt: confirmation.expiresAt },
      });
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      return unkept('service_unavailable', { accountId: token.accountId, error }, token);
    }
    if (!stored.ok) {
      const fields = { accountId: token.accountId, platformUserId: flowState.platformUserId };
      return unkept('account_claimed', fields, token);
    }
    const read = await readConnectedAccount(stripe, stored.record, context);
    if (read?.change) await storeReadState(read.change, context);
    // Unchecked (undefined) when none were suggested, or when the account could not be read.
    const capabilitiesMissing =
      read?.change && flowState.suggestedCapabilities.length > 0
        ? capabilitiesMissingFrom(read.account, flowState.suggestedCapabilities)
        : undefined;
    if (capabilitiesMissing !== undefined) await recordCapabilitiesMissing(stored.record, capabilitiesMissing, context);

    // A pending account is nobody's yet: its notice goes out when the platform confirms it (confirm-account.ts).
    if (stored.confirmation === 'kept') await context.notices.publish(connectedNotice(stored.record));
    logger.info('connect completed', {
      accountId: token.accountId,
      flow: flowState.flow,
      platformUserId: flowState.platformUserId,
      confirmation: stored.confirmation,
    });
    metrics.count('ConnectCompleted', { flow: flowState.flow });
    // Also for a kept confirmation (nothing stored): the platform's one path, confirm, answers 200 for it.
    return redirectResponse(
      successRedirect(
        successTarget(flowState.returnTo, config),
        token.accountId,
        confirmation.value,
        capabilitiesMissing?.length ? { [capabilitiesMissingParam]: capabilitiesMissing.join(',') } : {},
      ),
      cookies,
    );
  } catch (error) {
    // A dependency failed (the store, the secrets, an answer from Stripe we cannot use): still a redirect.
    if (isDependencyFailure(error)) {
      logger.error('connect failed on a dependency', { errorCode: error.code, cause: error.cause });
      return fail(dependencyFailureCode(error));
    }
    throw error;
  }
};
