import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../../shared/config';
import { createLogger } from '../../../shared/logger';
import { noMetrics } from '../../../shared/metrics';
import { completeConnection } from '../../../shared/oauth/complete-connection';
import { hashSecretValue } from '../../../shared/oauth/state';
import type { AccountsRepo } from '../../../shared/stores/accounts-repo';
import type { StateItem, StatesRepo } from '../../../shared/stores/states-repo';

const state = 's'.repeat(43);
const binding = 'b'.repeat(43);
const config = { successUrl: 'https://platform.example/ok', failureUrl: 'https://platform.example/failed' } as ServiceConfig;
const stateItem: StateItem = {
  stateHash: hashSecretValue(state),
  bindingHash: hashSecretValue(binding),
  flow: 'standard',
  platformUserId: 'user_1',
  suggestedCapabilities: [],
  expiresAt: Date.now() + 60_000,
  ttl: 0,
  createdAt: '',
};

/** The plain callback logic with in-memory stores and a scripted Stripe answer. */
const run = async (tokenAnswer: unknown, livemode = false) => {
  const written: unknown[] = [];
  const states: StatesRepo = { put: async () => undefined, consume: async () => ({ ok: true, item: stateItem }) };
  const accounts = { putConnected: async (connection: unknown) => (written.push(connection), { ok: true, record: { connectedAt: '' } }) } as unknown as AccountsRepo;
  const stripe = { oauth: { token: async () => tokenAnswer } } as unknown as Stripe;
  const response = await completeConnection(
    { rawQueryString: `code=ac_1&state=${state}`, cookies: [`__Host-connect_state=${binding}`] },
    { config, states, accounts, stripe: async () => ({ client: stripe, livemode }), notices: { publish: async () => undefined }, logger: createLogger('test', () => undefined), metrics: noMetrics, now: Date.now() },
  );
  return { location: response.headers['location'], written };
};

describe('completeConnection', () => {
  it('refuses a connection of the other mode than the deployment and writes nothing', async () => {
    expect(await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: true })).toEqual({
      location: 'https://platform.example/failed?error=livemode_mismatch',
      written: [],
    });
  });

  it.each([[null], [[]], [{ stripe_user_id: 'not-an-account', scope: 'read_write', livemode: false }]])('writes nothing for a malformed token response %j', async (answer) => {
    expect(await run(answer)).toEqual({ location: 'https://platform.example/failed?error=stripe_unavailable', written: [] });
  });

  it('stores the account with its platform user and redirects to the success URL', async () => {
    expect(await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: false })).toEqual({
      location: 'https://platform.example/ok?account=acct_1',
      written: [{ accountId: 'acct_1', platformUserId: 'user_1', type: 'standard', scope: 'read_write', livemode: false, at: expect.any(String) }],
    });
  });
});
