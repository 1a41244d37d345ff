import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeOnboardingPort } from '../../../shared/onboarding/ports';
import { OutOfTimeError } from '../../../shared/stripe/call-budget';
import { budgetedTimeout, platformStripeOf } from '../../support/platform-stripe';

/** A stripe-node client that records each call's name and request options. */
const recordingClient = (sentTimes = 1) => {
  const calls: [string, unknown][] = [];
  const listeners = new Set<(event: Stripe.RequestEvent) => void>();
  const emit = (event: Stripe.RequestEvent) => {
    for (const listener of listeners) listener(event);
  };
  const client = {
    on: (_name: 'request', listener: (event: Stripe.RequestEvent) => void) => listeners.add(listener),
    off: (_name: 'request', listener: (event: Stripe.RequestEvent) => void) => listeners.delete(listener),
    accounts: {
      create: async (_params: unknown, options: { idempotencyKey?: string }) => {
        calls.push(['accounts.create', options]);
        // stripe-node emits `request` for every send, its retries under the same key included; another
        // request of the same client (another key) may go out meanwhile.
        for (let send = 0; send < sentTimes; send += 1)
          emit({ idempotency_key: options.idempotencyKey, request_start_time: Date.now() } as Stripe.RequestEvent);
        emit({ idempotency_key: 'another-key', request_start_time: Date.now() } as Stripe.RequestEvent);
        return { id: 'acct_1' };
      },
      retrieve: async (_id: string, _params: unknown, options: unknown) => {
        calls.push(['accounts.retrieve', options]);
        return { id: 'acct_1' };
      },
    },
    accountLinks: {
      create: async (_params: unknown, options: unknown) => {
        calls.push(['accountLinks.create', options]);
        return { object: 'account_link' };
      },
    },
    accountSessions: {
      create: async (_params: unknown, options: unknown) => {
        calls.push(['accountSessions.create', options]);
        return { object: 'account_session' };
      },
    },
  } as unknown as Stripe;
  return { client, calls, listening: () => listeners.size };
};

const everyCall = (port: ReturnType<typeof stripeOnboardingPort>) => [
  () => port.createAccount({}, 'onboard-key-1'),
  () => port.createAccountLink({ account: 'acct_1', type: 'account_onboarding' }),
  () => port.retrieveAccount('acct_1'),
  () => port.createAccountSession({ account: 'acct_1', components: {} }),
];

describe('stripeOnboardingPort', () => {
  it('sends each call with the options its request has time for, and the account create with its idempotency key', async () => {
    const { client, calls } = recordingClient();
    const port = stripeOnboardingPort(platformStripeOf(client));

    for (const call of everyCall(port)) await call();

    expect(calls).toEqual([
      ['accounts.create', { idempotencyKey: 'onboard-key-1', timeout: budgetedTimeout }],
      ['accountLinks.create', { timeout: budgetedTimeout }],
      ['accounts.retrieve', { timeout: budgetedTimeout }],
      ['accountSessions.create', { timeout: budgetedTimeout }],
    ]);
  });

  it('tells the account create how often its request went out under its key, and stops listening after', async () => {
    const { client, listening } = recordingClient(2);
    const port = stripeOnboardingPort(platformStripeOf(client));
    let sent = 0;

    await port.createAccount({}, 'onboard-key-1', () => {
      sent += 1;
    });

    expect(sent).toBe(2);
    expect(listening()).toBe(0);
  });

  it('calls nothing when its request has no time left: each call rejects as a timeout does', async () => {
    const { client, calls } = recordingClient();
    const port = stripeOnboardingPort(platformStripeOf(client, false, { outOfTime: true }));

    for (const call of everyCall(port)) await expect(call()).rejects.toBeInstanceOf(OutOfTimeError);
    expect(calls).toEqual([]);
  });
});
