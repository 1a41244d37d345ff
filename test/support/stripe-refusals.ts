/**
 * Stripe's refusals that no retry changes, as stripe-node raises them, and what every route over one account
 * answers: an account Stripe no longer reaches (403 `account_invalid`, 404) is the account's 409; a platform key
 * without the permission is the operator's 502.
 */
import Stripe from 'stripe';

/** A restricted platform key without the permission the call needs (403, no code). */
export const restrictedKeyRefusal = () =>
  new Stripe.errors.StripePermissionError({
    message: 'The provided key does not have the required permissions',
    type: 'invalid_request_error',
  });

const accountGone = { kind: 'conflict', code: 'account_not_connected' } as const;

/** Each refusal with the answer a route gives it. */
export const refusalsNoRetryChanges = (accountId: string) =>
  [
    [
      new Stripe.errors.StripePermissionError({
        message: 'no access',
        type: 'invalid_request_error',
        code: 'account_invalid',
      }),
      accountGone,
    ],
    [
      new Stripe.errors.StripeInvalidRequestError({
        message: `No such account: '${accountId}'`,
        type: 'invalid_request_error',
        statusCode: 404,
      }),
      accountGone,
    ],
    [restrictedKeyRefusal(), { kind: 'upstream_failed', code: 'stripe_misconfigured' }],
  ] as const;
