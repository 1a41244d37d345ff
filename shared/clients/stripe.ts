import type Stripe from 'stripe';
import { serviceConfig } from '../config';
import { stripeClientFor } from '../stripe/client';
import { isLiveKey } from '../stripe/mode';
import { platformSecrets } from './secrets';

export interface PlatformStripe {
  readonly client: Stripe;
  /** The mode of this deployment, from its key: responses and events of the other mode are refused. */
  readonly livemode: boolean;
}

/** The platform's Stripe client for this container (rebuilt only if the key rotates). */
export const platformStripe = async (): Promise<PlatformStripe> => {
  const { secretKey } = await platformSecrets().get();
  const config = serviceConfig();
  return {
    client: stripeClientFor(secretKey, { apiBase: config.stripeApiBase, timeoutMs: config.stripeTimeoutMs }),
    livemode: isLiveKey(secretKey),
  };
};
