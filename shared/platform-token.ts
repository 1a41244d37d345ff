/**
 * Platform tokens: the platform's backend vouches for its logged-in user with a short-lived
 * HS256 JWT (`sub` = platform user id, `aud` = connect-onboarding, `exp` at most 15 minutes ahead, and at most
 * 15 minutes after its `iat` when it has one).
 * ./jwt.ts does the parsing and the constant-time signature check; only HS256 is accepted.
 */
import { unauthenticated } from './errors';
import { hasControlCharacters } from './http/query';
import { JwtError, type JwtPayload, signJwt, verifyJwt } from './jwt';
import { type PlatformTokenSecrets, platformTokenSecretsThatVerify } from './secrets';
import { inSeconds, toEpochSeconds } from './time';

export const platformTokenAudience = 'connect-onboarding';
export const maxTokenLifetimeSeconds = 15 * 60;
/** Clocks of the platform and of Lambda drift a little; a minute is generous. */
const clockToleranceSeconds = 60;

export interface PlatformUser {
  readonly platformUserId: string;
}

const validSubject = (sub: unknown): sub is string =>
  typeof sub === 'string' && sub.length > 0 && sub.length <= 256 && !hasControlCharacters(sub);

/**
 * A lone surrogate (`"\ud800"` in the token's JSON) has no UTF-8 form: a store that keeps UTF-8
 * replaces it, so `X\ud800`, `X\udc00` and `X?` could name the same user there. Refused, never
 * repaired. Ids are otherwise compared exactly, not normalised: DynamoDB keeps the NFC and NFD
 * spellings of a name apart, and merging them would join two users the platform keeps apart.
 */
const wellFormedSubject = (sub: string): boolean => sub.isWellFormed();

/**
 * Where a token's lifetime is counted from: now, or its `iat` when that is earlier. Counted from now alone, a
 * token issued for a day (a platform's mistake, a link put into an e-mail) was refused at first and then
 * accepted for the last 16 minutes of its day, by whoever held it then. `iat` stays optional; verifyJwt has
 * checked that it is a number when present.
 */
const lifetimeStart = (payload: JwtPayload, now: number): number =>
  typeof payload.iat === 'number' ? Math.min(payload.iat, inSeconds(now)) : inSeconds(now);

/** The longest platform token read: its claims (a user id of at most 256 characters, times, audience) take far less. */
const maxPlatformTokenLength = 4096;

/**
 * Verifies a platform token and returns whose it is. During a roll of the platform token secret, a token signed
 * with the previous secret is accepted too (the platform's backend switches when it can).
 * @example
 * const { platformUserId } = await verifyPlatformToken(ticket, secrets);
 */
export const verifyPlatformToken = async (
  token: string | undefined,
  secrets: PlatformTokenSecrets,
  now: number = Date.now(),
): Promise<PlatformUser> => {
  if (!token)
    throw unauthenticated('missing_token', 'A platform token is required: sign in on the platform and try again.');
  if (token.length > maxPlatformTokenLength) throw unauthenticated('invalid_token', 'The platform token is not valid.');
  let payload: JwtPayload;
  try {
    payload = verifyJwt(token, platformTokenSecretsThatVerify(secrets), {
      audience: platformTokenAudience,
      requiredClaims: ['sub', 'exp'],
      clockToleranceSeconds,
      nowSeconds: inSeconds(now),
    });
  } catch (error) {
    if (error instanceof JwtError && error.reason === 'expired') {
      throw unauthenticated(
        'token_expired',
        'The platform token has expired: go back to the platform and try again.',
        error,
      );
    }
    throw unauthenticated('invalid_token', 'The platform token is not valid.', error);
  }
  if (
    typeof payload.exp !== 'number' ||
    payload.exp > lifetimeStart(payload, now) + maxTokenLifetimeSeconds + clockToleranceSeconds
  ) {
    const minutes = maxTokenLifetimeSeconds / 60;
    throw unauthenticated(
      'invalid_token',
      `The platform token lives too long: its exp must be at most ${minutes} minutes ahead, and at most ${minutes} minutes after its iat.`,
    );
  }
  if (!validSubject(payload.sub))
    throw unauthenticated('invalid_token', 'The platform token has no valid sub (platform user id).');
  if (!wellFormedSubject(payload.sub))
    throw unauthenticated(
      'invalid_token',
      'The platform token sub (platform user id) is not well-formed Unicode: it contains a lone surrogate.',
    );
  return { platformUserId: payload.sub };
};

/**
 * Mints a platform token, as the platform's backend does (used by the local demo and tests).
 * @example
 * const ticket = await mintPlatformToken('user_42', process.env.PLATFORM_TOKEN_SECRET!);
 */
export const mintPlatformToken = async (
  platformUserId: string,
  secret: string,
  lifetimeSeconds = 300,
): Promise<string> => {
  const issuedAt = toEpochSeconds(Date.now());
  return signJwt(
    { sub: platformUserId, aud: platformTokenAudience, iat: issuedAt, exp: issuedAt + lifetimeSeconds },
    secret,
  );
};

/** The Bearer scheme, compared lower-cased: schemes are case-insensitive (RFC 9110 §11.1). */
const bearerScheme = 'bearer';

/**
 * What follows the scheme: one or more spaces, one token68 (RFC 6750 §2.1), nothing else, so not two headers
 * joined by a comma. (Matched after the scheme, so without a case-insensitive pattern, which costs a cold start more to compile.)
 */
const bearerCredentials = /^ +([A-Za-z0-9._~+/-]+=*)$/;

/**
 * The token of an API request: `Authorization: Bearer <token>`. Undefined without a Bearer header (none, or
 * another scheme): no platform token was sent. A Bearer header that is not one token is a 401
 * `invalid_token` that says so, not "no token".
 */
export const bearerToken = (headers: Readonly<Record<string, string | undefined>>): string | undefined => {
  const value = headers.authorization?.trim() ?? '';
  const afterScheme = value.slice(bearerScheme.length);
  // No header, or another scheme: the scheme is a whole word (`Bearerabc` is not one).
  const isBearer =
    value.slice(0, bearerScheme.length).toLowerCase() === bearerScheme &&
    (afterScheme === '' || afterScheme.trimStart() !== afterScheme);
  if (!isBearer) return undefined;
  const token = bearerCredentials.exec(afterScheme)?.[1];
  if (token === undefined)
    throw unauthenticated(
      'invalid_token',
      'The Authorization header must be "Bearer", a space and one platform token, and be sent once.',
    );
  return token;
};
