import { StripeCallError } from '../errors';
import type { PlatformStripe } from '../stripe/client';
import { accountIdPattern } from '../stripe/ids';

export interface ExchangedCode {
  readonly accountId: string;
  readonly scope: string;
  readonly livemode: boolean;
}

/** Accepts only a well-formed token response; anything else writes nothing. */
export const parseTokenResponse = (response: unknown): ExchangedCode => {
  const body =
    typeof response === 'object' && response !== null && !Array.isArray(response)
      ? (response as Record<string, unknown>)
      : {};
  const { stripe_user_id: accountId, scope, livemode } = body;
  if (
    typeof accountId !== 'string' ||
    !accountIdPattern.test(accountId) ||
    typeof scope !== 'string' ||
    typeof livemode !== 'boolean'
  ) {
    throw new StripeCallError(
      'upstream_failed',
      'stripe_bad_response',
      'Stripe answered the code exchange with something we cannot use.',
      { expose: true },
    );
  }
  return { accountId, scope, livemode };
};

/**
 * Exchanges an authorization code at Stripe's token endpoint. Network retries are off: a code is
 * single use, and Stripe revokes the connection when one is presented twice. The access and
 * refresh tokens in the answer are deliberately dropped (Stripe deprecates them; the platform key
 * with `Stripe-Account` is the recommended way to act for the account).
 *
 * Never with `assert_capabilities`: by the time a failed assert answers, the person has onboarded
 * an account at Stripe, and the failure would leave it connected without a record here. The
 * capabilities Stripe actually added are compared afterwards instead (capabilities.ts).
 */
export const exchangeCode = async (stripe: PlatformStripe, code: string): Promise<ExchangedCode> => {
  const response = await stripe.client.oauth.token(
    { grant_type: 'authorization_code', code },
    stripe.callOptions({ maxNetworkRetries: 0 }),
  );
  return parseTokenResponse(response);
};
