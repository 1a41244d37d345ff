import { serviceConfig } from '../config';
import { type StripeAccess, stripeClientFor } from '../stripe/client';
import { isLiveKey } from '../stripe/mode';
import { platformSecrets } from './secrets';

/** The platform's Stripe client for this container (rebuilt only if the key rotates). */
export const platformStripe: StripeAccess = async () => {
  const { secretKey } = await platformSecrets().get();
  const config = serviceConfig();
  return {
    client: stripeClientFor(secretKey, { apiBase: config.stripeApiBase, timeoutMs: config.stripeTimeoutMs }),
    livemode: isLiveKey(secretKey),
  };
};
