import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { exchangeCode, parseTokenResponse } from '../../../shared/oauth/exchange-code';
import { budgetedTimeout, platformStripeOf } from '../../support/platform-stripe';

describe('parseTokenResponse', () => {
  it('keeps only the account id, scope and livemode, never the tokens', () => {
    expect(
      parseTokenResponse({
        access_token: 'sk_test_x',
        refresh_token: 'rt_x',
        stripe_publishable_key: 'pk_test_x',
        token_type: 'bearer',
        stripe_user_id: 'acct_123',
        scope: 'read_write',
        livemode: false,
      }),
    ).toEqual({ accountId: 'acct_123', scope: 'read_write', livemode: false });
  });

  it.each([
    [null],
    [[]],
    ['{}'],
    [{}],
    [{ stripe_user_id: 'cus_123', scope: 'read_write', livemode: false }],
    [{ stripe_user_id: 'acct_1', livemode: false }],
    [{ stripe_user_id: 'acct_1', scope: 'x', livemode: 'false' }],
  ])('refuses a malformed response %j with a 502', (response) => {
    expect(() => parseTokenResponse(response)).toThrowError(
      expect.objectContaining({ kind: 'upstream_failed', code: 'stripe_bad_response' }),
    );
  });
});

describe('exchangeCode', () => {
  it('asks Stripe once, within the time left, with network retries off and never asserting capabilities', async () => {
    const calls: unknown[][] = [];
    const stripe = {
      oauth: {
        token: async (...args: unknown[]) => {
          calls.push(args);
          return { stripe_user_id: 'acct_9', scope: 'express', livemode: false };
        },
      },
    } as unknown as Stripe;

    const result = await exchangeCode(platformStripeOf(stripe), 'ac_abc');

    expect(result).toEqual({ accountId: 'acct_9', scope: 'express', livemode: false });
    expect(calls).toEqual([
      [
        { grant_type: 'authorization_code', code: 'ac_abc' },
        { maxNetworkRetries: 0, timeout: budgetedTimeout },
      ],
    ]);
  });
});
