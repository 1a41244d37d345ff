/**
 * `POST /accounts/{accountId}/confirm`: the platform's backend presents the one-time value of the
 * success redirect, with a token for the user logged in on its side. Only then is the account that
 * user's: listed, with login links and deauthorization (see docs/security.md, "Flow-start account linking"),
 * and announced with `account.connected`, once, by the request whose write confirmed it.
 */
import { badRequest } from '../errors';
import { parseJsonObjectBody, refuseUnknownFields } from '../http/json-body';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import { type AccountRecord, type AccountsRepo, isPendingConfirmation } from '../stores/accounts-repo';
import { type EpochMs, toIso } from '../time';
import { toAccountView } from './account-view';
import { confirmationMatches, hashConfirmation, isWellFormedConfirmation } from './confirmation';
import { connectedNotice } from './connected-notice';
import { accountRefusals, findOwnedAccount } from './owned-account';

export interface ConfirmAccountContext {
  readonly accounts: Pick<AccountsRepo, 'get' | 'confirm'>;
  readonly metrics: ServiceMetrics;
  readonly notices: NoticePublisher;
  readonly now: EpochMs;
}

export interface ConfirmRequest {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly body: string | undefined;
  readonly isBase64Encoded?: boolean;
}

const confirmationInvalid = () =>
  badRequest(
    'confirmation_invalid',
    'This confirmation value does not belong to the account: use the confirmation from the latest success redirect for it.',
  );

const confirmationExpired = () =>
  badRequest(
    'confirmation_expired',
    'This confirmation value has expired: the person can connect the account again from the platform, which gives a new one.',
  );

/** The `confirmation` of the body, or a 400 that says what the body looks like. */
const presentedValue = (request: ConfirmRequest): string => {
  const body = parseJsonObjectBody(request);
  refuseUnknownFields(body, ['confirmation']);
  const { confirmation } = body;
  if (confirmation === undefined)
    throw badRequest('missing_parameter', 'The body needs confirmation: the value of the success redirect.');
  if (!isWellFormedConfirmation(confirmation))
    throw badRequest(
      'invalid_parameter',
      'confirmation must be the 22-character value of the success redirect, as it was given.',
    );
  return confirmation;
};

/** Still waiting for its confirmation, but Stripe disconnected it meanwhile (the deauthorization webhook marked it). */
const disconnectedWhilePending = (record: AccountRecord): boolean =>
  isPendingConfirmation(record) && record.status !== 'connected';

/**
 * Confirms the token user's pending account, or answers why not; confirmed already is a 200 (retries). An
 * account Stripe disconnected before its confirmation (the deauthorization webhook got there first) is a 409:
 * confirming it would announce `account.connected` for an account the platform no longer reaches.
 */
export const confirmAccount = async (request: ConfirmRequest, context: ConfirmAccountContext) => {
  const value = presentedValue(request);
  const record = await findOwnedAccount(context.accounts, request.accountId, request.platformUserId);
  if (!isPendingConfirmation(record)) return toAccountView(record);
  if (disconnectedWhilePending(record)) throw accountRefusals.deauthorized(record.accountId);
  if (!confirmationMatches(value, record.confirmationHash ?? '')) throw confirmationInvalid();
  if ((record.confirmationExpiresAt ?? 0) <= context.now) throw confirmationExpired();
  const result = await context.accounts.confirm(record, hashConfirmation(value), context.now);
  const current = result.ok ? result.record : result.current;
  // Refused, the item changed since the read: a newer flow replaced the value (or the owner), or it was confirmed,
  // or Stripe disconnected it.
  if (current?.platformUserId === record.platformUserId && disconnectedWhilePending(current))
    throw accountRefusals.deauthorized(record.accountId);
  if (!current || current.platformUserId !== record.platformUserId || isPendingConfirmation(current))
    throw confirmationInvalid();
  // Ours: written now, or refused but confirmed at this request's instant (the SDK retried our own write after
  // its answer was lost). Otherwise a concurrent request confirmed it, and announced it.
  if (result.ok || current.confirmedAt === toIso(context.now)) {
    context.metrics.count('AccountConfirmed');
    await context.notices.publish(connectedNotice(current));
  }
  return toAccountView(current);
};
