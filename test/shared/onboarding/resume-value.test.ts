import { describe, expect, it } from 'vitest';
import { maxReturnToLength } from '../../../shared/oauth/return-to';
import { createdAccountCannotBeDisconnected } from '../../../shared/onboarding/created-account-deauthorize';
import { maxResumeValueLength, mintResumeValue, verifyResumeValue } from '../../../shared/onboarding/resume-value';
import { verifyPlatformToken } from '../../../shared/platform-token';
import { NOW, TOKEN_SECRET } from './fakes';

describe('resume value', () => {
  const claims = {
    accountId: 'acct_1',
    platformUserId: 'user_1',
    type: 'standard' as const,
    returnTo: 'https://app.example/x',
  };

  it('round-trips its claims until it expires a day later', async () => {
    const value = await mintResumeValue(claims, TOKEN_SECRET, NOW);

    expect(
      await verifyResumeValue(value, { platformTokenSecret: TOKEN_SECRET }, NOW + 24 * 60 * 60 * 1000 - 1000),
    ).toEqual(claims);
    await expect(
      verifyResumeValue(value, { platformTokenSecret: TOKEN_SECRET }, NOW + 24 * 60 * 60 * 1000),
    ).rejects.toMatchObject({
      code: 'resume_expired',
    });
  });

  it('verifies the longest value it mints: the longest account id, user id and return_to', async () => {
    const longest = {
      accountId: `acct_${'A'.repeat(64)}`,
      platformUserId: '\u20ac'.repeat(256),
      type: 'express' as const,
      returnTo: `https://app.example.com/${'a'.repeat(maxReturnToLength - 'https://app.example.com/'.length)}`,
      bindingHash: 'h'.repeat(43),
    };
    const value = await mintResumeValue(longest, TOKEN_SECRET, NOW);

    expect(value.length).toBeGreaterThan(4096);
    expect(value.length).toBeLessThanOrEqual(maxResumeValueLength);
    expect(await verifyResumeValue(value, { platformTokenSecret: TOKEN_SECRET }, NOW)).toEqual(longest);
  });

  it('is never accepted as a platform token (other key, other audience)', async () => {
    const value = await mintResumeValue(claims, TOKEN_SECRET, Date.now());

    await expect(verifyPlatformToken(value, { platformTokenSecret: TOKEN_SECRET })).rejects.toMatchObject({
      kind: 'unauthenticated',
      code: 'invalid_token',
    });
  });
});

describe('resume value during a roll of the platform token secret', () => {
  const claims = {
    accountId: 'acct_1',
    platformUserId: 'user_1',
    type: 'express' as const,
    bindingHash: 'h'.repeat(43),
  };
  const rolledTo = 'the-new-platform-token-secret-after-the-roll';
  const duringTheRoll = { platformTokenSecret: rolledTo, previousPlatformTokenSecret: TOKEN_SECRET };

  it('verifies one minted with the previous secret before the roll: an onboarding begun then still resumes', async () => {
    const beforeTheRoll = await mintResumeValue(claims, TOKEN_SECRET, NOW);

    expect(await verifyResumeValue(beforeTheRoll, duringTheRoll, NOW + 60_000)).toEqual(claims);
  });

  it('refuses one minted with any other secret, and one of the previous secret once the roll is over', async () => {
    const unrelated = await mintResumeValue(claims, 'a-secret-neither-current-nor-previous-0123', NOW);
    const beforeTheRoll = await mintResumeValue(claims, TOKEN_SECRET, NOW);

    await expect(verifyResumeValue(unrelated, duringTheRoll, NOW)).rejects.toMatchObject({ code: 'resume_invalid' });
    await expect(verifyResumeValue(beforeTheRoll, { platformTokenSecret: rolledTo }, NOW)).rejects.toMatchObject({
      code: 'resume_invalid',
    });
  });

  it('says a value of the previous secret has expired when it has, a day after it was minted', async () => {
    const beforeTheRoll = await mintResumeValue(claims, TOKEN_SECRET, NOW);

    await expect(verifyResumeValue(beforeTheRoll, duringTheRoll, NOW + 24 * 60 * 60 * 1000)).rejects.toMatchObject({
      code: 'resume_expired',
    });
  });
});

describe('createdAccountCannotBeDisconnected', () => {
  it('is a 409 that says what the platform can do instead', () => {
    expect(createdAccountCannotBeDisconnected('acct_1')).toMatchObject({
      kind: 'conflict',
      code: 'created_account_not_disconnectable',
      message:
        'acct_1 was created by the platform, and Stripe does not let a platform disconnect an account it created. To stop working with it, reject it from the Stripe Dashboard or with POST /v1/accounts/acct_1/reject (https://docs.stripe.com/api/account/reject); its owner can also close it.',
    });
  });
});
