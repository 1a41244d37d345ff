import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerToken, mintPlatformToken, verifyPlatformToken } from '../../shared/platform-token';

const secret = 'a-platform-token-secret-of-at-least-32-chars';
const secrets = { platformTokenSecret: secret };
const key = new TextEncoder().encode(secret);
const now = Date.now();
const seconds = Math.floor(now / 1000);

const token = (claims: { sub?: string; aud?: string; exp?: number; iat?: number }, signingKey = key, alg = 'HS256') => {
  const jwt = new SignJWT({}).setProtectedHeader({ alg });
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  return jwt.sign(signingKey);
};

const tooLong =
  'The platform token lives too long: its exp must be at most 15 minutes ahead, and at most 15 minutes after its iat.';

const refused = (code: string) => expect.objectContaining({ kind: 'unauthenticated', code });

describe('verifyPlatformToken', () => {
  it('returns the platform user of a token minted by mintPlatformToken', async () => {
    await expect(verifyPlatformToken(await mintPlatformToken('user_42', secret), secrets, now)).resolves.toEqual({
      platformUserId: 'user_42',
    });
  });

  it('refuses a missing token', async () => {
    await expect(verifyPlatformToken(undefined, secrets, now)).rejects.toThrowError(refused('missing_token'));
  });

  it('refuses alg: none', async () => {
    const unsigned = new UnsecuredJWT({})
      .setSubject('user_42')
      .setAudience('connect-onboarding')
      .setExpirationTime(seconds + 60)
      .encode();
    await expect(verifyPlatformToken(unsigned, secrets, now)).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses another HMAC algorithm', async () => {
    const hs512 = await token({ sub: 'u', aud: 'connect-onboarding', exp: seconds + 60 }, key, 'HS512');
    await expect(verifyPlatformToken(hs512, secrets, now)).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses a token signed with another key', async () => {
    const forged = await token(
      { sub: 'u', aud: 'connect-onboarding', exp: seconds + 60 },
      new TextEncoder().encode('another-secret-another-secret-another'),
    );
    await expect(verifyPlatformToken(forged, secrets, now)).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses a token for another audience', async () => {
    await expect(
      verifyPlatformToken(await token({ sub: 'u', aud: 'billing', exp: seconds + 60 }), secrets, now),
    ).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses an expired token, past the one-minute clock tolerance', async () => {
    await expect(
      verifyPlatformToken(await token({ sub: 'u', aud: 'connect-onboarding', exp: seconds - 61 }), secrets, now),
    ).rejects.toThrowError(refused('token_expired'));
  });

  it('refuses a token that lives longer than 15 minutes', async () => {
    const longLived = await token({ sub: 'u', aud: 'connect-onboarding', exp: seconds + 16 * 60 + 61 });
    await expect(verifyPlatformToken(longLived, secrets, now)).rejects.toThrowError(
      expect.objectContaining({ code: 'invalid_token', message: tooLong }),
    );
  });

  it('refuses a token issued for longer than 15 minutes, even in its last minutes', async () => {
    // A ticket minted for a day (a platform's mistake, or one put into an e-mail) was refused at first and then
    // accepted in its last 16 minutes: only how far ahead its exp was from now counted.
    const dayLong = await token({
      sub: 'u',
      aud: 'connect-onboarding',
      iat: seconds - 24 * 60 * 60 + 5 * 60,
      exp: seconds + 5 * 60,
    });
    await expect(verifyPlatformToken(dayLong, secrets, now)).rejects.toThrowError(
      expect.objectContaining({ code: 'invalid_token', message: tooLong }),
    );
    // Up to 15 minutes from iat, with the minute of clock tolerance, is fine, whenever it was issued.
    const fifteenMinutes = await token({
      sub: 'u',
      aud: 'connect-onboarding',
      iat: seconds - 10 * 60,
      exp: seconds + 6 * 60,
    });
    await expect(verifyPlatformToken(fifteenMinutes, secrets, now)).resolves.toEqual({ platformUserId: 'u' });
  });

  it('counts a lifetime from now when the iat is in the future: a later iat never lets a token live longer', async () => {
    // An iat a day ahead with its exp 10 minutes after it: counted from that iat it would pass, and live a day.
    const futureIat = await token({
      sub: 'u',
      aud: 'connect-onboarding',
      iat: seconds + 24 * 60 * 60,
      exp: seconds + 24 * 60 * 60 + 10 * 60,
    });
    await expect(verifyPlatformToken(futureIat, secrets, now)).rejects.toThrowError(
      expect.objectContaining({ code: 'invalid_token', message: tooLong }),
    );
    // A platform clock a little ahead (an iat 30 seconds from now, a 15-minute token) still works.
    const clockAhead = await token({
      sub: 'u',
      aud: 'connect-onboarding',
      iat: seconds + 30,
      exp: seconds + 30 + 15 * 60,
    });
    await expect(verifyPlatformToken(clockAhead, secrets, now)).resolves.toEqual({ platformUserId: 'u' });
  });

  it('refuses a token without exp or without sub', async () => {
    await expect(
      verifyPlatformToken(await token({ sub: 'u', aud: 'connect-onboarding' }), secrets, now),
    ).rejects.toThrowError(refused('invalid_token'));
    await expect(
      verifyPlatformToken(await token({ aud: 'connect-onboarding', exp: seconds + 60 }), secrets, now),
    ).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses a sub with a lone surrogate, which a UTF-8 store cannot keep apart from other ids', async () => {
    for (const sub of ['X\ud800', 'X\udc00', '\ud83d', 'a\udfffb']) {
      await expect(
        verifyPlatformToken(await token({ sub, aud: 'connect-onboarding', exp: seconds + 60 }), secrets, now),
      ).rejects.toThrowError(
        expect.objectContaining({
          kind: 'unauthenticated',
          code: 'invalid_token',
          message:
            'The platform token sub (platform user id) is not well-formed Unicode: it contains a lone surrogate.',
        }),
      );
    }
  });

  it('accepts any well-formed sub as it is: astral characters, and NFC and NFD spellings kept apart', async () => {
    for (const sub of ['user_😀', 'caf\u00e9', 'cafe\u0301', 'X?']) {
      await expect(
        verifyPlatformToken(await token({ sub, aud: 'connect-onboarding', exp: seconds + 60 }), secrets, now),
      ).resolves.toEqual({ platformUserId: sub });
    }
  });

  it('refuses a malformed token', async () => {
    await expect(verifyPlatformToken('not.a.jwt', secrets, now)).rejects.toThrowError(refused('invalid_token'));
    await expect(verifyPlatformToken('x'.repeat(5000), secrets, now)).rejects.toThrowError(refused('invalid_token'));
  });
});

describe('verifyPlatformToken during a roll of the platform token secret', () => {
  const rolledTo = 'the-new-platform-token-secret-after-the-roll';
  const duringTheRoll = { platformTokenSecret: rolledTo, previousPlatformTokenSecret: secret };

  it("accepts a token the platform's backend still signs with the previous secret, and one with the new", async () => {
    await expect(verifyPlatformToken(await mintPlatformToken('user_42', secret), duringTheRoll, now)).resolves.toEqual({
      platformUserId: 'user_42',
    });
    await expect(
      verifyPlatformToken(await mintPlatformToken('user_42', rolledTo), duringTheRoll, now),
    ).resolves.toEqual({ platformUserId: 'user_42' });
  });

  it('refuses a token signed with any other secret', async () => {
    const unrelated = await mintPlatformToken('user_42', 'a-secret-neither-current-nor-previous-0123');

    await expect(verifyPlatformToken(unrelated, duringTheRoll, now)).rejects.toThrowError(refused('invalid_token'));
  });

  it('never verifies with an empty previous secret (the local environment writes one for none)', async () => {
    const signedWithNothing = await mintPlatformToken('user_42', '');

    await expect(
      verifyPlatformToken(signedWithNothing, { platformTokenSecret: rolledTo, previousPlatformTokenSecret: '' }, now),
    ).rejects.toThrowError(refused('invalid_token'));
  });

  it('refuses a token signed with the previous secret once the roll is over', async () => {
    const old = await mintPlatformToken('user_42', secret);

    await expect(verifyPlatformToken(old, { platformTokenSecret: rolledTo }, now)).rejects.toThrowError(
      refused('invalid_token'),
    );
  });

  it('tells the holder of an expired token signed with the previous secret that it expired', async () => {
    const expired = await token({ sub: 'u', aud: 'connect-onboarding', exp: seconds - 61 });

    await expect(verifyPlatformToken(expired, duringTheRoll, now)).rejects.toThrowError(refused('token_expired'));
  });
});

describe('bearerToken', () => {
  it('reads the token of an Authorization: Bearer header, after one or more spaces', () => {
    expect(bearerToken({ authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: 'bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: ' BEARER abc.def.ghi ' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: 'Bearer   abc.def.ghi' })).toBe('abc.def.ghi');
  });

  it('finds no token without a Bearer header: none, or another scheme', () => {
    expect(bearerToken({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Bearerabc' })).toBeUndefined();
    expect(bearerToken({ authorization: '' })).toBeUndefined();
    expect(bearerToken({})).toBeUndefined();
  });

  it('refuses a Bearer header that is not one token as an invalid token, saying what the header must be', () => {
    const malformed = ['Bearer ', 'Bearer a b', 'Bearer\tabc.def.ghi', 'Bearer a.b.c, Bearer a.b.c', 'Bearer ab\u00e9'];
    for (const authorization of malformed) {
      expect(() => bearerToken({ authorization }), JSON.stringify(authorization)).toThrowError(
        expect.objectContaining({
          kind: 'unauthenticated',
          code: 'invalid_token',
          message: 'The Authorization header must be "Bearer", a space and one platform token, and be sent once.',
        }),
      );
    }
  });
});
