import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { deauthorizeAccount } from '../../shared/accounts/deauthorize-account';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { useAccountNotices } from '../../shared/clients/notices';
import { noMetrics } from '../../shared/metrics';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { noPublisher } from '../../shared/notifications/account-notices';
import { type AccountRecord, createAccountsRepo } from '../../shared/stores/accounts-repo';
import { useLocalStack } from '../support/local-stack';
import {
  apiError,
  callApi,
  connectAccount,
  seedAccount,
  storedAccount,
  stripeCalls,
  viewOf,
} from '../support/platform-api';
import { platformStripeOf } from '../support/platform-stripe';

// Short enough for the timeout test (the SDK tries twice), long enough for a loaded test machine.
const stack = useLocalStack({ env: { STRIPE_TIMEOUT_MS: '1500' } });

const as = (user: string) => stack.mintTicket(user);
const deauthorize = async (accountId: string, user: string) =>
  callApi(stack, 'POST', `/accounts/${accountId}/deauthorize`, await as(user));
const oauthDeauthorizeCalls = () => stripeCalls(stack, 'POST', '/oauth/deauthorize');
/** The fields this route may change (webhooks from connecting may still update the others meanwhile). */
const statusOf = async (accountId: string) => {
  const { status, deauthorizedAt, statusChangedAt } = (await storedAccount(stack, accountId)) ?? {};
  return { status, deauthorizedAt, statusChangedAt };
};

describe('POST /accounts/{accountId}/deauthorize', () => {
  it('disconnects a Standard account at Stripe and answers its deauthorized record', async () => {
    const accountId = await connectAccount(stack, 'standard', 'leaver');
    const before = await storedAccount(stack, accountId);
    const calls = oauthDeauthorizeCalls();

    const result = await deauthorize(accountId, 'leaver');

    const stored = (await storedAccount(stack, accountId)) ?? {};
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual(viewOf(stored));
    expect(stored).toMatchObject({
      accountId,
      platformUserId: 'leaver',
      type: 'standard',
      connectedAt: before?.connectedAt,
      status: 'deauthorized',
      deauthorizedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // Stripe's deauthorization webhook may get there first; either way the record is the same news.
      statusChangedAt: expect.any(Number),
    });
    expect(oauthDeauthorizeCalls() - calls).toBe(1);
    // Stripe's side: the platform key no longer reaches the account.
    expect(
      (
        await fetch(`${stack.emulator.url}/v1/accounts/${accountId}`, {
          headers: { authorization: 'Bearer sk_test_local0connect0onboarding0000000000' },
        })
      ).status,
    ).toBe(403);
  });

  it('is idempotent: a second call answers 200 with the same record and does not call Stripe again', async () => {
    const accountId = await connectAccount(stack, 'standard', 'repeater');
    const calls = oauthDeauthorizeCalls();

    const first = await deauthorize(accountId, 'repeater');
    const stored = await statusOf(accountId);
    const second = await deauthorize(accountId, 'repeater');

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await statusOf(accountId)).toEqual(stored);
    expect(oauthDeauthorizeCalls() - calls).toBe(1);
  });

  it('tells the platform once (account.deauthorized), even when the webhook for it arrives too', async () => {
    const notices: AccountNotice[] = [];
    const accountId = await connectAccount(stack, 'standard', 'notified');
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    const delivered = stack.emulator.deliveries().length;

    await deauthorize(accountId, 'notified');
    await deauthorize(accountId, 'notified');
    // Stripe's account.application.deauthorized reaches our webhook too; it must find nothing left to do.
    await stack.emulator.waitForDeliveries(delivered + 1);
    useAccountNotices(undefined);

    // One notice, from whichever of our route and Stripe's webhook recorded the change first.
    expect(notices.filter((notice) => notice.type === 'account.deauthorized')).toEqual([
      { type: 'account.deauthorized', accountId, detail: expect.any(Object) },
    ]);
  });

  it('marks an account Stripe no longer connects as deauthorized too, and answers 200', async () => {
    // Connected in our record, unknown to Stripe: /oauth/deauthorize answers invalid_client "not connected".
    const item = await seedAccount(stack, { platformUserId: 'already_gone', type: 'standard' });
    const accountId = String(item.accountId);
    const calls = oauthDeauthorizeCalls();

    const result = await deauthorize(accountId, 'already_gone');

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      ...viewOf(item),
      status: 'deauthorized',
      deauthorizedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(oauthDeauthorizeCalls() - calls).toBe(1);
  });

  it('refuses an Express account with a 409 that says why and what to do instead, calling nothing and changing nothing', async () => {
    const accountId = await connectAccount(stack, 'express', 'express_leaver');
    const before = await statusOf(accountId);
    const calls = oauthDeauthorizeCalls();

    const result = await deauthorize(accountId, 'express_leaver');

    expect(result).toMatchObject({
      status: 409,
      body: apiError(
        'conflict_error',
        'express_account',
        `${accountId} is an Express account: Stripe does not allow disconnecting Express accounts through OAuth. ` +
          'The platform can reject or close the account with the Accounts API, or stop using it; nothing was changed.',
      ),
    });
    expect(oauthDeauthorizeCalls()).toBe(calls);
    expect(await statusOf(accountId)).toEqual(before);
    expect(before.status).toBe('connected');
  });

  it.each([
    ['a Standard', 200, 'gone_standard', { type: 'standard' }],
    ['an Express', 409, 'gone_express', { type: 'express' }],
    ['a created', 409, 'gone_created', { type: 'standard', createdInSlot: 0 }],
  ] as const)(
    'answers %s account Stripe already disconnected (its webhook came first) by its kind (a Standard one idempotently, Express and created ones with their 409): %i, calling nothing and changing nothing',
    async (_kind, status, user, seed) => {
      const item = await seedAccount(stack, { platformUserId: user, status: 'deauthorized', ...seed });
      const accountId = String(item.accountId);
      const before = await statusOf(accountId);
      const calls = oauthDeauthorizeCalls();

      const result = await deauthorize(accountId, user);

      expect(result.status).toBe(status);
      if (status === 200) expect(result.body).toMatchObject({ ...viewOf(item), status: 'deauthorized' });
      expect(oauthDeauthorizeCalls()).toBe(calls);
      expect(await statusOf(accountId)).toEqual(before);
    },
  );

  it('never lets one platform user disconnect another’s account (403), and 404s an unknown one', async () => {
    const accountId = await connectAccount(stack, 'standard', 'victim_owner');
    const before = await statusOf(accountId);
    const calls = oauthDeauthorizeCalls();

    expect(await deauthorize(accountId, 'attacker')).toMatchObject({
      status: 403,
      body: apiError(
        'permission_error',
        'not_your_account',
        `The account ${accountId} is not one of your connected accounts.`,
      ),
    });
    expect(await deauthorize('acct_nosuchaccount', 'attacker')).toMatchObject({
      status: 404,
      body: apiError('not_found_error', 'account_not_found', 'No connected account acct_nosuchaccount is known here.'),
    });
    // Not `%2F`: API Gateway decodes it into a separator before routing, and no route has that path (404).
    expect(await deauthorize('acct_bad%20id', 'attacker')).toMatchObject({
      status: 400,
      body: apiError(
        'invalid_request_error',
        'invalid_account_id',
        'The account id must look like acct_ followed by letters and digits.',
      ),
    });
    expect(await statusOf(accountId)).toEqual(before);
    expect(oauthDeauthorizeCalls()).toBe(calls);
  });

  it.each([
    [
      'fails (500)',
      'server_error',
      502,
      'stripe_unavailable',
      'Stripe is not answering right now. Please try again in a moment.',
    ],
    ['times out', 'timeout', 504, 'stripe_timeout', 'Stripe did not answer in time. It is safe to try again.'],
  ] as const)(
    'answers when Stripe %s with an error and changes nothing; a retry then succeeds',
    async (_, mode, status, code, message) => {
      const user = `stripe_${mode}`;
      const accountId = await connectAccount(stack, 'standard', user);
      const before = await statusOf(accountId);
      // stripe-node retries once: fault both tries.
      stack.emulator.injectFault({ method: 'POST', path: '/oauth/deauthorize', mode, times: 2 });

      const result = await deauthorize(accountId, user);
      stack.emulator.clearFaults();

      expect(result).toMatchObject({ status, body: apiError('upstream_error', code, message) });
      expect(await statusOf(accountId)).toEqual(before);
      expect(await deauthorize(accountId, user)).toMatchObject({
        status: 200,
        body: { accountId, status: 'deauthorized' },
      });
    },
  );

  it.each([
    ['another user', 'next_owner'],
    ['the same user, consenting again', 'first_owner'],
  ])(
    'never marks a connection made while Stripe answered (by %s): 409, the newer record left as it is',
    async (_, reconnectingUser) => {
      const seeded = await seedAccount(stack, { platformUserId: 'first_owner', type: 'standard' });
      const record = (await storedAccount(stack, String(seeded.accountId))) as unknown as AccountRecord;
      const accounts = createAccountsRepo(createDocumentClient(), stack.tables.accounts);
      const requestStartedAt = Date.parse(record.connectedAt) + 500;
      const reconnectedAt = new Date(requestStartedAt + 500).toISOString();
      // While our deauthorize call is at Stripe, the account goes through OAuth again and its callback stores the new connection.
      const stripe = {
        oauth: {
          deauthorize: async () => {
            await seedAccount(stack, {
              accountId: record.accountId,
              platformUserId: reconnectingUser,
              type: 'standard',
              connectedAt: reconnectedAt,
            });
            return { stripe_user_id: record.accountId };
          },
        },
      } as unknown as Stripe;

      const result = deauthorizeAccount(record, {
        accounts,
        stripe: async () => platformStripeOf(stripe),
        clientId: 'ca_test',
        notices: noPublisher,
        metrics: noMetrics,
        now: requestStartedAt,
      });

      await expect(result).rejects.toThrowError(
        expect.objectContaining({ kind: 'conflict', code: 'account_reconnected' }),
      );
      expect(await storedAccount(stack, record.accountId)).toMatchObject({
        status: 'connected',
        platformUserId: reconnectingUser,
        connectedAt: reconnectedAt,
      });
    },
  );

  it('refuses a connection of the other mode than the deployment key, without calling Stripe or changing it', async () => {
    const seeded = await seedAccount(stack, { platformUserId: 'live_owner', type: 'standard', livemode: true });
    const accountId = String(seeded.accountId);
    const calls = oauthDeauthorizeCalls();

    expect(await deauthorize(accountId, 'live_owner')).toMatchObject({
      status: 409,
      body: apiError(
        'conflict_error',
        'livemode_mismatch',
        `${accountId} was connected in live mode, but this deployment uses a test-mode key; nothing was changed.`,
      ),
    });
    expect(await statusOf(accountId)).toMatchObject({ status: 'connected' });
    expect(oauthDeauthorizeCalls()).toBe(calls);
  });

  it('answers a Standard account Stripe says the platform controls (created with the Accounts API elsewhere) as one it created, and keeps it', async () => {
    const seeded = await seedAccount(stack, { platformUserId: 'controlling_owner', type: 'standard' });
    const record = (await storedAccount(stack, String(seeded.accountId))) as unknown as AccountRecord;
    const controlled = new Stripe.errors.StripeInvalidClientError({
      type: 'invalid_client',
      message: `no_deauth_on_controlled_account: Account ${record.accountId} is controlled by your platform and cannot be disconnected.`,
    });
    const stripe = { oauth: { deauthorize: async () => Promise.reject(controlled) } } as unknown as Stripe;

    const answer = deauthorizeAccount(record, {
      accounts: createAccountsRepo(createDocumentClient(), stack.tables.accounts),
      stripe: async () => platformStripeOf(stripe),
      clientId: 'ca_test',
      notices: noPublisher,
      metrics: noMetrics,
      now: Date.now(),
    });

    await expect(answer).rejects.toThrowError(
      expect.objectContaining({ kind: 'conflict', code: 'created_account_not_disconnectable', cause: controlled }),
    );
    expect(await statusOf(record.accountId)).toMatchObject({ status: 'connected' });
  });

  it("never takes Stripe's invalid_client about another account (or another cause) as this account being disconnected", async () => {
    const seeded = await seedAccount(stack, { platformUserId: 'careful_owner', type: 'standard' });
    const record = (await storedAccount(stack, String(seeded.accountId))) as unknown as AccountRecord;
    const accounts = createAccountsRepo(createDocumentClient(), stack.tables.accounts);
    const refusal = (message: string) => {
      const stripe = {
        oauth: {
          deauthorize: async () =>
            Promise.reject(new Stripe.errors.StripeInvalidClientError({ message, type: 'invalid_client' })),
        },
      } as unknown as Stripe;
      return deauthorizeAccount(record, {
        accounts,
        stripe: async () => platformStripeOf(stripe),
        clientId: 'ca_test',
        notices: noPublisher,
        metrics: noMetrics,
        now: Date.now(),
      });
    };

    await expect(
      refusal('This application is not connected to stripe account acct_someoneelse1, or that account does not exist.'),
    ).rejects.toThrowError(expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_error' }));
    await expect(
      refusal('No such application: ca_test (a live-mode client_id with a test-mode key)'),
    ).rejects.toThrowError(expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_error' }));
    expect(await statusOf(record.accountId)).toMatchObject({ status: 'connected' });
    await expect(
      refusal(
        `This application is not connected to stripe account ${record.accountId}, or that account does not exist.`,
      ),
    ).resolves.toMatchObject({
      status: 'deauthorized',
    });
  });
});
