import type Stripe from 'stripe';
import { OutOfTimeError } from '../../shared/stripe/call-budget';
import type { PlatformStripe } from '../../shared/stripe/client';

/**
 * The timeout every call of a `platformStripeOf` carries: a call made with it took its options from
 * `callOptions` (the budget a real deadline gives is shared/stripe/call-budget.ts's, tested there and over HTTP).
 */
export const budgetedTimeout = 4321;

/**
 * The platform's Stripe for a use-case test over a fake client. `outOfTime`: the request has no time left,
 * so every call's options throw, as they do past the deadline.
 */
export const platformStripeOf = (
  client: Stripe,
  livemode = false,
  { outOfTime = false }: { readonly outOfTime?: boolean } = {},
): PlatformStripe => ({
  client,
  livemode,
  callOptions: (own) => {
    if (outOfTime) throw new OutOfTimeError(0);
    return { ...own, timeout: budgetedTimeout };
  },
});
