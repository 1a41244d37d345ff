import { serviceConfig } from '../config';
import { callOptionsWithin, type RequestDeadline } from '../stripe/call-budget';
import { type StripeAccess, stripeClientFor } from '../stripe/client';
import { isLiveKey } from '../stripe/mode';
import { platformSecrets } from './secrets';

/**
 * The platform's Stripe client for this container (rebuilt only if the key rotates), for a request that
 * must answer by `deadline`.
 */
export const platformStripe =
  (deadline: RequestDeadline): StripeAccess =>
  async () => {
    const { secretKey } = await platformSecrets().get();
    const config = serviceConfig();
    return {
      client: stripeClientFor(secretKey, { apiBase: config.stripeApiBase, timeoutMs: config.stripeTimeoutMs }),
      livemode: isLiveKey(secretKey),
      callOptions: callOptionsWithin(deadline, config.stripeTimeoutMs),
    };
  };
