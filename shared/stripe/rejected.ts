import type Stripe from 'stripe';

/** Stripe's `requirements.disabled_reason` values that say Stripe or the platform rejected the account. */
export type RejectedReason = Extract<Stripe.Account.Requirements.DisabledReason, `rejected.${string}`>;

/**
 * Whether an account's `disabled_reason` says it was rejected (`rejected.fraud`, `rejected.other`, …): closed
 * at Stripe, so never finished or continued. Onboarding does not count it among a user's unfinished accounts
 * (shared/onboarding/account-settings.ts).
 */
export const isRejectedReason = (reason: string | null | undefined): reason is RejectedReason =>
  reason?.startsWith('rejected.') ?? false;
