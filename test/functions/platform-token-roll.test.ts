/**
 * Rolling the platform token secret (docs/operations.md, "Rolling the platform token secret") through the local
 * gateway: the new secret becomes `platformTokenSecret` and the old one `previousPlatformTokenSecret` (locally,
 * PLATFORM_TOKEN_SECRET and PREVIOUS_PLATFORM_TOKEN_SECRET, which the functions read on every request), and what
 * the old secret made before the roll keeps working while the platform's backend switches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { browserCookieName, onboardingCookieName } from '../../shared/http/cookies';
import { mintPlatformToken } from '../../shared/platform-token';
import { useLocalStack } from '../support/local-stack';
import {
  accountOfLink,
  answerHostedPage,
  apiError,
  callApi,
  connectAccount,
  stripeCalls,
} from '../support/platform-api';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

const oldSecret = localDefaults.platformTokenSecret;
const newSecret = 'the-new-platform-token-secret-after-the-roll-0123';

/** What the operator does first: the new value as platformTokenSecret, the old one as previousPlatformTokenSecret. */
const roll = () => {
  process.env.PLATFORM_TOKEN_SECRET = newSecret;
  process.env.PREVIOUS_PLATFORM_TOKEN_SECRET = oldSecret;
};
/** What the operator does last: previousPlatformTokenSecret removed. */
const endRoll = () => {
  process.env.PREVIOUS_PLATFORM_TOKEN_SECRET = '';
};
afterEach(() => {
  process.env.PLATFORM_TOKEN_SECRET = oldSecret;
  process.env.PREVIOUS_PLATFORM_TOKEN_SECRET = '';
});

const invalidToken = apiError('authentication_error', 'invalid_token', 'The platform token is not valid.');

describe('rolling the platform token secret', () => {
  it("keeps listing a user's accounts for a token the platform's backend still mints with the old secret, and reads on from a cursor of before the roll", async () => {
    const user = 'user_roll_list';
    const accountIds = [await connectAccount(stack, 'standard', user), await connectAccount(stack, 'standard', user)];
    const firstPage = await callApi(stack, 'GET', '/accounts?limit=1', await mintPlatformToken(user, oldSecret));
    expect(firstPage.body).toMatchObject({ has_more: true });

    roll();
    const withOld = await callApi(stack, 'GET', '/accounts', await mintPlatformToken(user, oldSecret));
    const withNew = await callApi(stack, 'GET', '/accounts', await mintPlatformToken(user, newSecret));
    const nextPage = await callApi(
      stack,
      'GET',
      `/accounts?limit=1&cursor=${String(firstPage.body.next_cursor)}`,
      await mintPlatformToken(user, newSecret),
    );
    const withUnrelated = await callApi(
      stack,
      'GET',
      '/accounts',
      await mintPlatformToken(user, 'a-secret-neither-current-nor-previous-0123'),
    );

    const listed = (result: { body: Record<string, unknown> }) =>
      (result.body.data as { accountId: string }[] | undefined)?.map((account) => account.accountId).sort();
    expect([withOld.status, listed(withOld)]).toEqual([200, [...accountIds].sort()]);
    expect([withNew.status, listed(withNew)]).toEqual([200, [...accountIds].sort()]);
    expect(nextPage.status).toBe(200);
    expect([...(listed(firstPage) ?? []), ...(listed(nextPage) ?? [])].sort()).toEqual([...accountIds].sort());
    expect({ status: withUnrelated.status, body: withUnrelated.body }).toEqual({ status: 401, body: invalidToken });

    endRoll();
    const oldAfterTheRoll = await callApi(stack, 'GET', '/accounts', await mintPlatformToken(user, oldSecret));
    expect({ status: oldAfterTheRoll.status, body: oldAfterTheRoll.body }).toEqual({ status: 401, body: invalidToken });
    expect((await callApi(stack, 'GET', '/accounts', await mintPlatformToken(user, newSecret))).status).toBe(200);
  });

  it('sends /connect/authorize on to Stripe with a ticket the platform still signs with the old secret, and refuses one of any other secret', async () => {
    const user = 'user_roll_authorize';
    roll();
    const authorize = async (secret: string) =>
      fetch(`${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await mintPlatformToken(user, secret)}`, {
        redirect: 'manual',
      });

    const withOld = await authorize(oldSecret);
    const withNew = await authorize(newSecret);
    const withUnrelated = await authorize('a-secret-neither-current-nor-previous-0123');

    for (const started of [withOld, withNew]) {
      expect(started.status).toBe(302);
      expect(new URL(started.headers.get('location') ?? '').pathname).toBe('/oauth/authorize');
    }
    expect(withUnrelated.status).toBe(401);
    expect(await withUnrelated.text()).toContain('Error code: invalid_token');
    expect(withUnrelated.headers.getSetCookie()).toEqual([]);
  });

  it('resumes an onboarding started before the roll in the same browser: its return URL, and a new click by its id alone', async () => {
    const user = 'user_roll_onboarding';
    const browser = new TestBrowser();
    const startLink = async (secret: string) =>
      `${stack.gatewayUrl}/connect/onboard?type=express&ticket=${await mintPlatformToken(user, secret)}`;
    const link = locationOf(await openStartLink(browser, await startLink(oldSecret)));
    const accountId = accountOfLink(link);
    // Saved for later at Stripe: the browser is sent to the return URL, whose resume value the old secret signed.
    const savedReturn = await answerHostedPage(stack, link, 'later');
    const creates = stripeCalls(stack, 'POST', '/v1/accounts');

    roll();
    const backFromStripe = locationOf(await browser.get(savedReturn.href));
    // The browser loses its binding cookie but keeps its id: a click with the platform's new ticket continues its account.
    browser.deleteCookie(onboardingCookieName(accountId));
    expect(browser.cookie(browserCookieName)).toBeDefined();
    const continued = locationOf(await openStartLink(browser, await startLink(newSecret)));
    const finished = locationOf(await browser.get((await answerHostedPage(stack, continued, 'submit')).href));

    expect(Object.fromEntries(backFromStripe.searchParams)).toEqual({
      error: 'onboarding_incomplete',
      account: accountId,
    });
    expect(accountOfLink(continued)).toBe(accountId);
    expect(stripeCalls(stack, 'POST', '/v1/accounts')).toBe(creates);
    expect(finished.searchParams.get('account')).toBe(accountId);
    const confirmation = finished.searchParams.get('confirmation') ?? '';
    expect(confirmation).not.toBe('');
    const confirmed = await callApi(
      stack,
      'POST',
      `/accounts/${accountId}/confirm`,
      await mintPlatformToken(user, newSecret),
      {
        confirmation,
      },
    );
    expect(confirmed.status).toBe(200);
  });
});
