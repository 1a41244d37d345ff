/** The Stripe client of the floor bundles that call Stripe: the same options as ours (shared/stripe/client.ts). */
import Stripe from 'stripe';

let client: Stripe | undefined;

export const floorStripe = (): Stripe => {
  if (client) return client;
  const base = new URL(process.env.STRIPE_API_BASE ?? 'https://api.stripe.com');
  client = new Stripe(process.env.STRIPE_SECRET_KEY ?? '', {
    timeout: 5000,
    maxNetworkRetries: 1,
    telemetry: false,
    host: base.hostname,
    port: Number(base.port || 443),
    protocol: base.protocol === 'https:' ? 'https' : 'http',
  });
  return client;
};
