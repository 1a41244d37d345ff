/**
 * Our HS256 JWTs (shared/jwt.ts) against jose, the reference implementation the service used before:
 * each signs what the other verifies, and every token jose refuses for HS256, ours refuses too.
 */
import { CompactSign, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtError, type JwtExpectations, signJwt, verifyJwt } from '../../shared/jwt';

const secret = 'a-platform-token-secret-of-32-bytes!';
const key = new TextEncoder().encode(secret);
const now = 1_800_000_000;
const expected = { audience: 'connect-onboarding', requiredClaims: ['sub', 'exp'], nowSeconds: now };

const joseToken = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'user_42', aud: 'connect-onboarding', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .sign(key);

const refusal = (token: string, expectations: Partial<JwtExpectations> = {}) => {
  try {
    verifyJwt(token, [secret], { ...expected, ...expectations });
    return 'accepted';
  } catch (error) {
    return error instanceof JwtError ? error.reason : `unexpected ${String(error)}`;
  }
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('signJwt and verifyJwt, against jose', () => {
  it('verify what jose signs, and sign what jose verifies', async () => {
    const fromJose = await joseToken({ acct: 'acct_1' });
    const ours = signJwt({ sub: 'user_42', aud: 'connect-onboarding', exp: now + 300 }, secret);

    expect(verifyJwt(fromJose, [secret], expected)).toEqual({
      sub: 'user_42',
      aud: 'connect-onboarding',
      iat: now,
      exp: now + 300,
      acct: 'acct_1',
    });
    const { payload, protectedHeader } = await jwtVerify(ours, key, {
      algorithms: ['HS256'],
      audience: 'connect-onboarding',
      currentDate: new Date(now * 1000),
    });
    expect({ payload, protectedHeader }).toEqual({
      payload: { sub: 'user_42', aud: 'connect-onboarding', exp: now + 300 },
      protectedHeader: { alg: 'HS256', typ: 'JWT' },
    });
  });

  it('refuse other algorithms, unsigned tokens, extensions and another key', async () => {
    const hs512 = await new SignJWT({ sub: 'u', aud: 'connect-onboarding', exp: now + 60 })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new Uint8Array(64).fill(7));
    const [, payload] = (await joseToken()).split('.');
    const unsigned = `${b64({ alg: 'none' })}.${payload}.`;
    const noneSigned = `${b64({ alg: 'none' })}.${payload}.AAAA`;
    const withCrit = await new CompactSign(new TextEncoder().encode(JSON.stringify({ sub: 'u', exp: now + 60 })))
      .setProtectedHeader({ alg: 'HS256', crit: ['exp'], exp: now } as never)
      .sign(key)
      .catch(() => `${b64({ alg: 'HS256', crit: ['x'], x: 1 })}.${payload}.${'A'.repeat(43)}`);
    const otherKey = signJwt(
      { sub: 'u', aud: 'connect-onboarding', exp: now + 60 },
      'another-secret-of-32-bytes-length!!',
    );

    expect([hs512, unsigned, noneSigned, withCrit, otherKey].map((token) => refusal(token))).toEqual([
      'unsupported',
      'malformed',
      'unsupported',
      'unsupported',
      'signature',
    ]);
  });

  it('refuse a token altered anywhere, including a signature spelled another way for the same bytes', async () => {
    const token = await joseToken();
    const [header = '', payload = '', signature = ''] = token.split('.');
    const tampered = `${header}.${b64({ sub: 'someone_else', aud: 'connect-onboarding', exp: now + 300 })}.${signature}`;
    // The last base64url character of a 32-byte signature carries 4 unused bits: flip one of them.
    const last = signature.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = `${header}.${payload}.${signature.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;

    expect([
      refusal(tampered),
      refusal(sameBytes),
      refusal(`${token}.x`),
      refusal(token.replace('.', '.=')),
      refusal(`${b64([1])}.${payload}.${signature}`),
    ]).toEqual(['signature', 'signature', 'malformed', 'malformed', 'malformed']);
  });

  it('check signature before claims: a forged expired token is refused as forged, a genuine one as expired', async () => {
    const expired = await joseToken({ exp: now - 3600 });
    const forgedExpired = signJwt(
      { sub: 'u', aud: 'connect-onboarding', exp: now - 3600 },
      'wrong-secret-wrong-secret-wrong!!',
    );

    expect([refusal(expired), refusal(forgedExpired)]).toEqual(['expired', 'signature']);
  });

  it('check times with the tolerance given, the audience, required claims and claim types', async () => {
    expect([
      refusal(await joseToken({ exp: now - 30 }), { clockToleranceSeconds: 60 }),
      refusal(await joseToken({ exp: now })),
      refusal(await joseToken({ nbf: now + 120 }), { clockToleranceSeconds: 60 }),
      refusal(await joseToken({ nbf: now + 30 }), { clockToleranceSeconds: 60 }),
      refusal(await joseToken({ aud: 'someone-else' })),
      refusal(await joseToken({ aud: ['someone-else', 'connect-onboarding'] })),
      refusal(await joseToken({ exp: undefined })),
      refusal(await joseToken({ exp: String(now + 60) })),
      refusal(await joseToken({ sub: 42 })),
      refusal(await joseToken({ iat: 'yesterday' })),
    ]).toEqual([
      'accepted',
      'expired',
      'not_yet_valid',
      'accepted',
      'claims',
      'accepted',
      'claims',
      'claims',
      'claims',
      'claims',
    ]);
  });

  it('check the header type when asked, as jose does (case-insensitive, application/ optional)', async () => {
    const resume = await joseToken({}, { typ: 'onboarding-resume+jwt' });

    expect([
      refusal(resume, { typ: 'onboarding-resume+jwt' }),
      refusal(await joseToken({}, { typ: 'application/Onboarding-Resume+JWT' }), { typ: 'onboarding-resume+jwt' }),
      refusal(await joseToken(), { typ: 'onboarding-resume+jwt' }),
      refusal(resume),
    ]).toEqual(['accepted', 'accepted', 'unsupported', 'accepted']);
  });
});
