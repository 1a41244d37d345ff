import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createLoginLink } from '../../../shared/accounts/login-links';
import { noMetrics } from '../../../shared/metrics';
import type { AccountRecord } from '../../../shared/stores/accounts-repo';
import { platformStripeOf } from '../../support/platform-stripe';
import { refusalsNoRetryChanges } from '../../support/stripe-refusals';

const record = {
  accountId: 'acct_1Express',
  platformUserId: 'user_1',
  type: 'express',
  scope: 'express',
  livemode: false,
  status: 'connected',
  chargesEnabled: true,
  payoutsEnabled: true,
  detailsSubmitted: true,
  capabilities: {},
  connectedAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
} as AccountRecord;

/** A login link asked of a Stripe that refuses it with `error`. */
const refusedWith = (error: Error) => {
  const client = { accounts: { createLoginLink: async () => Promise.reject(error) } } as unknown as Stripe;
  return createLoginLink(async () => platformStripeOf(client), record, noMetrics);
};

describe('createLoginLink, when Stripe refuses', () => {
  it('answers what no retry changes as a 409, and a key without the permission as ours (502)', async () => {
    const refusals = refusalsNoRetryChanges(record.accountId);

    for (const [error, answer] of refusals) {
      await expect(refusedWith(error), error.message).rejects.toMatchObject(answer);
    }
  });
});
