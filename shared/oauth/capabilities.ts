/**
 * Suggested capabilities Stripe did not add. Stripe adds a suggested capability to a new Express
 * account unless the account's country or business does not support it, and then falls back
 * silently (another capability, or none): "Stripe handles any failure to apply a capability
 * silently" (seed 001, docs/stripe-fidelity.md). The callback reads the account once the code is
 * exchanged and compares, rather than asserting at the token endpoint (see exchange-code.ts).
 */
import type Stripe from 'stripe';

/** The suggested capabilities the account does not have at all (requested but not yet active ones count as there). */
export const capabilitiesMissingFrom = (
  account: Pick<Stripe.Account, 'capabilities'>,
  suggested: readonly string[],
): string[] => {
  const granted = new Set(Object.keys(account.capabilities ?? {}));
  return suggested.filter((name) => !granted.has(name));
};
