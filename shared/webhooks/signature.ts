/**
 * Stripe's webhook signature scheme, verified on the exact raw bytes: `Stripe-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=...]`. Split as stripe-node splits
 * it (parse, compute, compare) with two differences: a zero tolerance is impossible, and a
 * timestamp far in the future is refused too (stripe-node only checks the past).
 */
import { createHmac } from 'node:crypto';
import { badRequest } from '../errors';
import { sameBytes } from '../same-bytes';
import { inSeconds } from '../time';

export interface ParsedSignatureHeader {
  readonly timestamp: number;
  readonly signatures: readonly Buffer[];
}

export interface VerifySignatureInput {
  readonly payload: Buffer;
  readonly header: string | undefined;
  /** Every endpoint secret currently valid (several during a rotation). */
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  /** Epoch milliseconds; injectable so tests pin the clock. */
  readonly now: number;
}

const maxHeaderLength = 4096;

export const parseSignatureHeader = (header: string): ParsedSignatureHeader => {
  let timestamp = Number.NaN;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't') timestamp = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  return { timestamp, signatures };
};

export const computeSignature = (payload: Buffer, timestamp: number, secret: string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest();

/** Throws a 400 naming what is wrong; returns nothing when some secret signed this payload. */
export const verifyStripeSignature = ({
  payload,
  header,
  secrets,
  toleranceSeconds,
  now,
}: VerifySignatureInput): void => {
  if (toleranceSeconds <= 0)
    throw new Error('toleranceSeconds must be positive: a zero tolerance would skip the timestamp check');
  if (!header)
    throw badRequest(
      'missing_signature',
      'No Stripe-Signature header: this endpoint only accepts events signed by Stripe.',
    );
  if (header.length > maxHeaderLength)
    throw badRequest('invalid_signature_header', 'The Stripe-Signature header is too long.');
  const { timestamp, signatures } = parseSignatureHeader(header);
  if (!Number.isFinite(timestamp) || signatures.length === 0) {
    throw badRequest('invalid_signature_header', 'The Stripe-Signature header has no timestamp or no v1 signature.');
  }
  if (Math.abs(inSeconds(now) - timestamp) > toleranceSeconds) {
    throw badRequest(
      'timestamp_outside_tolerance',
      `The signature timestamp is more than ${toleranceSeconds} seconds away from now: a replay, or a clock problem.`,
    );
  }
  const expected = secrets.map((secret) => computeSignature(payload, timestamp, secret));
  const matches = signatures.some((signature) => expected.some((candidate) => sameBytes(candidate, signature)));
  if (!matches) {
    throw badRequest(
      'signature_mismatch',
      'No signature matches the payload for the configured endpoint secrets. Is the raw request body passed unchanged, and is the secret the one of this endpoint?',
    );
  }
};
