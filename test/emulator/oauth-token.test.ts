import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { authorizeUrl, codeFrom, httpCall, SECRET_KEY, startTestEmulator, stripeFor } from './helpers';

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let clock = 1_700_000_000_000;

  async function start(): Promise<Stripe> {
    clock = 1_700_000_000_000;
    emulator = await startTestEmulator({ now: () => clock, codeTtlSeconds: 300 });
    return stripeFor(emulator);
  }

  afterEach(async () => {
    await emulator.close();
  });

  describe('POST /oauth/token', () => {
    it('runs in live mode with a live restricted key (rk_live_), as with sk_live_', async () => {
      const liveKey = 'rk_live_emulator0restricted0key';
      emulator = await startTestEmulator({ secretKey: liveKey });
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));

      const token = await stripeFor(emulator, liveKey).oauth.token({ grant_type: 'authorization_code', code });

      expect(token).toMatchObject({ livemode: true, access_token: expect.stringMatching(/^sk_live_/) });
    });

    it('exchanges a Standard code for the documented token response with scope read_write', async () => {
      const stripe = await start();
      const code = codeFrom(
        await emulator.decide(authorizeUrl(emulator, 'standard', { 'stripe_user[email]': 'jo@example.com' }), 'allow'),
      );

      const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });

      expect(token).toEqual({
        access_token: expect.stringMatching(/^sk_test_[A-Za-z0-9]{48}$/),
        livemode: false,
        refresh_token: expect.stringMatching(/^rt_/),
        token_type: 'bearer',
        stripe_publishable_key: expect.stringMatching(/^pk_test_/),
        stripe_user_id: expect.stringMatching(/^acct_[A-Za-z0-9]{16}$/),
        scope: 'read_write',
      });
      expect(emulator.getAccount(token.stripe_user_id ?? '')).toMatchObject({
        type: 'standard',
        email: 'jo@example.com',
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
        capabilities: { card_payments: 'active', transfers: 'active' },
      });
    });

    it('exchanges an Express code with scope express and the suggested capabilities active', async () => {
      const stripe = await start();
      const url = authorizeUrl(emulator, 'express', {
        'suggested_capabilities[]': ['transfers'],
        'stripe_user[business_name]': 'Jo Shop',
      });
      const code = codeFrom(await emulator.decide(url, 'allow'));

      const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });

      expect(token.scope).toBe('express');
      expect(emulator.getAccount(token.stripe_user_id ?? '')).toMatchObject({
        type: 'express',
        capabilities: { transfers: 'active' },
        business_profile: { name: 'Jo Shop' },
        controller: { type: 'application' },
      });
    });

    it('accepts the secret key as a client_secret parameter too', async () => {
      await start();
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));

      const res = await httpCall(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `client_secret=${SECRET_KEY}&grant_type=authorization_code&code=${code}`,
      });

      expect(res.status).toBe(200);
      expect(res.headers['request-id']).toMatch(/^req_/);
    });

    it('refuses a reused code with invalid_grant and revokes the connection', async () => {
      const stripe = await start();
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));
      const first = await stripe.oauth.token({ grant_type: 'authorization_code', code });

      const second = stripe.oauth.token({ grant_type: 'authorization_code', code });

      await expect(second).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
      await expect(second).rejects.toMatchObject({
        statusCode: 400,
        rawType: 'invalid_grant',
        message: 'This authorization code has already been used. All tokens issued with this code have been revoked.',
      });
      await expect(stripe.accounts.retrieve(first.stripe_user_id ?? '')).rejects.toBeInstanceOf(
        Stripe.errors.StripePermissionError,
      );
    });

    it('refuses an unknown code with invalid_grant', async () => {
      const stripe = await start();

      const result = stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_doesNotExist' });

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
      await expect(result).rejects.toMatchObject({ message: 'Authorization code does not exist: ac_doesNotExist' });
    });

    it('refuses an expired code, and accepts it just before expiry', async () => {
      const stripe = await start();
      const expired = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));
      const fresh = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));

      clock += 300_000;
      const ok = await stripe.oauth.token({ grant_type: 'authorization_code', code: fresh });
      clock += 1;
      const late = stripe.oauth.token({ grant_type: 'authorization_code', code: expired });

      expect(ok.stripe_user_id).toMatch(/^acct_/);
      await expect(late).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
      await expect(late).rejects.toMatchObject({ message: 'Authorization code expired' });
    });

    it('refuses an Express code whose account lacks an asserted capability as Stripe documents, leaving the code usable', async () => {
      const stripe = await start();
      const url = authorizeUrl(emulator, 'express', { 'suggested_capabilities[]': ['transfers'] });
      const code = codeFrom(await emulator.decide(url, 'allow'));

      const mismatch = stripe.oauth.token({
        grant_type: 'authorization_code',
        code,
        assert_capabilities: ['card_payments', 'transfers'],
      });

      await expect(mismatch).rejects.toBeInstanceOf(Stripe.errors.StripeOAuthInvalidRequestError);
      await expect(mismatch).rejects.toMatchObject({
        rawType: 'invalid_request',
        message: 'assert_capabilities expects capability: card_payments',
      });
      const match = await stripe.oauth.token({
        grant_type: 'authorization_code',
        code,
        assert_capabilities: ['transfers'],
      });
      // Stripe's Express OAuth page shows a passed assert answering with "capabilities": "transfers".
      expect(match).toMatchObject({ scope: 'express', capabilities: 'transfers' });
    });

    it('issues a new access token for a refresh token', async () => {
      const stripe = await start();
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));
      const first = await stripe.oauth.token({ grant_type: 'authorization_code', code });

      const refreshed = await stripe.oauth.token({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token ?? '',
      });

      expect(refreshed).toMatchObject({
        stripe_user_id: first.stripe_user_id,
        refresh_token: first.refresh_token,
        scope: 'read_write',
      });
      expect(refreshed.access_token).not.toBe(first.access_token);
    });

    it("gives a refresh the scope it asks for when it is no wider than the refresh token's, and refuses a wider or unknown one with invalid_scope", async () => {
      const stripe = await start();
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow'));
      const { refresh_token } = await stripe.oauth.token({ grant_type: 'authorization_code', code });
      const refresh = (scope?: string) =>
        stripe.oauth.token({
          grant_type: 'refresh_token',
          refresh_token: refresh_token ?? '',
          ...(scope ? { scope } : {}),
        });

      await expect(refresh('read_only')).resolves.toMatchObject({ scope: 'read_only', refresh_token });
      // The refresh token keeps its own scope: left out, the scope is the refresh token's again.
      await expect(refresh()).resolves.toMatchObject({ scope: 'read_write' });
      await expect(refresh('read_write')).resolves.toMatchObject({ scope: 'read_write' });
      await expect(refresh('admin')).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidScopeError);

      const readOnlyCode = codeFrom(
        await emulator.decide(authorizeUrl(emulator, 'standard', { scope: 'read_only' }), 'allow'),
      );
      const readOnly = await stripe.oauth.token({ grant_type: 'authorization_code', code: readOnlyCode });
      await expect(
        stripe.oauth.token({
          grant_type: 'refresh_token',
          refresh_token: readOnly.refresh_token ?? '',
          scope: 'read_write',
        }),
      ).rejects.toMatchObject({ type: 'StripeInvalidScopeError', statusCode: 400 });
    });

    it('gives a refresh of an Express connection its express scope only (docs/stripe-fidelity.md: a guess)', async () => {
      const stripe = await start();
      const code = codeFrom(await emulator.decide(authorizeUrl(emulator, 'express'), 'allow'));
      const { refresh_token } = await stripe.oauth.token({ grant_type: 'authorization_code', code });
      const refresh = (scope: string) =>
        stripe.oauth.token({ grant_type: 'refresh_token', refresh_token: refresh_token ?? '', scope });

      await expect(refresh('express')).resolves.toMatchObject({ scope: 'express' });
      for (const scope of ['read_only', 'read_write'])
        await expect(refresh(scope)).rejects.toMatchObject({ type: 'StripeInvalidScopeError', statusCode: 400 });
    });

    it("maps grant type errors to the SDK's OAuth error classes", async () => {
      const stripe = await start();

      const unsupported = stripe.oauth.token({ grant_type: 'password' as 'refresh_token' });
      const missing = stripe.oauth.token({} as Stripe.OAuthTokenParams);

      await expect(unsupported).rejects.toBeInstanceOf(Stripe.errors.StripeUnsupportedGrantTypeError);
      await expect(missing).rejects.toBeInstanceOf(Stripe.errors.StripeOAuthInvalidRequestError);
      await expect(missing).rejects.toMatchObject({ message: 'No grant type specified' });
    });

    it('refuses a wrong API key in OAuth form (invalid_client, "No such API key"), as connect.stripe.com does', async () => {
      await start();
      const stripe = stripeFor(emulator, 'sk_test_wrongKey0000000000000000009876');

      const result = stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_x' });

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidClientError);
      await expect(result).rejects.toMatchObject({
        statusCode: 401,
        message: 'No such API key: sk_test_**************************9876',
      });
    });

    it("refuses a request without any key in OAuth form (invalid_client), as stripe-node's StripeInvalidClientError documents", async () => {
      await start();
      const post = (path: string, body: string) => httpCall(`${emulator.url}${path}`, { method: 'POST', body });

      const answers = await Promise.all([
        post('/oauth/token', 'grant_type=authorization_code&code=ac_x'),
        post('/oauth/deauthorize', 'client_id=ca_x&stripe_user_id=acct_x'),
      ]);

      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(JSON.parse(res.text)).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      }
    });
  });
});
