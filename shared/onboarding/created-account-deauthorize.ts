/**
 * Why a created account cannot be disconnected, and what the platform can do instead. Stripe refuses to
 * disconnect accounts a platform controls (`no_deauth_on_controlled_account`), and every account this
 * service created is one; the deauthorize route answers this 409 before calling Stripe.
 */
import { conflict, type ServiceError } from '../errors';

export const createdAccountCannotBeDisconnected = (accountId: string, cause?: unknown): ServiceError =>
  conflict(
    'created_account_not_disconnectable',
    `${accountId} was created by the platform, and Stripe does not let a platform disconnect an account it created. To stop working with it, reject it from the Stripe Dashboard or with POST /v1/accounts/${accountId}/reject (https://docs.stripe.com/api/account/reject); its owner can also close it.`,
    cause,
  );
