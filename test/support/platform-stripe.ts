import type Stripe from 'stripe';
import type { PlatformStripe } from '../../shared/stripe/client';

/**
 * The platform's Stripe for a use-case test over a fake client: calls carry only their own options (the
 * budget a deadline adds is shared/stripe/call-budget.ts's, tested there and over HTTP).
 */
export const platformStripeOf = (client: Stripe, livemode = false): PlatformStripe => ({
  client,
  livemode,
  callOptions: (own) => ({ ...own }),
});
