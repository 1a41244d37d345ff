/**
 * Suggested capabilities Stripe did not add. Stripe adds a suggested capability to a new Express
 * account unless the account's country or business does not support it, and then falls back
 * silently (another capability, or none): "Stripe handles any failure to apply a capability
 * silently" (https://docs.stripe.com/connect/oauth-express-accounts). We read the account once the
 * code is exchanged and compare, rather than asserting at the token endpoint (see exchange-code.ts).
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

/** Reads the account at Stripe and returns the suggested capabilities it lacks (none suggested: no call). */
export const findCapabilitiesMissing = async (
  stripe: Stripe,
  accountId: string,
  suggested: readonly string[],
): Promise<string[]> => {
  if (suggested.length === 0) return [];
  return capabilitiesMissingFrom(await stripe.accounts.retrieve(accountId), suggested);
};
