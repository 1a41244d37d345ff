import { createHmac } from 'node:crypto';

const sign = (rawBody: string, secret: string, timestampSeconds: number): string =>
  createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex');

/**
 * Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The secret is used as-is, `whsec_` prefix included (as stripe-node's verifier does). While an endpoint's
 * secret is being rolled, Stripe signs with every secret still active: one `v1` each, newest first
 * (docs/stripe-fidelity.md, "Webhook signatures during a secret roll"). [doc] Test-mode events also carry a fake `v0`
 * signature, so that verifiers show they ignore schemes other than v1.
 */
export function signatureHeader(
  rawBody: string,
  secrets: string | readonly string[],
  timestampSeconds: number,
  options: { testMode?: boolean } = {},
): string {
  const v1 = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `,v1=${sign(rawBody, secret, timestampSeconds)}`,
  );
  const v0 = options.testMode ? `,v0=${sign(rawBody, 'whsec_fake_v0_scheme', timestampSeconds)}` : '';
  return `t=${timestampSeconds}${v1.join('')}${v0}`;
}
