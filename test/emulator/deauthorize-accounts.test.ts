import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import {
  authorizeUrl,
  CLIENT_ID,
  codeFrom,
  connect,
  httpCall,
  SECRET_KEY,
  startTestEmulator,
  stripeFor,
  unknownParameterError,
} from './helpers';

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeEach(async () => {
    emulator = await startTestEmulator();
    stripe = stripeFor(emulator);
  });

  afterEach(async () => {
    await emulator.close();
  });

  describe('POST /oauth/deauthorize', () => {
    it('disconnects a Standard account and then refuses access to it', async () => {
      const accountId = await connect(emulator, 'standard');

      const result = await stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });

      expect(result).toEqual({ stripe_user_id: accountId });
      await expect(stripe.accounts.retrieve(accountId)).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    });

    it('refuses an Express account with invalid_client naming no_deauth_on_controlled_account', async () => {
      const accountId = await connect(emulator, 'express');

      const result = stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidClientError);
      await expect(result).rejects.toMatchObject({
        rawType: 'invalid_client',
        message: expect.stringMatching(/^no_deauth_on_controlled_account: /),
      });
      expect((await stripe.accounts.retrieve(accountId)).id).toBe(accountId);
    });

    it("refuses an unknown or already disconnected account with Stripe's invalid_client message", async () => {
      const accountId = await connect(emulator, 'standard');
      await stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });

      const again = stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });
      const unknown = stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: 'acct_unknown0000000' });

      await expect(again).rejects.toMatchObject({
        statusCode: 401,
        message: `This application is not connected to stripe account ${accountId}, or that account does not exist.`,
      });
      await expect(unknown).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidClientError);
    });
  });

  describe('GET /v1/accounts/:id', () => {
    const nothingDue = {
      alternatives: [],
      current_deadline: null,
      currently_due: [],
      disabled_reason: null,
      errors: [],
      eventually_due: [],
      past_due: [],
      pending_verification: [],
    };

    it("returns the connected account in Stripe's shape", async () => {
      const accountId = await connect(emulator, 'standard', {
        'stripe_user[email]': 'jo@example.com',
        'stripe_user[country]': 'GB',
      });

      const account = await stripe.accounts.retrieve(accountId);

      expect({ ...account, lastResponse: undefined }).toEqual({
        id: accountId,
        object: 'account',
        business_profile: {
          mcc: null,
          minority_owned_business_designation: null,
          name: null,
          product_description: null,
          specified_commercial_transactions_act_url: null,
          support_address: null,
          support_email: null,
          support_phone: null,
          support_url: null,
          url: null,
        },
        business_type: null,
        capabilities: { card_payments: 'active', transfers: 'active' },
        charges_enabled: true,
        controller: {
          fees: { payer: 'account' },
          losses: { payments: 'stripe' },
          stripe_dashboard: { type: 'full' },
          type: 'account',
        },
        country: 'GB',
        created: expect.any(Number),
        default_currency: 'gbp',
        details_submitted: true,
        email: 'jo@example.com',
        future_requirements: nothingDue,
        metadata: {},
        payouts_enabled: true,
        requirements: nothingDue,
        settings: {
          branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
          card_payments: {
            decline_on: { avs_failure: false, cvc_failure: false },
            statement_descriptor_prefix: null,
            statement_descriptor_prefix_kana: null,
            statement_descriptor_prefix_kanji: null,
          },
          dashboard: { display_name: null, timezone: 'Etc/UTC' },
          payments: {
            statement_descriptor: null,
            statement_descriptor_kana: null,
            statement_descriptor_kanji: null,
            statement_descriptor_prefix_kana: null,
            statement_descriptor_prefix_kanji: null,
          },
          payouts: {
            debit_negative_balances: true,
            schedule: { delay_days: 2, interval: 'daily' },
            statement_descriptor: null,
          },
        },
        tos_acceptance: { date: account.created, ip: null, user_agent: null },
        type: 'standard',
        lastResponse: undefined,
      });
    });

    it('refuses an unknown account with a 403 account_invalid (StripePermissionError)', async () => {
      const result = stripe.accounts.retrieve('acct_unknown0000000');

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
      await expect(result).rejects.toMatchObject({
        statusCode: 403,
        code: 'account_invalid',
        requestId: expect.stringMatching(/^req_/),
        message: `The provided key 'sk_test_${'*'.repeat(SECRET_KEY.length - 12)}1234' does not have access to account 'acct_unknown0000000' (or that account does not exist). Application access may have been revoked.`,
      });
    });

    it('takes no query parameter but expand, as stripe-node documents (AccountRetrieveParams)', async () => {
      const accountId = await connect(emulator, 'express');

      const result = stripe.accounts.retrieve(accountId, { colour: 'blue' } as Stripe.AccountRetrieveParams);

      await expect(result).rejects.toMatchObject(unknownParameterError('colour'));
      expect((await stripe.accounts.retrieve(accountId, { expand: [] })).id).toBe(accountId);
    });

    it('also answers GET /v1/account with a Stripe-Account header', async () => {
      const accountId = await connect(emulator, 'express');

      const account = await stripe.accounts.retrieveCurrent({}, { stripeAccount: accountId });

      expect(account.id).toBe(accountId);
    });

    it('refuses a wrong API key with StripeAuthenticationError', async () => {
      const result = stripeFor(emulator, 'sk_test_nope').accounts.retrieve('acct_x');

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      // Stripe names the key it refused, all but its last four characters masked (here all four of them).
      await expect(result).rejects.toMatchObject({
        statusCode: 401,
        type: 'StripeAuthenticationError',
        message: 'Invalid API Key provided: sk_test_****',
      });
    });

    it("answers unknown API paths with Stripe's 404", async () => {
      const res = await httpCall(`${emulator.url}/v1/charges`, { headers: { Authorization: `Bearer ${SECRET_KEY}` } });

      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual({
        error: {
          type: 'invalid_request_error',
          message:
            'Unrecognized request URL (GET: /v1/charges). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
        },
      });
    });
  });

  describe('POST /v1/accounts/:id/login_links', () => {
    it('creates a single-use Express dashboard link', async () => {
      const accountId = await connect(emulator, 'express');

      const link = await stripe.accounts.createLoginLink(accountId);
      const first = await httpCall(link.url);
      const second = await httpCall(link.url);

      expect({ object: link.object, created: link.created, url: link.url }).toEqual({
        object: 'login_link',
        created: expect.any(Number),
        url: expect.stringMatching(new RegExp(`^${emulator.url}/express/login/[A-Za-z0-9]{24}$`)),
      });
      expect(first.status).toBe(200);
      expect(first.text).toContain(`Express dashboard for ${accountId}`);
      expect(second.status).toBe(404);
    });

    it('refuses a Standard account with StripeInvalidRequestError', async () => {
      const accountId = await connect(emulator, 'standard');

      const result = stripe.accounts.createLoginLink(accountId);

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      await expect(result).rejects.toMatchObject({
        statusCode: 400,
        message: `Cannot create an edit link for the account ${accountId}, which does not have access to the Express Dashboard.`,
      });
    });

    it('takes no parameter but expand, as stripe-node documents (AccountCreateLoginLinkParams): redirect_url is gone', async () => {
      const accountId = await connect(emulator, 'express');

      const result = stripe.accounts.createLoginLink(accountId, {
        redirect_url: 'https://platform.example/back',
      } as Stripe.AccountCreateLoginLinkParams);

      await expect(result).rejects.toMatchObject(unknownParameterError('redirect_url'));
      expect((await stripe.accounts.createLoginLink(accountId, { expand: [] })).object).toBe('login_link');
    });

    it('refuses an account that is not connected with StripePermissionError', async () => {
      const result = stripe.accounts.createLoginLink('acct_unknown0000000');

      await expect(result).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
      await expect(result).rejects.toMatchObject({
        statusCode: 403,
        code: 'account_invalid',
        message: `The provided key 'sk_test_${'*'.repeat(SECRET_KEY.length - 12)}1234' does not have access to account 'acct_unknown0000000' (or that account does not exist). Application access may have been revoked.`,
      });
    });
  });

  describe('decide with an existing account', () => {
    it('reconnects an existing account instead of creating one', async () => {
      const accountId = await connect(emulator, 'standard');
      await stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: accountId });

      const location = await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow', { accountId });
      const token = await stripe.oauth.token({ grant_type: 'authorization_code', code: codeFrom(location) });

      expect(token.stripe_user_id).toBe(accountId);
      expect((await stripe.accounts.retrieve(accountId)).id).toBe(accountId);
    });

    it('throws when the existing account is unknown', async () => {
      await expect(
        emulator.decide(authorizeUrl(emulator, 'standard'), 'allow', { accountId: 'acct_nope' }),
      ).rejects.toThrow(/No such account: acct_nope/);
    });
  });
});
