import { describe, expect, it } from 'vitest';
import { createAccountLink, createAccountSession } from '../../../shared/onboarding/platform-api';
import { refusalsNoRetryChanges } from '../../support/stripe-refusals';
import { fakeContext, NOW, stripeError } from './fakes';

const setup = () => {
  const { accounts, stripe, context } = fakeContext();
  accounts.add({ accountId: 'acct_mine', platformUserId: 'user_1', detailsSubmitted: true, onboardingSlot: 0 });
  const link = (body: Record<string, unknown>, accountId = 'acct_mine', platformUserId = 'user_1') =>
    createAccountLink({ platformUserId, accountId, body }, context);
  const session = (body: Record<string, unknown>, accountId = 'acct_mine', platformUserId = 'user_1') =>
    createAccountSession({ platformUserId, accountId, body }, context);
  return { accounts, stripe, link, session };
};

describe('createAccountLink', () => {
  it("returns Stripe's account_link object for the owner's account", async () => {
    const { stripe, link } = setup();

    const result = await link({ type: 'account_onboarding', collect: 'eventually_due' });

    expect(result).toEqual({
      object: 'account_link',
      created: Math.floor(NOW / 1000),
      expires_at: Math.floor(NOW / 1000) + 300,
      url: 'https://connect.stripe.example/setup/s/acct_mine/link1',
    });
    expect(stripe.calls[0]?.args[0]).toMatchObject({
      account: 'acct_mine',
      type: 'account_onboarding',
      collection_options: { fields: 'eventually_due' },
      return_url: expect.stringMatching(/^https:\/\/connect\.example\/prod\/connect\/onboard\/return\?resume=/),
    });
  });

  it('refuses another user\u2019s account (403) and an unknown one (404) before calling Stripe', async () => {
    const { stripe, link } = setup();

    await expect(link({ type: 'account_onboarding' }, 'acct_mine', 'user_2')).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'not_your_account',
      message: 'The account acct_mine is not one of your connected accounts.',
    });
    await expect(link({ type: 'account_onboarding' }, 'acct_nope')).rejects.toMatchObject({
      kind: 'not_found',
      code: 'account_not_found',
    });
    expect(stripe.calls).toEqual([]);
  });

  it('explains why account_update is not available and what to use instead', async () => {
    const { link } = setup();

    await expect(link({ type: 'account_update' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'account_update_unavailable',
      message:
        'account_update links are only for accounts without a Stripe-hosted Dashboard, and every account here has one. Use type account_onboarding (with "collect": "eventually_due" to ask for everything Stripe will need), or a login link for an Express account.',
    });
  });

  it('refuses bad bodies with clear 400s', async () => {
    const { link } = setup();

    await expect(link({})).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'invalid_parameter',
      message: 'type must be account_onboarding or account_update.',
    });
    await expect(link({ type: 'account_onboarding', collect: 'all' })).rejects.toMatchObject({
      message: 'collect must be currently_due or eventually_due.',
    });
    await expect(link({ type: 'account_onboarding', extra: 1 })).rejects.toMatchObject({
      code: 'unknown_field',
      message: 'The request body has a field this route does not take (it takes: type, collect).',
    });
  });

  it('answers 409 for an account pending confirmation, deauthorized, or a Standard account connected with OAuth', async () => {
    const { accounts, link } = setup();
    accounts.add({ accountId: 'acct_pending', platformUserId: 'user_1', confirmationPending: true });
    accounts.add({ accountId: 'acct_gone', platformUserId: 'user_1', status: 'deauthorized' });
    accounts.add({
      accountId: 'acct_oauth',
      platformUserId: 'user_1',
      connection: 'oauth',
      type: 'standard',
    });

    await expect(link({ type: 'account_onboarding' }, 'acct_pending')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'confirmation_pending',
      message:
        "The account is waiting for the platform's confirmation: POST /accounts/acct_pending/confirm with the value from the success redirect.",
    });
    await expect(link({ type: 'account_onboarding' }, 'acct_gone')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'account_deauthorized',
    });
    await expect(link({ type: 'account_onboarding' }, 'acct_oauth')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'account_not_controlled',
    });
  });

  it('makes links for a Standard account created here that its owner has since connected through OAuth (the platform still controls it)', async () => {
    const { accounts, stripe, link } = setup();
    accounts.add({
      accountId: 'acct_created_then_oauth',
      platformUserId: 'user_1',
      connection: 'oauth',
      type: 'standard',
      onboardingSlot: 2,
    });

    await link({ type: 'account_onboarding' }, 'acct_created_then_oauth');

    expect(stripe.calls.at(-1)?.args[0]).toMatchObject({ account: 'acct_created_then_oauth' });
  });
});

describe('createAccountSession', () => {
  it("passes validated components to Stripe and returns Stripe's account_session object", async () => {
    const { stripe, session } = setup();
    const components = {
      account_onboarding: { enabled: true, features: { external_account_collection: true } },
      payments: { enabled: false },
    };

    const result = await session({ components });

    expect(stripe.calls).toEqual([{ method: 'createAccountSession', args: [{ account: 'acct_mine', components }] }]);
    expect(result).toEqual({
      object: 'account_session',
      account: 'acct_mine',
      client_secret: 'accs_secret__fake',
      expires_at: Math.floor(NOW / 1000) + 1800,
      livemode: false,
      components,
    });
  });

  it.each([
    [
      {},
      'components must be an object naming at least one embedded component, e.g. {"account_onboarding": {"enabled": true}}.',
    ],
    [
      { components: { wallet: { enabled: true } } },
      'components names a component Stripe does not document (see https://docs.stripe.com/connect/supported-embedded-components).',
    ],
    [{ components: { payments: true } }, 'components.payments must be an object with "enabled": true or false.'],
    [
      { components: { payments: { enabled: 'yes' } } },
      'components.payments must be an object with "enabled": true or false.',
    ],
    [
      { components: { payments: { enabled: true, features: { teleport: true } } } },
      'components.payments.features names a feature payments does not have (it has: capture_payments, destination_on_behalf_of_charge_management, dispute_management, refund_management, smart_disputes_management).',
    ],
    [{ components: { documents: { enabled: true, features: { x: true } } } }, 'components.documents has no features.'],
    [
      { components: { account_onboarding: { enabled: true, features: { disable_stripe_user_authentication: true } } } },
      'components.account_onboarding.features.disable_stripe_user_authentication cannot be true: Stripe allows that only for accounts whose requirements the platform collects, and Stripe collects them for every account here.',
    ],
    [
      { components: { balances: { enabled: true, features: { external_account_collection: false } } } },
      'components.balances.features.external_account_collection cannot be false: Stripe allows that only for accounts whose requirements the platform collects, and Stripe collects them for every account here.',
    ],
    [
      { components: { payments: { enabled: true, features: { refund_management: 1 } } } },
      'components.payments.features.refund_management must be true or false.',
    ],
    [{ components: { payments: { enabled: false } } }, 'At least one component must have "enabled": true.'],
  ])('refuses %j with a clear 400', async (body, message) => {
    const { stripe, session } = setup();

    await expect(session(body)).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_components', message });
    expect(stripe.calls).toEqual([]);
  });

  it('refuses another user\u2019s account with 403', async () => {
    const { session } = setup();

    await expect(session({ components: { payments: { enabled: true } } }, 'acct_mine', 'user_2')).rejects.toMatchObject(
      { kind: 'forbidden' },
    );
  });

  it('answers 409 with Stripe\u2019s reason when Stripe refuses the session', async () => {
    const { stripe, session } = setup();
    stripe.failNext.createAccountSession = stripeError('invalid_request', 'This account cannot use issuing_card.');

    await expect(session({ components: { issuing_card: { enabled: true } } })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'account_session_refused',
      message: 'Stripe refused an account session for acct_mine: This account cannot use issuing_card.',
    });
  });

  it('answers what no retry changes as such: an account Stripe no longer reaches (409), a key without the permission (502, ours)', async () => {
    const { stripe, session } = setup();
    const payments = { components: { payments: { enabled: true } } };
    const refusals = refusalsNoRetryChanges('acct_mine');

    for (const [error, answer] of refusals) {
      stripe.failNext.createAccountSession = error;
      await expect(session(payments), error.message).rejects.toMatchObject(answer);
    }
  });
});
