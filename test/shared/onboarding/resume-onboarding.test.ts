import { describe, expect, it } from 'vitest';
import { confirmationMatches } from '../../../shared/accounts/confirmation';
import { browserCookieName, onboardingCookieName } from '../../../shared/http/cookies';
import { hashSecretValue, mintSecretValue } from '../../../shared/oauth/state';
import { bindingFor } from '../../../shared/onboarding/browser-binding';
import { finishOnboarding } from '../../../shared/onboarding/finish-onboarding';
import { refreshOnboarding } from '../../../shared/onboarding/refresh-onboarding';
import { mintResumeValue, type ResumeClaims } from '../../../shared/onboarding/resume-value';
import { mintPlatformToken } from '../../../shared/platform-token';
import { accountStateFrom } from '../../../shared/webhooks/account-change';
import { fakeContext, NOW, stripeError, TOKEN_SECRET } from './fakes';

/** The binding cookie of the browser that started the onboarding (shared/onboarding/browser-binding.ts). */
const binding = mintSecretValue();
const startingBrowser = [`${onboardingCookieName('acct_fake0001')}=${binding}`];
const otherBrowser = [`${onboardingCookieName('acct_fake0001')}=${mintSecretValue()}`];

const claims: ResumeClaims = {
  accountId: 'acct_fake0001',
  platformUserId: 'user_1',
  type: 'express',
  bindingHash: hashSecretValue(binding),
};

/** The refresh or return page's request: its query, from the starting browser unless told otherwise. */
const page = (rawQueryString: string, cookies: readonly string[] | undefined = startingBrowser) => ({
  rawQueryString,
  cookies,
});

const setup = () => {
  const { accounts, stripe, metrics, context } = fakeContext();
  accounts.add({ accountId: 'acct_fake0001', platformUserId: 'user_1', confirmationPending: true });
  stripe.accounts.set('acct_fake0001', { details_submitted: false, charges_enabled: false, payouts_enabled: false });
  const query = async (overrides: Partial<ResumeClaims> = {}, at = NOW) =>
    `resume=${await mintResumeValue({ ...claims, ...overrides }, TOKEN_SECRET, at)}`;
  /** The resume value of a link the platform API made: bound to no browser. */
  const platformQuery = async () => {
    const { bindingHash: _, ...unbound } = claims;
    return `resume=${await mintResumeValue(unbound, TOKEN_SECRET, NOW)}`;
  };
  return { accounts, stripe, metrics, context, query, platformQuery };
};

describe('refreshOnboarding', () => {
  it('mints a fresh link for the same account with the same resume value, and creates nothing', async () => {
    const { accounts, stripe, context, query } = setup();
    const raw = await query();

    const response = await refreshOnboarding(page(raw), context);

    expect(response).toEqual({
      statusCode: 302,
      headers: { location: 'https://connect.stripe.example/setup/s/acct_fake0001/link1' },
      body: '',
    });
    expect(stripe.calls).toEqual([
      {
        method: 'createAccountLink',
        args: [
          {
            account: 'acct_fake0001',
            type: 'account_onboarding',
            refresh_url: `https://connect.example/prod/connect/onboard/refresh?${raw}`,
            return_url: `https://connect.example/prod/connect/onboard/return?${raw}`,
          },
        ],
      },
    ]);
    expect(accounts.writes).toBe(0);
  });

  it('refuses a forged, altered, expired or misplaced resume value and touches nothing', async () => {
    const { accounts, stripe, context, query } = setup();
    const valid = (await query()).slice('resume='.length);
    const [header, payload] = valid.split('.');
    const platformToken = await mintPlatformToken('user_1', TOKEN_SECRET);
    const forged = await mintResumeValue(claims, 'another-secret-0123456789abcdef0123456789', NOW);

    const refusals = [
      [`resume=${forged}`, 'resume_invalid'],
      [`resume=${header}.${payload}x.${valid.split('.')[2]}`, 'resume_invalid'],
      [`resume=${platformToken}`, 'resume_invalid'],
      ['', 'resume_invalid'],
      [await query({}, NOW - 25 * 60 * 60 * 1000), 'resume_expired'],
      [await query({ platformUserId: 'user_2' }), 'resume_invalid'],
      [await query({ type: 'standard' }), 'resume_invalid'],
      [await query({ accountId: 'acct_unknown' }), 'resume_invalid'],
      [await query({ bindingHash: 'not-a-hash' }), 'resume_invalid'],
    ] as const;
    for (const [raw, code] of refusals) {
      await expect(refreshOnboarding(page(raw), context), raw).rejects.toMatchObject({ kind: 'invalid_request', code });
    }
    await expect(refreshOnboarding(page(await query()), context)).resolves.toMatchObject({ statusCode: 302 });
    expect([stripe.callNames(), accounts.writes]).toEqual([['createAccountLink'], 0]);
  });

  it('says plainly what to do with an expired resume value', async () => {
    const { context, query } = setup();

    await expect(refreshOnboarding(page(await query({}, NOW - 25 * 60 * 60 * 1000)), context)).rejects.toMatchObject({
      message: 'This onboarding link has expired. Go back to the platform and continue onboarding from there.',
    });
  });

  it('opens neither page for a browser that shows only the id the account was created under, not its binding cookie', async () => {
    const { stripe, accounts, context } = setup();
    // Someone who once read a browser's id (a shared computer), and is later forwarded a resume value of an
    // account that browser created: the pages take no ticket, so the id alone is not enough here.
    const browserId = mintSecretValue();
    const derived = bindingFor(TOKEN_SECRET, browserId, 'acct_fake0001');
    const raw = `resume=${await mintResumeValue({ ...claims, bindingHash: derived.hash }, TOKEN_SECRET, NOW)}`;
    const idOnly = [`${browserCookieName}=${browserId}`];

    const refreshed = await refreshOnboarding(page(raw, idOnly), context);
    const returned = await finishOnboarding(page(raw, idOnly), context);

    expect([refreshed.headers.location, returned.headers.location]).toEqual([
      'https://platform.example/failed?error=session_mismatch',
      'https://platform.example/failed?error=session_mismatch',
    ]);
    expect([stripe.calls, accounts.writes]).toEqual([[], 0]);
  });

  it('sends another browser holding the resume value (a forwarded refresh link) to the failure URL, minting no link', async () => {
    const { accounts, stripe, metrics, context, query } = setup();
    const raw = await query();

    // The right binding under the cookie's name behind white space other than spaces and tabs: an ordinary
    // cookie a sibling host can set with `Domain=`, not the `__Host-` one (shared/http/cookies.ts).
    const lookAlikes = ['\u00a0', '\u2000', '\u3000', '\ufeff'].map((space) => [
      `${space}${onboardingCookieName('acct_fake0001')}=${binding}`,
    ]);
    for (const cookies of [otherBrowser, [], [`${onboardingCookieName('acct_fake0001')}=short`], ...lookAlikes]) {
      const response = await refreshOnboarding(page(raw, cookies), context);

      expect(response).toEqual({
        statusCode: 302,
        headers: { location: 'https://platform.example/failed?error=session_mismatch' },
        body: '',
      });
    }
    expect([stripe.calls, accounts.writes]).toEqual([[], 0]);
    expect(metrics.counted).toContainEqual({ name: 'OnboardingIncomplete', dimension: { reason: 'session_mismatch' } });
  });

  it('sends the refresh of a platform API link back to the platform, which makes a new one for its signed-in user', async () => {
    const { accounts, stripe, context, platformQuery } = setup();

    const response = await refreshOnboarding(page(await platformQuery()), context);

    expect(response.headers.location).toBe(
      'https://platform.example/failed?error=onboarding_link_expired&account=acct_fake0001',
    );
    expect([stripe.calls, accounts.writes]).toEqual([[], 0]);
  });

  it('refuses an account that is no longer connected with a 409', async () => {
    const { accounts, context, query } = setup();
    accounts.add({ accountId: 'acct_fake0001', platformUserId: 'user_1', status: 'deauthorized' });

    await expect(refreshOnboarding(page(await query()), context)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'account_deauthorized',
    });
  });
});

describe('finishOnboarding', () => {
  it('sends a finished owner to the success URL with the account and a one-time confirmation whose hash is stored', async () => {
    const { accounts, stripe, metrics, context, query } = setup();
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: false });

    const response = await finishOnboarding(page(await query()), context);

    const location = new URL(response.headers.location ?? '');
    const confirmation = location.searchParams.get('confirmation') ?? '';
    expect(location.origin + location.pathname).toBe('https://platform.example/ok');
    expect([...location.searchParams.keys()]).toEqual(['account', 'confirmation']);
    expect(location.searchParams.get('account')).toBe('acct_fake0001');
    const finished = accounts.items.get('acct_fake0001')?.finished;
    expect(finished).toEqual({
      confirmation: { hash: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: NOW + 15 * 60_000 },
      at: NOW,
    });
    // Stripe's state as read, stored as of the request's time like a webhook's snapshot.
    expect(accounts.items.get('acct_fake0001')).toMatchObject({
      detailsSubmitted: true,
      state: { chargesEnabled: true, payoutsEnabled: false, detailsSubmitted: true },
      stateAt: Math.floor(NOW / 1000),
    });
    // The read's time goes in first, so an older event arriving between the two writes is refused.
    expect(accounts.returnWrites).toEqual(['recordState', 'recordFinished']);
    expect(confirmationMatches(confirmation, finished?.confirmation?.hash ?? '')).toBe(true);
    expect(metrics.counted).toEqual([{ name: 'OnboardingFinished', dimension: { flow: 'express' } }]);
  });

  it('hands no confirmation to another browser holding the resume value, even after the owner finished', async () => {
    const { accounts, stripe, context, query } = setup();
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });
    const raw = await query();
    const ownerReturn = new URL((await finishOnboarding(page(raw), context)).headers.location ?? '');
    const storedHash = accounts.items.get('acct_fake0001')?.finished?.confirmation?.hash;
    stripe.calls.length = 0;

    // Mallory replays the resume value of the onboarding she started and forwarded, from her own browser.
    const replay = await finishOnboarding(page(raw, otherBrowser), context);

    expect(replay.headers.location).toBe('https://platform.example/failed?error=session_mismatch');
    expect(stripe.calls).toEqual([]);
    // The owner's value still confirms: the replay wrote nothing over it.
    expect(accounts.items.get('acct_fake0001')?.finished?.confirmation?.hash).toBe(storedHash);
    expect(confirmationMatches(ownerReturn.searchParams.get('confirmation') ?? '', storedHash ?? '')).toBe(true);
  });

  it('brings a platform API link back with account= only, and writes no confirmation', async () => {
    const { accounts, stripe, context, platformQuery } = setup();
    accounts.add({ accountId: 'acct_fake0001', platformUserId: 'user_1', confirmed: true });
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });

    const response = await finishOnboarding(page(await platformQuery(), []), context);

    expect(response.headers.location).toBe('https://platform.example/ok?account=acct_fake0001');
    expect(accounts.items.get('acct_fake0001')?.finished).toEqual({ at: NOW });
    expect(accounts.items.get('acct_fake0001')?.state).toMatchObject({ chargesEnabled: true, payoutsEnabled: true });
  });

  it('keeps a newer state a webhook stored while the owner was coming back, over the older one it read', async () => {
    const { accounts, stripe, context, query } = setup();
    stripe.accounts.set('acct_fake0001', {
      details_submitted: true,
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'pending' },
    });
    // An account.updated of a later second, applied between the return's read and its write.
    const stored = accounts.items.get('acct_fake0001');
    if (!stored) throw new Error('setup stores the account');
    accounts.items.set('acct_fake0001', {
      ...stored,
      state: accountStateFrom({
        object: 'account',
        details_submitted: true,
        charges_enabled: true,
        payouts_enabled: true,
        capabilities: { card_payments: 'active' },
      }),
      stateAt: Math.floor(NOW / 1000) + 5,
    });

    const response = await finishOnboarding(page(await query()), context);

    expect(new URL(response.headers.location ?? '').searchParams.get('account')).toBe('acct_fake0001');
    expect(accounts.items.get('acct_fake0001')).toMatchObject({
      detailsSubmitted: true,
      state: { chargesEnabled: true, capabilities: { card_payments: 'active' } },
      stateAt: Math.floor(NOW / 1000) + 5,
    });
  });

  it('never confirms a pending account through a link bound to no browser', async () => {
    const { accounts, stripe, context, platformQuery } = setup();
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });

    const response = await finishOnboarding(page(await platformQuery(), []), context);

    expect(response.headers.location).toBe('https://platform.example/failed?error=session_mismatch');
    expect([stripe.calls, accounts.writes]).toEqual([[], 0]);
  });

  it('returns to the return_to fixed at the start', async () => {
    const { stripe, context, query } = setup();
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });

    const response = await finishOnboarding(
      page(await query({ returnTo: 'https://app.platform.example/done' })),
      context,
    );

    expect(response.headers.location).toMatch(
      /^https:\/\/app\.platform\.example\/done\?account=acct_fake0001&confirmation=[A-Za-z0-9_-]{22}$/,
    );
  });

  it('returns to the success URL instead when the return_to origin was removed from the allowlist since the start', async () => {
    const { stripe, context, query } = setup();
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });
    const resume = await query({ returnTo: 'https://app.platform.example/done' });

    const response = await finishOnboarding(page(resume), {
      ...context,
      config: { ...context.config, returnToOrigins: ['https://new.platform.example'] },
    });

    expect(response.headers.location).toMatch(
      /^https:\/\/platform\.example\/ok\?account=acct_fake0001&confirmation=[A-Za-z0-9_-]{22}$/,
    );
  });

  it('sends an owner who left early to the failure URL with onboarding_incomplete and stores nothing', async () => {
    const { accounts, context, query } = setup();

    const response = await finishOnboarding(page(await query()), context);

    expect(response).toEqual({
      statusCode: 302,
      headers: { location: 'https://platform.example/failed?error=onboarding_incomplete&account=acct_fake0001' },
      body: '',
    });
    expect(accounts.writes).toBe(0);
  });

  it('hands out no new confirmation for an account confirmed already (a reload)', async () => {
    const { accounts, stripe, context, query } = setup();
    accounts.add({ accountId: 'acct_fake0001', platformUserId: 'user_1', confirmed: true });
    stripe.accounts.set('acct_fake0001', { details_submitted: true, charges_enabled: true, payouts_enabled: true });

    const response = await finishOnboarding(page(await query()), context);

    expect(response.headers.location).toBe('https://platform.example/ok?account=acct_fake0001');
  });

  it('redirects to the failure URL with stripe_unavailable when Stripe cannot be read', async () => {
    const { stripe, context, query } = setup();
    stripe.failNext.retrieveAccount = stripeError('api');

    const response = await finishOnboarding(page(await query()), context);

    expect(response.headers.location).toBe(
      'https://platform.example/failed?error=stripe_unavailable&account=acct_fake0001',
    );
  });

  it('refuses a forged resume value before reading Stripe', async () => {
    const { stripe, context } = setup();
    const forged = await mintResumeValue(claims, 'another-secret-0123456789abcdef0123456789', NOW);

    await expect(finishOnboarding(page(`resume=${forged}`), context)).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'resume_invalid',
      message: 'This onboarding link is not valid. Go back to the platform and start onboarding again.',
    });
    expect(stripe.calls).toEqual([]);
  });
});
