/**
 * Stripe's state of a connected account as the service has just read it (`GET /v1/accounts/{id}`, at the
 * OAuth callback and at onboarding's return), stored at once rather than left to the webhooks, as a `read`
 * snapshot (`SnapshotSource`): not over a newer one (an `account.updated` of a later second, or of its own second
 * stored after the snapshot the reader saw).
 */
import type { Logger } from '../logger';
import type { EpochMs } from '../time';
import { accountStateFrom, type StateChange } from '../webhooks/account-change';
import type { PoisonReason } from '../webhooks/ignore-reasons';

export interface ReadStateContext {
  readonly accounts: { recordState(change: StateChange, now: EpochMs): Promise<boolean> };
  readonly logger: Logger;
  /** When the request began, before the read: the state's time, as a webhook's is its event's. */
  readonly now: EpochMs;
}

/**
 * The state of what Stripe answered, as of `now`, read after the record's snapshot of version `seen` (0 for
 * none) was stored and seen; undefined (and logged) when it is not an account.
 */
export const readStateChange = (
  account: object,
  accountId: string,
  seen: number,
  { logger, now }: Pick<ReadStateContext, 'logger' | 'now'>,
): StateChange | undefined => {
  const state = accountStateFrom(account as Readonly<Record<string, unknown>>);
  if (!state) {
    logger.warn('connected account unread', { accountId, stripeFailure: 'malformed_account' satisfies PoisonReason });
    return undefined;
  }
  return { kind: 'state', accountId, state, asOf: now, source: 'read', seen };
};

/**
 * Stores the state read at Stripe. Refused when the record holds a newer snapshot or is no longer
 * connected, which is right; a failed write is logged, not fatal (the webhooks bring the state).
 */
export const storeReadState = async (
  change: StateChange,
  { accounts, logger, now }: ReadStateContext,
): Promise<void> => {
  try {
    await accounts.recordState(change, now);
  } catch (error) {
    logger.error('account state not stored', { accountId: change.accountId, error });
  }
};
