/**
 * HS256 JSON Web Tokens (RFC 7519) on `node:crypto`: the one algorithm our platform tokens and resume
 * values use, signed and checked the way jose's `SignJWT`/`jwtVerify` do it for HS256. jose itself is
 * not bundled: version 6 signs through WebCrypto, whose set-up cost ~2.5 ms of CPU at the first token of
 * every cold start (docs/performance.md). The tests check this module against jose, token for token
 * (test/shared/jwt.test.ts).
 *
 * What a token must pass, in this order (RFC 8725's advice): three base64url parts; a header that is a
 * JSON object with `alg` HS256, no `crit` (we understand no extension), and the expected `typ` when one is
 * asked for; the signature, compared in constant time against the canonical encoding; only then a payload
 * that is a JSON object whose registered claims have the right types, `exp` and `nbf` within the clock
 * tolerance, the audience, and the required claims. A forged token is therefore never called expired.
 */
import { createHmac } from 'node:crypto';
import { sameBytes } from './same-bytes';

export type JwtPayload = Readonly<Record<string, unknown>>;

/** Why a token was refused; only `expired` changes what a caller tells the user. */
export type JwtFailure = 'malformed' | 'unsupported' | 'signature' | 'expired' | 'not_yet_valid' | 'claims';

export class JwtError extends Error {
  override readonly name = 'JwtError';
  constructor(
    readonly reason: JwtFailure,
    message: string,
  ) {
    super(message);
  }
}

export type JwtKey = string | Uint8Array;

const base64url = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');
const base64urlPart = /^[A-Za-z0-9_-]+$/;

const signature = (signingInput: string, key: JwtKey): string =>
  createHmac('sha256', key).update(signingInput).digest('base64url');

/**
 * Signs `payload` with HS256 (header `{"alg":"HS256","typ":…}`).
 * @example
 * signJwt({ sub: 'user_42', aud: 'connect-onboarding', exp }, secret);
 */
export const signJwt = (payload: JwtPayload, key: JwtKey, typ = 'JWT'): string => {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ }))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${signature(signingInput, key)}`;
};

const objectFrom = (part: string, what: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed', `The token's ${what} is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwtError('malformed', `The token's ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
};

/** `typ` compared as jose compares it: case-insensitive, with or without `application/`. */
const mediaType = (value: string): string => value.toLowerCase().replace(/^application\//, '');

export interface JwtExpectations {
  readonly audience: string;
  /** Claims that must be present (and, for registered ones, of the right type). */
  readonly requiredClaims: readonly string[];
  readonly typ?: string;
  readonly clockToleranceSeconds?: number;
  readonly nowSeconds: number;
}

const numericDate = (payload: Record<string, unknown>, claim: 'exp' | 'nbf' | 'iat'): number | undefined => {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new JwtError('claims', `The token's "${claim}" claim is not a number.`);
  return value;
};

const checkClaims = (payload: Record<string, unknown>, expected: JwtExpectations): void => {
  for (const claim of expected.requiredClaims)
    if (payload[claim] === undefined) throw new JwtError('claims', `The token has no "${claim}" claim.`);
  if (payload.sub !== undefined && typeof payload.sub !== 'string')
    throw new JwtError('claims', 'The token\'s "sub" claim is not a string.');
  const tolerance = expected.clockToleranceSeconds ?? 0;
  numericDate(payload, 'iat');
  const notBefore = numericDate(payload, 'nbf');
  if (notBefore !== undefined && notBefore > expected.nowSeconds + tolerance)
    throw new JwtError('not_yet_valid', 'The token is not valid yet.');
  const expires = numericDate(payload, 'exp');
  if (expires !== undefined && expires <= expected.nowSeconds - tolerance)
    throw new JwtError('expired', 'The token has expired.');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expected.audience)) throw new JwtError('claims', 'The token is for another audience.');
};

/**
 * Checks an HS256 token and returns its payload, or throws a {@link JwtError}. `keys` are the keys any one of
 * which may have signed it: one, or two while the platform token secret is rolled (./secrets.ts,
 * platformTokenSecretsThatVerify), tried in order, each compared in constant time.
 * @example
 * const payload = verifyJwt(token, [secret], { audience: 'connect-onboarding', requiredClaims: ['sub', 'exp'], nowSeconds });
 */
export const verifyJwt = (token: string, keys: readonly JwtKey[], expected: JwtExpectations): JwtPayload => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64urlPart.test(part)))
    throw new JwtError('malformed', 'The token is not three base64url parts.');
  const [encodedHeader = '', encodedPayload = '', given = ''] = parts;
  const header = objectFrom(encodedHeader, 'header');
  if (header.alg !== 'HS256') throw new JwtError('unsupported', 'The token is not signed with HS256.');
  if (header.crit !== undefined) throw new JwtError('unsupported', 'The token asks for extensions (crit).');
  if (
    expected.typ !== undefined &&
    (typeof header.typ !== 'string' || mediaType(header.typ) !== mediaType(expected.typ))
  )
    throw new JwtError('unsupported', 'The token is of another type (typ).');
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  const givenBytes = Buffer.from(given);
  if (!keys.some((key) => sameBytes(givenBytes, Buffer.from(signature(signingInput, key)))))
    throw new JwtError('signature', 'The token signature does not match.');
  const payload = objectFrom(encodedPayload, 'payload');
  checkClaims(payload, expected);
  return payload;
};
