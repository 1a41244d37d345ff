import { serviceConfig } from '../config';
import { callOptionsWithin, type LambdaClock, requestDeadline } from '../stripe/call-budget';
import { type StripeAccess, stripeClientFor } from '../stripe/client';
import { isLiveKey } from '../stripe/mode';
import { platformSecrets } from './secrets';

/**
 * The platform's Stripe client for this container (rebuilt only if the key rotates), for the request of this
 * Lambda invocation: its calls fit the time the invocation has left (../stripe/call-budget.ts).
 */
export const platformStripe = (lambda: LambdaClock): StripeAccess => {
  const deadline = requestDeadline(lambda);
  return async () => {
    const { secretKey } = await platformSecrets().get();
    const config = serviceConfig();
    return {
      client: stripeClientFor(secretKey, { apiBase: config.stripeApiBase, timeoutMs: config.stripeTimeoutMs }),
      livemode: isLiveKey(secretKey),
      callOptions: callOptionsWithin(deadline, config.stripeTimeoutMs),
    };
  };
};
