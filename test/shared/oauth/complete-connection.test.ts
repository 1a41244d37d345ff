import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { confirmationMatches, confirmationTtlMs } from '../../../shared/accounts/confirmation';
import type { ServiceConfig } from '../../../shared/config';
import { StoreUnavailableError } from '../../../shared/errors';
import { stateCookieName } from '../../../shared/http/cookies';
import { createLogger } from '../../../shared/logger';
import { noMetrics } from '../../../shared/metrics';
import type { AccountNotice } from '../../../shared/notifications/account-notices';
import { completeConnection } from '../../../shared/oauth/complete-connection';
import { hashSecretValue } from '../../../shared/oauth/state';
import type { AccountRecord, AccountsRepo } from '../../../shared/stores/accounts-repo';
import type { StateItem, StatesRepo } from '../../../shared/stores/states-repo';
import { budgetedTimeout, platformStripeOf } from '../../support/platform-stripe';

const state = 's'.repeat(43);
const binding = 'b'.repeat(43);
const config = {
  successUrl: 'https://platform.example/ok',
  failureUrl: 'https://platform.example/failed',
  returnToOrigins: ['https://app.platform.example'] as readonly string[],
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

interface Script {
  /** The mode of the deployment's key. */
  readonly livemode?: boolean;
  /** What Stripe's deauthorization answers (an error to throw), when asked. */
  readonly deauthorizeAnswer?: unknown;
  /** The account as the store holds it already. */
  readonly known?: Partial<AccountRecord>;
  /** putConnected refuses (another owner) or throws. */
  readonly putConnected?: 'claimed' | Error;
  /** How putConnected stored it: pending the platform's confirmation (the default), or still confirmed. */
  readonly stored?: 'pending' | 'kept';
  /** What Stripe answers to reading the connected account (an error to throw); a plain new account by default. */
  readonly account?: unknown;
  /** Writing the state read at Stripe throws this. */
  readonly recordState?: Error;
  /** The `return_to` the flow's state holds. */
  readonly returnTo?: string;
  /** The callback's query, when not a well-formed code and the flow's state. */
  readonly query?: string;
  /** The request has no time left for a Stripe call. */
  readonly outOfTime?: boolean;
}

/** A connected account as `GET /v1/accounts/{id}` answers it, not yet onboarded. */
const accountAtStripe = {
  id: 'acct_1',
  object: 'account',
  charges_enabled: false,
  payouts_enabled: false,
  details_submitted: false,
  capabilities: {},
};

/** The plain callback logic with in-memory stores and a scripted Stripe answer. */
const run = async (tokenAnswer: unknown, script: Script = {}) => {
  const written: unknown[] = [];
  const unclaimed: unknown[] = [];
  const deauthorized: unknown[] = [];
  /** The request options of each code exchange and deauthorization sent. */
  const tokenOptions: unknown[] = [];
  const deauthorizeOptions: unknown[] = [];
  const logLines: { level: string; message: string; reason: string }[] = [];
  const notices: AccountNotice[] = [];
  /** The states the callback consumed. */
  const consumed: StateItem[] = [];
  /** Every store write and Stripe call after the exchange, in order, with what it was given. */
  const calls: [string, ...unknown[]][] = [];
  const item: StateItem = { ...stateItem, ...(script.returnTo ? { returnTo: script.returnTo } : {}) };
  const states: StatesRepo = {
    put: async () => undefined,
    consume: async () => {
      consumed.push(item);
      return { ok: true, item };
    },
  };
  const accounts = {
    get: async () => script.known,
    putConnected: async (connection: unknown) => {
      if (script.putConnected instanceof Error) throw script.putConnected;
      if (script.putConnected === 'claimed') return { ok: false, reason: 'claimed' };
      written.push(connection);
      calls.push(['putConnected']);
      // As for a reconnection: the item holds a snapshot (the second written to it) from before.
      const record = { ...(connection as AccountRecord), connectedAt: '2026-12-01T00:00:00.000Z', stateVersion: 2 };
      return { ok: true, record, confirmation: script.stored ?? 'pending' };
    },
    putUnclaimed: async (connection: unknown) => {
      unclaimed.push(connection);
      return true;
    },
    recordState: async (change: unknown, at: number) => {
      calls.push(['recordState', change, at]);
      if (script.recordState) throw script.recordState;
      return 'stored';
    },
    setCapabilitiesMissing: async (_record: unknown, missing: unknown) => void calls.push(['capabilities', missing]),
  } as unknown as AccountsRepo;
  const stripe = {
    accounts: {
      retrieve: async (id: string, _params: unknown, options: unknown) => {
        calls.push(['retrieve', id, options]);
        const answer = 'account' in script ? script.account : { ...accountAtStripe, id };
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    oauth: {
      token: async (_params: unknown, options: unknown) => {
        tokenOptions.push(options);
        if (tokenAnswer instanceof Error) throw tokenAnswer;
        return tokenAnswer;
      },
      deauthorize: async (params: unknown, options: unknown) => {
        deauthorized.push(params);
        deauthorizeOptions.push(options);
        if (script.deauthorizeAnswer instanceof Error) throw script.deauthorizeAnswer;
        return script.deauthorizeAnswer;
      },
    },
  } as unknown as Stripe;
  const now = Date.now();
  const response = await completeConnection(
    { rawQueryString: script.query ?? `code=ac_1&state=${state}`, cookies: [`${stateCookieName(state)}=${binding}`] },
    {
      config,
      states,
      accounts,
      stripe: async () => platformStripeOf(stripe, script.livemode ?? false, { outOfTime: script.outOfTime ?? false }),
      clientId: async () => 'ca_platform',
      notices: { publish: async (notice) => void notices.push(notice) },
      logger: createLogger('test', (line) => logLines.push(JSON.parse(line) as (typeof logLines)[number])),
      metrics: noMetrics,
      now,
    },
  );
  return {
    location: response.headers.location,
    cookies: response.cookies,
    written,
    unclaimed,
    deauthorized,
    tokenOptions,
    deauthorizeOptions,
    logLines,
    notices,
    calls,
    consumed,
    now,
  };
};

describe('completeConnection', () => {
  it('refuses a connection of the other mode than the deployment, ends it at Stripe and writes nothing', async () => {
    expect(
      await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: true }, { livemode: false }),
    ).toMatchObject({
      location: 'https://platform.example/failed?error=livemode_mismatch',
      written: [],
      unclaimed: [],
      deauthorized: [{ client_id: 'ca_platform', stripe_user_id: 'acct_1' }],
    });
  });

  it("ends at the flow's return_to, unless its origin left the allowlist while the owner was at Stripe", async () => {
    const token = { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false };

    const allowed = await run(token, { returnTo: 'https://app.platform.example/done' });
    const removed = await run(token, { returnTo: 'https://old.platform.example/done' });

    expect(allowed.location).toMatch(/^https:\/\/app\.platform\.example\/done\?account=acct_1&confirmation=/);
    expect(removed.location).toMatch(/^https:\/\/platform\.example\/ok\?account=acct_1&confirmation=/);
  });

  it("announces no account.connected for an account stored pending: it is nobody's until the platform confirms it", async () => {
    const { written, notices } = await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: false });

    expect(written).toHaveLength(1);
    expect(notices).toEqual([]);
  });

  it("announces account.connected for a reconnection that keeps its owner's confirmation", async () => {
    const { notices } = await run(
      { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false },
      { stored: 'kept' },
    );

    expect(notices).toEqual([
      {
        type: 'account.connected',
        accountId: 'acct_1',
        detail: {
          platformUserId: stateItem.platformUserId,
          type: 'standard',
          livemode: false,
          connection: 'oauth',
          connectedAt: '2026-12-01T00:00:00.000Z',
        },
      },
    ]);
  });

  describe('the account as Stripe has it, read once the code is exchanged', () => {
    const token = { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false };

    it('is read only after the record is stored, within the time left, without a network retry, and its state stored as of now, after the snapshot the record held', async () => {
      const { calls, now } = await run(token);

      expect(calls).toEqual([
        ['putConnected'],
        ['retrieve', 'acct_1', { maxNetworkRetries: 0, timeout: budgetedTimeout }],
        [
          'recordState',
          {
            kind: 'state',
            accountId: 'acct_1',
            asOf: now,
            source: 'read',
            seen: 2,
            state: expect.objectContaining({ chargesEnabled: false, detailsSubmitted: false }),
          },
          now,
        ],
      ]);
    });

    it('is never read when the record cannot be stored: nothing slows the release of the connection', async () => {
      const { calls, location } = await run(token, { putConnected: new StoreUnavailableError(new Error('throttled')) });

      expect(location).toBe('https://platform.example/failed?error=service_unavailable');
      expect(calls).toEqual([]);
    });

    it('still completes the connection when Stripe does not answer the read, and says so in the log', async () => {
      const down = new Stripe.errors.StripeConnectionError({ message: 'connection reset', type: 'api_error' });

      const { location, written, calls, logLines } = await run(token, { account: down });

      expect(location).toMatch(/^https:\/\/platform\.example\/ok\?account=acct_1&/);
      expect(written).toHaveLength(1);
      expect(calls.map(([name]) => name)).toEqual(['putConnected', 'retrieve']);
      expect(logLines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'connected account unread' }));
    });

    it('stores nothing from an answer that is not an account, and says so in the log', async () => {
      const { location, calls, logLines } = await run(token, { account: { object: 'account', id: 'acct_1' } });

      expect(location).toMatch(/^https:\/\/platform\.example\/ok\?account=acct_1&/);
      expect(calls.map(([name]) => name)).toEqual(['putConnected', 'retrieve']);
      expect(logLines).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: 'connected account unread',
          stripeFailure: 'malformed_account',
        }),
      );
    });

    it('still completes the connection when its state cannot be stored, and logs an error for the operator', async () => {
      const { location, logLines } = await run(token, {
        recordState: new StoreUnavailableError(new Error('throttled')),
      });

      expect(location).toMatch(/^https:\/\/platform\.example\/ok\?account=acct_1&/);
      expect(logLines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'account state not stored' }));
    });
  });

  it('sends no code to Stripe when the request has no time left for it: the failure redirect says Stripe did not answer', async () => {
    const token = { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false };

    const result = await run(token, { outOfTime: true });

    expect(result).toMatchObject({
      location: 'https://platform.example/failed?error=stripe_unavailable',
      tokenOptions: [],
      written: [],
      calls: [],
    });
  });

  it('takes an empty code for no code: invalid_callback, the state left alone and nothing asked of Stripe', async () => {
    const result = await run(
      { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false },
      { query: `code=&state=${state}` },
    );

    expect(result).toMatchObject({
      location: 'https://platform.example/failed?error=invalid_callback',
      consumed: [],
      calls: [],
      tokenOptions: [],
    });
  });

  it("clears only its own flow's state cookie", async () => {
    const { cookies } = await run({ stripe_user_id: 'acct_1', scope: 'read_write', livemode: false });

    expect(cookies).toEqual([`${stateCookieName(state)}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`]);
  });

  describe('a connection made at Stripe and then not kept', () => {
    const express = { stripe_user_id: 'acct_2', scope: 'express', livemode: false };
    const standardToken = { stripe_user_id: 'acct_1', scope: 'read_write', livemode: false };

    it('records an Express one with no owner, flagged with the reason, without asking Stripe to end it', async () => {
      expect(await run(express)).toMatchObject({
        location: 'https://platform.example/failed?error=flow_mismatch',
        written: [],
        deauthorized: [],
        unclaimed: [
          { accountId: 'acct_2', type: 'express', scope: 'express', livemode: false, flagged: 'flow_mismatch' },
        ],
      });
    });

    it('records a Standard one Stripe refuses to end (a controlled account) the same way', async () => {
      const refused = new Stripe.errors.StripeInvalidClientError({
        message: 'no_deauth_on_controlled_account: acct_1 is controlled by the platform',
        type: 'invalid_request_error',
      });

      const result = await run(standardToken, { livemode: true, deauthorizeAnswer: refused });

      expect(result).toMatchObject({
        location: 'https://platform.example/failed?error=livemode_mismatch',
        deauthorized: [{ client_id: 'ca_platform', stripe_user_id: 'acct_1' }],
        deauthorizeOptions: [{ timeout: budgetedTimeout }],
        unclaimed: [{ accountId: 'acct_1', type: 'standard', flagged: 'livemode_mismatch' }],
      });
      expect(result.logLines.filter((line) => line.level === 'ERROR')).toEqual([]);
    });

    it('logs an error for the operator when Stripe fails to end it, and records it unclaimed', async () => {
      const down = new Stripe.errors.StripeConnectionError({ message: 'connection reset', type: 'api_error' });

      const result = await run(standardToken, { livemode: true, deauthorizeAnswer: down });

      expect(result.unclaimed).toEqual([
        expect.objectContaining({ accountId: 'acct_1', flagged: 'livemode_mismatch' }),
      ]);
      expect(result.logLines).toContainEqual(
        expect.objectContaining({ level: 'ERROR', message: 'connection left at Stripe', reason: 'livemode_mismatch' }),
      );
    });

    it("leaves an account connected here already alone (another user's): ending it would end theirs", async () => {
      const result = await run(standardToken, {
        putConnected: 'claimed',
        known: { accountId: 'acct_1', platformUserId: 'owner', status: 'connected' },
      });

      expect(result).toMatchObject({
        location: 'https://platform.example/failed?error=account_claimed',
        deauthorized: [],
        unclaimed: [],
      });
    });

    it('ends a Standard one when the store fails before the account is recorded', async () => {
      const result = await run(standardToken, { putConnected: new StoreUnavailableError(new Error('throttled')) });

      expect(result).toMatchObject({
        location: 'https://platform.example/failed?error=service_unavailable',
        deauthorized: [{ client_id: 'ca_platform', stripe_user_id: 'acct_1' }],
      });
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
      'a capability mismatch (never asked for: we do not assert capabilities)',
      oauthError(Stripe.errors.StripeOAuthInvalidRequestError, 'assert_capabilities expects capability: card_payments'),
      'authorization_failed',
      'WARN',
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
      'a code issued to another platform or mode than the key (a client id and key that do not belong together)',
      oauthError(Stripe.errors.StripeInvalidGrantError, 'Authorization code provided does not belong to you'),
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
      'a platform key connect.stripe.com does not know',
      oauthError(Stripe.errors.StripeInvalidClientError, 'No such API key: sk_test_****1234'),
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
