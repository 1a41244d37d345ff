/**
 * Flow-start account linking (docs/security.md): a start link minted for platform user A, opened and
 * finished in someone else's browser, must not make that person's Stripe account usable by A. The
 * account waits, pending, until A's platform backend confirms it with the value of the success
 * redirect, which only the browser that finished the flow received (docs/security.md).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { mintConfirmation } from '../../shared/accounts/confirmation';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { useAccountNotices } from '../../shared/clients/notices';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { useLocalStack } from '../support/local-stack';
import {
  accountOfLink,
  apiError,
  callApi,
  confirmAccount,
  finishFlow,
  flowLanding,
  storedAccount,
  stripeCalls,
  viewOf,
} from '../support/platform-api';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

const as = (user: string) => stack.mintTicket(user);
const listed = async (user: string) =>
  ((await callApi(stack, 'GET', '/accounts', await as(user))).body.data as { accountId: string }[]).map(
    (account) => account.accountId,
  );
const pendingMessage = (accountId: string) =>
  `The account is waiting for the platform's confirmation: POST /accounts/${accountId}/confirm with the value from the success redirect.`;

describe("a start link minted for user A, finished in another person's browser", () => {
  it('leaves the account pending: not listed for A, 409 for its view, login links and deauthorize', async () => {
    // Mallory (A) mints a link for himself; the victim opens it in her own browser and onboards at Stripe.
    const victimBrowser = new TestBrowser();
    const { accountId } = await finishFlow(stack, 'express', 'mallory_1', victimBrowser);
    const token = await as('mallory_1');

    expect(await listed('mallory_1')).toEqual([]);
    expect(await callApi(stack, 'GET', `/accounts/${accountId}`, token)).toMatchObject({
      status: 409,
      body: apiError('conflict_error', 'confirmation_pending', pendingMessage(accountId)),
    });
    for (const path of [`/accounts/${accountId}/login_links`, `/accounts/${accountId}/deauthorize`]) {
      expect(await callApi(stack, 'POST', path, token)).toMatchObject({
        status: 409,
        body: apiError('conflict_error', 'confirmation_pending', pendingMessage(accountId)),
      });
    }
    expect(stripeCalls(stack, 'POST', `/v1/accounts/${accountId}/login_links`)).toBe(0);
    expect(await storedAccount(stack, accountId)).toMatchObject({
      platformUserId: 'mallory_1',
      status: 'connected',
      confirmationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      confirmationExpiresAt: expect.any(Number),
    });
  });

  it('cannot be confirmed by A without the value from the redirect, nor by anyone else with it', async () => {
    const finished = await finishFlow(stack, 'express', 'mallory_2', new TestBrowser());
    const { accountId } = finished;

    // A guesses (any well-formed value): refused, and the account stays pending.
    expect(
      await callApi(stack, 'POST', `/accounts/${accountId}/confirm`, await as('mallory_2'), {
        confirmation: mintConfirmation(Date.now()).value,
      }),
    ).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'confirmation_invalid',
        'This confirmation value does not belong to the account: use the confirmation from the latest success redirect for it.',
      ),
    });
    // The victim's platform session (user B) presents the value her browser received: not B's account.
    expect(await confirmAccount(stack, 'victim_2', finished)).toMatchObject({
      status: 403,
      body: apiError(
        'permission_error',
        'not_your_account',
        `The account ${accountId} is not one of your connected accounts.`,
      ),
    });
    expect(await listed('mallory_2')).toEqual([]);
    expect(await listed('victim_2')).toEqual([]);
    expect((await callApi(stack, 'POST', `/accounts/${accountId}/login_links`, await as('mallory_2'))).status).toBe(
      409,
    );
  });

  it("announces nothing to the platform's notice consumers while it waits, nor after a refused confirmation", async () => {
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      const finished = await finishFlow(stack, 'express', 'mallory_5', new TestBrowser());
      const guessed = await callApi(stack, 'POST', `/accounts/${finished.accountId}/confirm`, await as('mallory_5'), {
        confirmation: mintConfirmation(Date.now()).value,
      });
      expect(guessed.status).toBe(400);
      expect((await confirmAccount(stack, 'victim_5', finished)).status).toBe(403);

      // A consumer acting on account.connected would hand Mallory the victim's account: none was sent.
      expect(notices.filter((notice) => notice.type === 'account.connected')).toEqual([]);
    } finally {
      useAccountNotices(undefined);
    }
  });

  it("becomes A's only when A's platform confirms it with the value from the redirect, once", async () => {
    const finished = await finishFlow(stack, 'express', 'alice_3', new TestBrowser());
    const { accountId } = finished;

    const confirmed = await confirmAccount(stack, 'alice_3', finished);

    const stored = (await storedAccount(stack, accountId)) ?? {};
    expect(confirmed).toMatchObject({ status: 200, body: viewOf(stored) });
    expect(confirmed.body).toMatchObject({ accountId, platformUserId: 'alice_3', confirmation: 'confirmed' });
    expect(stored).not.toHaveProperty('confirmationHash');
    expect(stored).toMatchObject({ confirmedAt: expect.any(String) });
    expect(await listed('alice_3')).toEqual([accountId]);
    expect((await callApi(stack, 'POST', `/accounts/${accountId}/login_links`, await as('alice_3'))).status).toBe(200);
  });
});

describe("the account's owner, after someone else's link connected it first", () => {
  /** The owner's own flow with her existing Stripe account, started for her platform user; where it ends. */
  const ownFlow = async (user: string, accountId: string): Promise<URL> => {
    const browser = new TestBrowser();
    const start = await browser.get(`${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await as(user)}`);
    return locationOf(await browser.get(await stack.emulator.decide(locationOf(start).href, 'allow', { accountId })));
  };

  /** Lets the 15 minutes of the stored confirmation value pass; `also` sets more of the record at the same time. */
  const expireConfirmation = (accountId: string, also: Record<string, unknown> = {}) =>
    createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.tables.accounts,
        Key: { accountId },
        UpdateExpression: ['SET confirmationExpiresAt = :past', ...Object.keys(also).map((k) => `${k} = :${k}`)].join(
          ', ',
        ),
        ExpressionAttributeValues: {
          ':past': Date.now() - 1,
          ...Object.fromEntries(Object.entries(also).map(([k, v]) => [`:${k}`, v])),
        },
      }),
    );

  it('connects it herself once the value nobody could confirm has expired, and only then', async () => {
    // Mallory's link, finished in the victim's browser: pending for Mallory, and Mallory can never confirm it.
    const { accountId } = await finishFlow(stack, 'standard', 'mallory_7', new TestBrowser());

    // While Mallory's flow could still be confirmed, the account is his flow's: the owner is told so.
    expect(Object.fromEntries((await ownFlow('owner_7', accountId)).searchParams)).toEqual({
      error: 'account_claimed',
    });

    // Mallory's flow had suggested a capability Stripe did not add: that flag was his flow's, not hers.
    await expireConfirmation(accountId, { capabilitiesMissing: ['card_payments'] });
    const success = (await ownFlow('owner_7', accountId)).searchParams;
    expect(success.get('account')).toBe(accountId);
    expect(await storedAccount(stack, accountId)).not.toHaveProperty('capabilitiesMissing');

    expect(
      await confirmAccount(stack, 'owner_7', { accountId, confirmation: success.get('confirmation') ?? '' }),
    ).toMatchObject({ status: 200, body: { accountId, platformUserId: 'owner_7', confirmation: 'confirmed' } });
    expect(await listed('owner_7')).toEqual([accountId]);
    expect(await listed('mallory_7')).toEqual([]);
  });

  it('cannot take an account the platform created for another user, even unconfirmed and expired', async () => {
    // The platform creates a Standard account for creator_8 (onboarding); its link names the account.
    const link = locationOf(
      await openStartLink(
        new TestBrowser(),
        `${stack.gatewayUrl}/connect/onboard?type=standard&ticket=${await as('creator_8')}`,
      ),
    );
    const accountId = accountOfLink(link);
    expect(await storedAccount(stack, accountId)).toMatchObject({ platformUserId: 'creator_8', connection: 'created' });
    await expireConfirmation(accountId);

    expect((await ownFlow('other_8', accountId)).searchParams.get('error')).toBe('account_claimed');
    expect(await storedAccount(stack, accountId)).toMatchObject({ platformUserId: 'creator_8', connection: 'created' });
  });

  it('counts a pending connection with no expiry at all as lapsed: the owner can connect her account', async () => {
    const { accountId } = await finishFlow(stack, 'standard', 'mallory_9', new TestBrowser());
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.tables.accounts,
        Key: { accountId },
        UpdateExpression: 'REMOVE confirmationExpiresAt',
      }),
    );

    expect((await ownFlow('owner_9', accountId)).searchParams.get('account')).toBe(accountId);
    expect(await storedAccount(stack, accountId)).toMatchObject({ platformUserId: 'owner_9' });
  });

  it('makes a deauthorized created account an OAuth connection when someone connects it through OAuth', async () => {
    const link = locationOf(
      await openStartLink(
        new TestBrowser(),
        `${stack.gatewayUrl}/connect/onboard?type=standard&ticket=${await as('creator_10')}`,
      ),
    );
    const accountId = accountOfLink(link);
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.tables.accounts,
        Key: { accountId },
        UpdateExpression: 'SET #status = :deauthorized',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deauthorized': 'deauthorized' },
      }),
    );

    expect((await ownFlow('owner_10', accountId)).searchParams.get('account')).toBe(accountId);
    const stored = await storedAccount(stack, accountId);
    expect(stored).toMatchObject({ platformUserId: 'owner_10', status: 'connected' });
    // Nothing left that onboarding would continue: it is not created here and no browser may continue it. Its
    // slot stays, so the slot (and Stripe idempotency key) it was created with is never used again.
    expect(stored).not.toHaveProperty('connection');
    expect(stored).not.toHaveProperty('onboardingBrowsers');
    expect(stored).toMatchObject({ onboardingSlot: 0 });
  });
});

describe("user A's dashboard link, opened in any browser", () => {
  it('opens no dashboard and creates no login link (410 route_retired)', async () => {
    const finished = await finishFlow(stack, 'express', 'mallory_4', new TestBrowser());
    await confirmAccount(stack, 'mallory_4', finished);

    const response = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/dashboard?ticket=${await as('mallory_4')}&account=${finished.accountId}`,
    );

    expect(response.status).toBe(410);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('Error code: route_retired');
    expect(stripeCalls(stack, 'POST', `/v1/accounts/${finished.accountId}/login_links`)).toBe(0);
  });
});

// Found by an attack review on 2026-12-03 (docs/security.md, "A return_to of the starter's choosing"): with an
// origin allowed whole, as this file's stack allows its own, the confirmation lands on whatever page of it the
// link's starter named, and a page there that passes its query on (an open redirect such as `?next=`) hands it
// to her. Naming the landing pages in the allowlist closes that (test/functions/return-to-pages.test.ts).
describe("a start link whose return_to is a page of the starter's choosing on an origin allowed whole", () => {
  it("sends the victim's confirmation to that page with the starter's query, which confirms the account for her", async () => {
    const forwarder = `${stack.gatewayUrl}/any/page/mallory/picked?next=https://evil.example/collect`;
    // Mallory starts the flow with her own ticket; the victim finishes it in her own browser.
    const landing = await flowLanding(stack, 'express', 'mallory_rt', { returnTo: forwarder });

    expect(landing.pathname).toBe('/any/page/mallory/picked');
    expect(landing.searchParams.get('next')).toBe('https://evil.example/collect');
    const accountId = landing.searchParams.get('account') ?? '';
    const confirmation = landing.searchParams.get('confirmation') ?? '';
    expect((await confirmAccount(stack, 'mallory_rt', { accountId, confirmation })).status).toBe(200);
    expect(await listed('mallory_rt')).toContain(accountId);
  });
});
