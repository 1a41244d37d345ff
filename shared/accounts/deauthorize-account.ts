/**
 * `POST /accounts/{accountId}/deauthorize`: disconnects a Standard account at Stripe and marks it
 * deauthorized. Idempotent: a Standard account already deauthorized answers 200 with the same record and
 * no second Stripe call. Stripe refuses OAuth deauthorization of Express accounts, so those get a
 * 409 that says what to do instead, and nothing changes; so do accounts the platform created (Stripe
 * refuses to disconnect an account its platform controls).
 */
import { conflict } from '../errors';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import { createdAccountCannotBeDisconnected } from '../onboarding/created-account-deauthorize';
import { oauthClientId } from '../secrets';
import { type AccountRecord, type AccountsRepo, wasCreatedHere } from '../stores/accounts-repo';
import type { StripeAccess } from '../stripe/client';
import { classifyStripeError, stripeFailure } from '../stripe/errors';
import { toIso } from '../time';
import { toAccountView } from './account-view';
import { accountRefusals } from './owned-account';

export interface DeauthorizeContext {
  readonly accounts: Pick<AccountsRepo, 'get' | 'markDeauthorized'>;
  /** Its mode is the platform key's: a connection of the other mode cannot be ended with it. */
  readonly stripe: StripeAccess;
  /** Unset on a deployment without Connect OAuth, which has no connection of its own to end. */
  readonly clientId: string | undefined;
  readonly notices: NoticePublisher;
  readonly metrics: ServiceMetrics;
  readonly now: number;
}

const expressRefusal = (accountId: string, cause?: unknown) =>
  conflict(
    'express_account',
    `${accountId} is an Express account: Stripe does not allow disconnecting Express accounts through OAuth. ` +
      'The platform can reject or close the account with the Accounts API, or stop using it; nothing was changed.',
    cause,
  );

/**
 * Stripe's refusal, as this route answers it. Stripe saying the platform is no longer connected to
 * this very account means the goal is already reached (undefined: carry on). `invalid_client` has
 * other causes (a client_id of the other mode or platform), which must not mark a live connection as ended.
 */
const deauthorizeFailure = (error: unknown, record: AccountRecord) => {
  const { accountId } = record;
  const failure = classifyStripeError(error);
  switch (failure.kind) {
    case 'controlled_account':
      // A Standard account the platform controls (created with the Accounts API, though not by this service).
      return record.type === 'express'
        ? expressRefusal(accountId, error)
        : createdAccountCannotBeDisconnected(accountId, error);
    case 'account_not_connected':
      return failure.accountId === accountId ? undefined : stripeFailure(error);
    default:
      return stripeFailure(error);
  }
};

/**
 * Disconnects an owned account (the caller has checked ownership) and returns its record view.
 * @example
 * const view = await deauthorizeAccount(await requireOwnedAccount(accounts, accountId, user), context);
 */
export const deauthorizeAccount = async (record: AccountRecord, context: DeauthorizeContext) => {
  // Its connection may say `oauth` (its owner connected it through OAuth since): it is still one the platform controls.
  if (wasCreatedHere(record)) throw createdAccountCannotBeDisconnected(record.accountId);
  if (record.type === 'express') throw expressRefusal(record.accountId);
  if (record.status === 'deauthorized') return toAccountView(record);
  const clientId = oauthClientId(context);
  const stripe = await context.stripe();
  if (record.livemode !== stripe.livemode) {
    const mode = (live: boolean) => (live ? 'live' : 'test');
    throw conflict(
      'livemode_mismatch',
      `${record.accountId} was connected in ${mode(record.livemode)} mode, but this deployment uses a ${mode(stripe.livemode)}-mode key; nothing was changed.`,
    );
  }
  try {
    await stripe.client.oauth.deauthorize(
      { client_id: clientId, stripe_user_id: record.accountId },
      stripe.callOptions(),
    );
  } catch (error) {
    const refusal = deauthorizeFailure(error, record);
    if (refusal) throw refusal;
  }
  const at = toIso(context.now);
  const updated = await context.accounts.markDeauthorized(record, context.now);
  if (!updated) throw accountRefusals.notFound(record.accountId);
  if (updated.status !== 'deauthorized' || updated.platformUserId !== record.platformUserId) {
    // Connected again while we were at Stripe: our record now describes that newer connection, which is not ours to mark.
    throw conflict(
      'account_reconnected',
      `${record.accountId} was connected again through OAuth while this request ran, so its record was left as it is. ` +
        'If Stripe ended that connection too, its deauthorization webhook will mark it; otherwise call deauthorize again.',
    );
  }
  context.metrics.count('AccountDeauthorized', { source: 'platform' });
  // The webhook may have recorded it first (and told the platform): one notice per deauthorization.
  if (updated.deauthorizedAt === at) {
    await context.notices.publish({
      type: 'account.deauthorized',
      accountId: record.accountId,
      detail: { platformUserId: record.platformUserId, cause: 'platform' },
    });
  }
  return toAccountView(updated);
};
