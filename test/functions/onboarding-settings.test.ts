/**
 * A deployment that leaves its Express accounts' losses to Stripe, at Stripe's pricing: onboarding creates them
 * so, through the local gateway, the real handler and the emulator's Accounts API.
 */
import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { settingDefaults } from '../../shared/config';
import { accountCreateParams, accountIdempotencyKey } from '../../shared/onboarding/account-settings';
import { stripeFor } from '../emulator/helpers';
import { useLocalStack } from '../support/local-stack';
import { accountOfLink, stripeCalls } from '../support/platform-api';
import { locationOf, openStartLink, TestBrowser } from '../support/test-browser';

const stack = useLocalStack({ env: { EXPRESS_FEES_PAYER: 'account', EXPRESS_LOSSES: 'stripe' } });

const startedAccount = async (user: string, type: 'express' | 'standard'): Promise<string> => {
  const started = await openStartLink(
    new TestBrowser(),
    `${stack.gatewayUrl}/connect/onboard?type=${type}&ticket=${await stack.mintTicket(user)}`,
  );
  expect(started.status).toBe(302);
  return accountOfLink(locationOf(started));
};

describe('EXPRESS_FEES_PAYER and EXPRESS_LOSSES', () => {
  it('create Express accounts that pay their own fees and leave their losses to Stripe', async () => {
    const accountId = await startedAccount('stripe_priced', 'express');

    expect(stack.emulator.getAccount(accountId)?.controller).toMatchObject({
      stripe_dashboard: { type: 'express' },
      fees: { payer: 'account' },
      losses: { payments: 'stripe' },
      requirement_collection: 'stripe',
    });
  });

  it('leave Standard accounts as they are', async () => {
    const accountId = await startedAccount('standard_owner', 'standard');

    expect(stack.emulator.getAccount(accountId)?.controller).toMatchObject({
      stripe_dashboard: { type: 'full' },
      fees: { payer: 'account' },
      losses: { payments: 'stripe' },
    });
  });

  it("move past a slot's key that Stripe first saw with the old settings: a new key, a new account, the old one left alone", async () => {
    const user = 'changed_settings';
    // Before the change: an account created under the user's first key, its record never written.
    const slotKey = accountIdempotencyKey(localDefaults.platformTokenSecret, user, 'express', 0);
    const earlier = await stripeFor(stack.emulator, localDefaults.stripeSecretKey).accounts.create(
      accountCreateParams('express', user, 0, settingDefaults),
      { idempotencyKey: slotKey },
    );

    const creates = stripeCalls(stack, 'POST', '/v1/accounts');

    const accountId = await startedAccount(user, 'express');

    // Its key first (refused: other parameters), then a new one.
    expect(stripeCalls(stack, 'POST', '/v1/accounts') - creates).toBe(2);
    expect(accountId).not.toBe(earlier.id);
    expect(stack.emulator.getAccount(accountId)?.controller).toMatchObject({ losses: { payments: 'stripe' } });
    expect(stack.emulator.getAccount(earlier.id)?.controller).toMatchObject({ losses: { payments: 'application' } });
  });
});
