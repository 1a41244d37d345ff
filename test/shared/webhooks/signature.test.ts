import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyStripeSignature } from '../../../shared/webhooks/signature';

const secret = 'whsec_test_secret_one';
const rotated = 'whsec_test_secret_two';
const now = 1_800_000_000_000;
const t = now / 1000;
const payload = '{"id":"evt_1","object":"event"}';
// stripe-node's own test helper signs exactly as Stripe does: our verifier must agree with it.
const sign = (body: string, key: string, timestamp = t) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret: key, timestamp });

const verify = (header: string | undefined, body = payload, secrets = [secret]) =>
  verifyStripeSignature({ payload: Buffer.from(body), header, secrets, toleranceSeconds: 300, now });

const refusal = (code: string) => expect.objectContaining({ kind: 'invalid_request', code });

describe('verifyStripeSignature', () => {
  it('accepts a payload signed by stripe-node with the endpoint secret', () => {
    expect(() => verify(sign(payload, secret))).not.toThrow();
  });

  it('accepts a signature by any of the secrets configured during a rotation', () => {
    expect(() => verify(sign(payload, rotated), payload, [secret, rotated])).not.toThrow();
  });

  it('accepts a header with several v1 values when one matches', () => {
    const good = sign(payload, secret).split(',')[1] ?? '';
    expect(() => verify(`t=${t},v1=${'0'.repeat(64)},${good}`)).not.toThrow();
  });

  it('verifies the exact bytes, including bytes that are not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const v1 = createHmac('sha256', secret).update(`${t}.`).update(bytes).digest('hex');
    expect(() =>
      verifyStripeSignature({
        payload: bytes,
        header: `t=${t},v1=${v1}`,
        secrets: [secret],
        toleranceSeconds: 300,
        now,
      }),
    ).not.toThrow();
  });

  it.each([
    ['no header', undefined, 'missing_signature'],
    ['a header without v1', `t=${t}`, 'invalid_signature_header'],
    ['a header without t', `v1=${'a'.repeat(64)}`, 'invalid_signature_header'],
    ['a v0-only header', `t=${t},v0=${'a'.repeat(64)}`, 'invalid_signature_header'],
    ['garbage', 'hello', 'invalid_signature_header'],
  ])('refuses %s', (_, header, code) => {
    expect(() => verify(header)).toThrowError(refusal(code));
  });

  it('refuses a header longer than 4096 characters, even one that holds a matching signature', () => {
    const header = `${sign(payload, secret)},${'x'.repeat(4096)}`;

    expect(() => verify(header)).toThrowError(refusal('invalid_signature_header'));
  });

  it('refuses a signature made with another secret', () => {
    expect(() => verify(sign(payload, 'whsec_someone_else'))).toThrowError(refusal('signature_mismatch'));
  });

  it('refuses a tampered body', () => {
    expect(() => verify(sign(payload, secret), payload.replace('evt_1', 'evt_2'))).toThrowError(
      refusal('signature_mismatch'),
    );
  });

  it('refuses a timestamp older than the tolerance', () => {
    expect(() => verify(sign(payload, secret, t - 301))).toThrowError(refusal('timestamp_outside_tolerance'));
  });

  it('refuses a timestamp far in the future', () => {
    expect(() => verify(sign(payload, secret, t + 301))).toThrowError(refusal('timestamp_outside_tolerance'));
  });

  it('accepts a timestamp at the edge of the tolerance', () => {
    expect(() => verify(sign(payload, secret, t - 300))).not.toThrow();
  });

  it('refuses to run with a zero tolerance, which would skip the timestamp check', () => {
    expect(() =>
      verifyStripeSignature({
        payload: Buffer.from(payload),
        header: sign(payload, secret),
        secrets: [secret],
        toleranceSeconds: 0,
        now,
      }),
    ).toThrowError(/toleranceSeconds must be positive/);
  });
});
