/**
 * A connection the callback made at Stripe (the code is exchanged) and then could not keep: the
 * flow or the mode does not match, the account is another user's, or the store failed before the
 * account was recorded. Nothing may stay connected at Stripe that the service does not know, and
 * nothing the service knows may be ended by someone else's failed flow. A connection of an account
 * connected here already is left alone (it is its owner's). Any other Standard connection is ended
 * (OAuth deauthorization); Stripe does not let a platform end one to an account it controls
 * (Express), so that one is recorded with no owner and flagged with the reason. If neither works,
 * an error log and a metric tell the operator which account to clean up. See docs/security.md.
 */
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { AccountsRepo } from '../stores/accounts-repo';
import type { PlatformStripe } from '../stripe/client';
import { classifyStripeError } from '../stripe/errors';
import type { ExchangedCode } from './exchange-code';

export interface ReleaseContext {
  readonly stripe: PlatformStripe;
  /** The platform's client id, which Stripe's deauthorization asks for. */
  readonly clientId: () => Promise<string>;
  readonly accounts: Pick<AccountsRepo, 'get' | 'putUnclaimed'>;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly now: number;
}

/**
 * What became of the connection: kept, because it is an account connected here already (Stripe keeps
 * one connection per account and platform: ending it would end its owner's); ended at Stripe; kept here with no owner (Stripe does not allow
 * ending it); or still connected at Stripe against our wish (recorded unclaimed if the store allowed),
 * for the operator to end.
 */
export type ReleaseOutcome = 'known' | 'deauthorized' | 'unclaimed' | 'left_at_stripe';

/** Express connections report the `express` scope: Stripe refuses to deauthorize those, so we do not ask. */
const isControlledScope = (scope: string): boolean => scope === 'express';

/** Ends the connection at Stripe; true when it is gone, false when Stripe does not allow it (a controlled account). */
const deauthorize = async (token: ExchangedCode, context: ReleaseContext): Promise<boolean> => {
  try {
    await context.stripe.client.oauth.deauthorize(
      { client_id: await context.clientId(), stripe_user_id: token.accountId },
      context.stripe.callOptions(),
    );
    return true;
  } catch (error) {
    const failure = classifyStripeError(error);
    if (failure.kind === 'controlled_account') return false;
    // Stripe no longer connects this very account to us: what we asked for is already so.
    if (failure.kind === 'account_not_connected' && failure.accountId === token.accountId) return true;
    throw error;
  }
};

export const releaseConnection = async (
  token: ExchangedCode,
  reason: string,
  context: ReleaseContext,
): Promise<ReleaseOutcome> => {
  const { logger, metrics } = context;
  const fields = { accountId: token.accountId, scope: token.scope, livemode: token.livemode, reason };
  const leftAtStripe = (error: unknown): ReleaseOutcome => {
    logger.error('connection left at Stripe', { ...fields, error });
    metrics.count('ConnectionLeftAtStripe', { reason });
    return 'left_at_stripe';
  };
  try {
    const known = await context.accounts.get(token.accountId);
    if (known?.status === 'connected') {
      logger.warn('connection kept: the account is connected here already', fields);
      return 'known';
    }
  } catch (error) {
    // Without the store we cannot tell an unknown connection from a known one, which must not be ended.
    return leftAtStripe(error);
  }
  let deauthorizeError: unknown;
  if (!isControlledScope(token.scope)) {
    try {
      if (await deauthorize(token, context)) {
        logger.warn('connection ended at Stripe', fields);
        metrics.count('ConnectionReleased', { reason });
        return 'deauthorized';
      }
    } catch (error) {
      deauthorizeError = error;
    }
  }
  // Stripe does not allow ending it, or did not answer: kept here with no owner, so it is not unknown.
  let recorded: boolean;
  try {
    recorded = await context.accounts.putUnclaimed({
      accountId: token.accountId,
      type: isControlledScope(token.scope) ? 'express' : 'standard',
      scope: token.scope,
      livemode: token.livemode,
      flagged: reason,
      at: context.now,
    });
  } catch (error) {
    return leftAtStripe(deauthorizeError ?? error);
  }
  // Not recorded: the account is known here already (owned, or unclaimed before) and is left as it is.
  logger.warn('connection kept unclaimed', { ...fields, recorded });
  metrics.count('ConnectionUnclaimed', { reason });
  return deauthorizeError === undefined ? 'unclaimed' : leftAtStripe(deauthorizeError);
};
