import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { confirmationMatches, confirmationTtlMs } from '../../../shared/accounts/confirmation';
import type { ServiceConfig } from '../../../shared/config';
import { createLogger } from '../../../shared/logger';
import { noMetrics } from '../../../shared/metrics';
import { completeConnection } from '../../../shared/oauth/complete-connection';
import { hashSecretValue } from '../../../shared/oauth/state';
import type { AccountsRepo } from '../../../shared/stores/accounts-repo';
import type { StateItem, StatesRepo } from '../../../shared/stores/states-repo';

const state = 's'.repeat(43);
const binding = 'b'.repeat(43);
const config = {
  successUrl: 'https://platform.example/ok',
  failureUrl: 'https://platform.example/failed',
} as ServiceConfig;
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
  const logLines: { level: string; reason: string }[] = [];
  const states: StatesRepo = { put: async () => undefined, consume: async () => ({ ok: true, item: stateItem }) };
  const accounts = {
    putConnected: async (connection: unknown) => {
      written.push(connection);
      return { ok: true, record: { connectedAt: '' }, confirmation: 'pending' };
    },
  } as unknown as AccountsRepo;
  const stripe = {
    oauth: {
      token: async () => {
        if (tokenAnswer instanceof Error) throw tokenAnswer;
        return tokenAnswer;
      },
    },
  } as unknown as Stripe;
  const now = Date.now();
  const response = await completeConnection(
    { rawQueryString: `code=ac_1&state=${state}`, cookies: [`__Host-connect_state=${binding}`] },
    {
      config,
      states,
      accounts,
      stripe: async () => ({ client: stripe, livemode }),
      notices: { publish: async () => undefined },
      logger: createLogger('test', (line) => logLines.push(JSON.parse(line) as { level: string; reason: string })),
      metrics: noMetrics,
      now,
    },
  );
  return { location: response.headers.location, written, logLines, now };
};

describe('completeConnection', () => {
  it('refuses a connection of the other mode than the deployment and writes nothing', async () => {
    expect(await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: true })).toMatchObject({
      location: 'https://platform.example/failed?error=livemode_mismatch',
      written: [],
    });
  });

  it.each([[null], [[]], [{ stripe_user_id: 'not-an-account', scope: 'read_write', livemode: false }]])(
    'writes nothing for a malformed token response %j',
    async (answer) => {
      expect(await run(answer)).toMatchObject({
        location: 'https://platform.example/failed?error=stripe_unavailable',
        written: [],
      });
    },
  );

  it('stores the account pending with the hash of a one-time value the success redirect alone carries', async () => {
    const result = await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: false });
    const location = new URL(result.location ?? '');
    const confirmation = location.searchParams.get('confirmation') ?? '';

    expect(location.href).toMatch(/^https:\/\/platform\.example\/ok\?account=acct_1&confirmation=[A-Za-z0-9_-]{22}$/);
    expect(result.written).toEqual([
      {
        accountId: 'acct_1',
        platformUserId: 'user_1',
        type: 'standard',
        scope: 'read_write',
        livemode: false,
        at: result.now,
        confirmation: { hash: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: result.now + confirmationTtlMs },
      },
    ]);
    const { hash } = (result.written[0] as { confirmation: { hash: string } }).confirmation;
    expect(confirmationMatches(confirmation, hash)).toBe(true);
    expect(JSON.stringify(result.logLines)).not.toContain(confirmation);
  });

  const oauthError = (Type: new (raw: Record<string, unknown>) => Error, message: string) =>
    new Type({ message, type: 'invalid_request_error' });

  it.each([
    [
      'an expired or unknown code',
      oauthError(Stripe.errors.StripeInvalidGrantError, 'Authorization code expired: ac_1'),
      'code_invalid',
      'INFO',
    ],
    [
      'a code already used (the SDK forced retry, or a thief first)',
      oauthError(
        Stripe.errors.StripeInvalidGrantError,
        'This authorization code has already been used. All tokens issued with this code have been revoked.',
      ),
      'code_reused',
      'WARN',
    ],
    [
      'a capability mismatch',
      oauthError(
        Stripe.errors.StripeOAuthInvalidRequestError,
        'The capabilities of account acct_1 (transfers) do not match the asserted capabilities (card_payments).',
      ),
      'capabilities_missing',
      'INFO',
    ],
    [
      'a refused parameter',
      oauthError(Stripe.errors.StripeOAuthInvalidRequestError, 'Unknown parameter: assert_capabilities'),
      'authorization_failed',
      'WARN',
    ],
    [
      'a client_id of another platform',
      oauthError(Stripe.errors.StripeInvalidClientError, 'No such application: ca_1'),
      'service_unavailable',
      'ERROR',
    ],
    [
      'a refused platform key',
      oauthError(Stripe.errors.StripeAuthenticationError, 'Invalid API Key provided'),
      'service_unavailable',
      'ERROR',
    ],
    [
      'an unsupported grant type',
      oauthError(Stripe.errors.StripeUnsupportedGrantTypeError, 'Unsupported grant type'),
      'authorization_failed',
      'WARN',
    ],
    [
      'a connection error',
      oauthError(Stripe.errors.StripeConnectionError, 'An error occurred with our connection to Stripe.'),
      'stripe_unavailable',
      'WARN',
    ],
  ])('maps %s to error=%s, logged at %s, and writes nothing', async (_, error, reason, level) => {
    const { location, written, logLines } = await run(error);

    expect(location).toBe(`https://platform.example/failed?error=${reason}`);
    expect(written).toEqual([]);
    expect(logLines).toEqual([expect.objectContaining({ level, message: 'connect failed', reason })]);
  });
});
