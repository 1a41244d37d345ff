/**
 * The Stripe API version the service speaks: the one stripe@23.1.0 pins (a unit test keeps the two
 * equal), sent by the webhook function's plain reader so its answers match the SDK's.
 */
export const stripeApiVersion = '2026-10-28.endive';
