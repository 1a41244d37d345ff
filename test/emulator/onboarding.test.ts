import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import {
  CLIENT_ID,
  httpCall,
  startTestEmulator,
  stripeFor,
  unknownParameterError,
  WEBHOOK_SECRET,
  WebhookReceiver,
} from './helpers';

const RETURN_URL = 'https://platform.example/connect/onboard/return?resume=r1';
const REFRESH_URL = 'https://platform.example/connect/onboard/refresh?resume=r1';

const expressController = {
  stripe_dashboard: { type: 'express' },
  fees: { payer: 'application' },
  losses: { payments: 'application' },
  requirement_collection: 'stripe',
} as const;

/** Strips stripe-node's non-enumerable-looking extras so whole objects can be compared. */
const plain = <T extends object>(value: T): Omit<T, 'lastResponse'> => {
  const { lastResponse: _ignored, ...rest } = value as T & { lastResponse?: unknown };
  return rest;
};

const sessionFrom = (html: string): string => {
  const session = /name="session" value="([^"]+)"/.exec(html)?.[1];
  if (!session) throw new Error(`No onboarding session in ${html}`);
  return session;
};

describe('StripeEmulator onboarding (Accounts API, Account Links, Account Sessions)', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: WebhookReceiver;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse('2026-11-24T10:00:00Z');
    receiver = await WebhookReceiver.start();
    emulator = await startTestEmulator({
      now: () => clock,
      webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
    });
    stripe = stripeFor(emulator);
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  const decide = (html: string, decision: 'submit' | 'later') =>
    httpCall(`${emulator.url}/setup/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: sessionFrom(html), decision, business_name: 'Jo Crafts' }).toString(),
    });

  const newLink = (account: string, type: 'account_onboarding' | 'account_update' = 'account_onboarding') =>
    stripe.accountLinks.create({ account, type, refresh_url: REFRESH_URL, return_url: RETURN_URL });

  describe('POST /v1/accounts', () => {
    it('creates an Express-dashboard account from controller properties, not yet onboarded', async () => {
      const account = await stripe.accounts.create({
        controller: expressController,
        country: 'GB',
        email: 'jo@example.com',
        capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      });

      // Every key of a Stripe.Account is checked by test/fidelity; here, what creating one decides.
      expect(plain(account)).toMatchObject({
        id: expect.stringMatching(/^acct_[A-Za-z0-9]{16}$/),
        object: 'account',
        type: 'express',
        business_profile: { name: null, url: null, product_description: null, support_email: null },
        business_type: null,
        capabilities: { card_payments: 'inactive', transfers: 'inactive' },
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        controller: { type: 'application', is_controller: true, ...expressController },
        country: 'GB',
        default_currency: 'gbp',
        created: Math.floor(clock / 1000),
        email: 'jo@example.com',
        metadata: {},
        // The owner has not accepted Stripe's service agreement yet.
        tos_acceptance: { date: null, ip: null, user_agent: null },
        requirements: {
          currently_due: expect.arrayContaining(['external_account', 'tos_acceptance.date']),
          eventually_due: expect.arrayContaining(['external_account']),
          past_due: expect.arrayContaining(['external_account']),
          pending_verification: [],
          disabled_reason: 'requirements.past_due',
          current_deadline: null,
          alternatives: [],
          errors: [],
        },
      });
      expect((await stripe.accounts.retrieve(account.id)).id).toBe(account.id);
    });

    it('creates a full-Dashboard (Standard) account when the dashboard is full, its default', async () => {
      const full = await stripe.accounts.create({ controller: { stripe_dashboard: { type: 'full' } } });
      const bare = await stripe.accounts.create({});

      for (const account of [full, bare]) {
        expect({ type: account.type, controller: account.controller }).toEqual({
          type: 'standard',
          controller: {
            type: 'application',
            is_controller: true,
            stripe_dashboard: { type: 'full' },
            fees: { payer: 'account' },
            losses: { payments: 'stripe' },
            requirement_collection: 'stripe',
          },
        });
      }
    });

    it('defaults fees and losses to the account and Stripe whatever the dashboard, as stripe-node documents, and refuses losses on the application when the account pays the fees', async () => {
      const lossesOnly = await stripe.accounts
        .create({ controller: { stripe_dashboard: { type: 'express' }, losses: { payments: 'application' } } })
        .catch((error: unknown) => error);
      const standardLike = await stripe.accounts.create({
        controller: { fees: { payer: 'account' }, losses: { payments: 'stripe' } },
      });

      expect(lossesOnly).toMatchObject({ statusCode: 400, param: 'controller[losses][payments]' });
      expect(standardLike.controller).toMatchObject({ stripe_dashboard: { type: 'full' } });
    });

    it.each([
      ['on the platform, at its pricing', 'application'],
      ["on the account, at Stripe's pricing", 'account'],
    ] as const)("creates an Express account whose losses are Stripe's, with fees %s", async (_, payer) => {
      const account = await stripe.accounts.create({
        controller: {
          stripe_dashboard: { type: 'express' },
          fees: { payer },
          losses: { payments: 'stripe' },
          requirement_collection: 'stripe',
        },
      });

      expect({ type: account.type, controller: account.controller }).toEqual({
        type: 'express',
        controller: {
          type: 'application',
          is_controller: true,
          stripe_dashboard: { type: 'express' },
          fees: { payer },
          losses: { payments: 'stripe' },
          requirement_collection: 'stripe',
        },
      });
    });

    it('still accepts the deprecated type parameter', async () => {
      const account = await stripe.accounts.create({ type: 'express' });

      expect(account.controller).toMatchObject({
        stripe_dashboard: { type: 'express' },
        fees: { payer: 'application_express' },
        losses: { payments: 'application' },
      });
    });

    it('refuses type together with controller, unknown parameters and impossible combinations, naming the param', async () => {
      const both = stripe.accounts.create({ type: 'express', controller: expressController });
      const unknown = stripe.accounts.create({ colour: 'blue' } as Stripe.AccountCreateParams);
      const impossible = stripe.accounts.create({
        controller: { stripe_dashboard: { type: 'express' }, requirement_collection: 'application' },
      });

      await expect(both).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        param: 'type',
        message: 'You cannot specify both `type` and `controller`: use controller properties only.',
      });
      await expect(unknown).rejects.toMatchObject({ param: 'colour', message: 'Received unknown parameter: colour' });
      await expect(impossible).rejects.toMatchObject({
        statusCode: 400,
        param: 'controller[requirement_collection]',
      });
    });
    it('says which documented parameters it does not model, instead of calling them unknown', async () => {
      const create = (params: Partial<Stripe.AccountCreateParams>) =>
        stripe.accounts.create({ controller: expressController, ...params });
      const documented: [Partial<Stripe.AccountCreateParams>, string][] = [
        [{ settings: { payouts: { debit_negative_balances: true } } }, 'settings[payouts][debit_negative_balances]'],
        [{ tos_acceptance: { service_agreement: 'recipient' } }, 'tos_acceptance[service_agreement]'],
        [{ individual: { first_name: 'Jo' } }, 'individual[first_name]'],
        [{ company: { name: 'Jo Ltd' } }, 'company[name]'],
        [{ external_account: 'btok_1' }, 'external_account'],
        [{ account_token: 'ct_1' }, 'account_token'],
      ];

      for (const [params, param] of documented) {
        await expect(create(params)).rejects.toMatchObject({
          statusCode: 400,
          param,
          message: expect.stringContaining(`The local Stripe emulator does not model ${param}`),
        });
      }
    });

    it('takes only the controller properties stripe-node documents, and no business_profile it would drop', async () => {
      const create = (params: Record<string, unknown>) =>
        stripe.accounts.create({ controller: expressController, ...params } as Stripe.AccountCreateParams);
      // `expand`, which every endpoint takes, is no unknown parameter.
      expect((await create({ expand: ['capabilities'] })).object).toBe('account');
      // AccountCreateParams.Controller: fees.payer, losses.payments, requirement_collection, stripe_dashboard.type only.
      const unknown: [Record<string, unknown>, string][] = [
        [{ controller: { ...expressController, is_controller: true } }, 'controller[is_controller]'],
        [
          { controller: { ...expressController, fees: { payer: 'application', bogus: 'x' } } },
          'controller[fees][bogus]',
        ],
        [
          { controller: { ...expressController, application: { loss_liable: true } } },
          'controller[application][loss_liable]',
        ],
      ];

      for (const [params, param] of unknown) {
        await expect(create(params)).rejects.toMatchObject(unknownParameterError(param));
      }
      // Stripe keeps a business_profile it is given; the emulator would answer it null, so it says it does not model it.
      await expect(create({ business_profile: { url: 'https://jo.example' } })).rejects.toMatchObject({
        statusCode: 400,
        param: 'business_profile[url]',
        message: expect.stringContaining('The local Stripe emulator does not model business_profile[url]'),
      });
    });

    it('refuses a business_type, country or default_currency stripe-node does not document, naming the param', async () => {
      const create = (params: Partial<Stripe.AccountCreateParams>) =>
        stripe.accounts.create({ controller: expressController, ...params });

      await expect(create({ business_type: 'bogus' as 'company' })).rejects.toMatchObject({ param: 'business_type' });
      await expect(create({ country: 'ZZZ' })).rejects.toMatchObject({ param: 'country' });
      await expect(create({ default_currency: 'euro' })).rejects.toMatchObject({ param: 'default_currency' });
      await expect(
        create({ business_type: 'non_profit', country: 'FR', default_currency: 'eur' }),
      ).resolves.toMatchObject({
        object: 'account',
      });
    });
  });

  describe("the new account's own events", () => {
    it('sends an account.updated with the account as it was created and a capability.updated per requested capability, signed, once per account: an idempotent replay sends none', async () => {
      const params = { controller: expressController, capabilities: { transfers: { requested: true } } };
      const created = await stripe.accounts.create(params, { idempotencyKey: 'create-once' });
      await stripe.accounts.create(params, { idempotencyKey: 'create-once' });
      await emulator.webhooksIdle();

      const events = receiver.received.map((delivery) =>
        stripe.webhooks.constructEvent(
          delivery.body,
          String(delivery.headers['stripe-signature']),
          WEBHOOK_SECRET,
          300,
          undefined,
          Math.floor(clock / 1000),
        ),
      );
      expect(events.map((sent) => sent.type).sort()).toEqual(['account.updated', 'capability.updated']);
      const event = events.find((sent) => sent.type === 'account.updated');
      const capabilityEvent = events.find((sent) => sent.type === 'capability.updated');
      const capability = capabilityEvent?.data.object as Stripe.Capability;
      expect({
        type: capabilityEvent?.type,
        account: capabilityEvent?.account,
        capability: [capability.id, capability.account, capability.status, capability.requested_at],
      }).toEqual({
        type: 'capability.updated',
        account: created.id,
        capability: ['transfers', created.id, 'inactive', Math.floor(clock / 1000)],
      });
      if (!event) throw new Error('no account.updated');
      const account = event.data.object as Stripe.Account;
      // An inactive capability says what it waits for: the fields due, and why it is disabled.
      expect(capability.requirements).toMatchObject({
        currently_due: account.requirements?.currently_due,
        past_due: account.requirements?.past_due,
        eventually_due: account.requirements?.eventually_due,
        disabled_reason: 'requirements.fields_needed',
      });
      expect(capability.requirements?.past_due).not.toEqual([]);
      // What changed from unrequested, as for any capability.updated.
      expect(capabilityEvent?.data.previous_attributes).toEqual({
        status: 'unrequested',
        requested: false,
        requested_at: null,
        requirements: { currently_due: [], disabled_reason: null, eventually_due: [], past_due: [] },
      });
      expect({
        type: event.type,
        account: event.account,
        created: event.created,
        id: account.id,
        details_submitted: account.details_submitted,
        transfers: account.capabilities?.transfers,
      }).toEqual({
        type: 'account.updated',
        account: created.id,
        created: Math.floor(clock / 1000),
        id: created.id,
        details_submitted: false,
        transfers: 'inactive',
      });
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and parameters, with Idempotent-Replayed', async () => {
      const params = { controller: expressController, email: 'jo@example.com' };

      const first = await stripe.accounts.create(params, { idempotencyKey: 'onboard-user_1-express-1' });
      const again = await stripe.accounts.create(params, { idempotencyKey: 'onboard-user_1-express-1' });

      expect(plain(again)).toEqual(plain(first));
      expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      expect(emulator.requestLog().filter((entry) => entry.path === '/v1/accounts')).toHaveLength(2);
    });

    it('refuses the same key with other parameters as an idempotency_error', async () => {
      await stripe.accounts.create({ controller: expressController }, { idempotencyKey: 'key-1' });

      const other = stripe.accounts.create(
        { controller: expressController, email: 'x@example.com' },
        { idempotencyKey: 'key-1' },
      );

      await expect(other).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      await expect(other).rejects.toMatchObject({
        statusCode: 400,
        message:
          "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'key-1' if you meant to execute a different request.",
      });
    });

    it('forgets a key after 24 hours', async () => {
      const first = await stripe.accounts.create({ controller: expressController }, { idempotencyKey: 'key-2' });
      clock += 24 * 60 * 60 * 1000;

      const later = await stripe.accounts.create({ controller: expressController }, { idempotencyKey: 'key-2' });

      expect(later.id).not.toBe(first.id);
    });

    it('saves nothing for a request refused while validating its parameters', async () => {
      await expect(
        stripe.accounts.create({ controller: { stripe_dashboard: { type: 'nope' } } }, { idempotencyKey: 'key-3' }),
      ).rejects.toMatchObject({ param: 'controller[stripe_dashboard][type]' });

      const account = await stripe.accounts.create({ controller: expressController }, { idempotencyKey: 'key-3' });

      expect(account.type).toBe('express');
    });
  });

  describe('POST /v1/account_links and the hosted onboarding page', () => {
    it("returns Stripe's account_link object, valid for five minutes", async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });

      const link = await newLink(id);

      expect(plain(link)).toEqual({
        object: 'account_link',
        created: Math.floor(clock / 1000),
        expires_at: Math.floor(clock / 1000) + 300,
        url: expect.stringMatching(new RegExp(`^${emulator.url}/setup/s/${id}/[A-Za-z0-9]{32}$`)),
      });
    });

    it('onboards the account on submit, sends a signed account.updated and returns to return_url', async () => {
      const { id } = await stripe.accounts.create({
        controller: expressController,
        capabilities: { transfers: { requested: true } },
      });
      const page = await httpCall((await newLink(id)).url);

      const submitted = await decide(page.text, 'submit');
      await emulator.webhooksIdle();

      expect(page.status).toBe(200);
      expect(page.text).toMatch(
        /<button type="submit" id="submit" name="decision" value="submit">Agree and submit<\/button>/,
      );
      expect({ status: submitted.status, location: submitted.headers.location }).toEqual({
        status: 302,
        location: RETURN_URL,
      });
      const account = await stripe.accounts.retrieve(id);
      expect({
        details_submitted: account.details_submitted,
        charges_enabled: account.charges_enabled,
        payouts_enabled: account.payouts_enabled,
        capabilities: account.capabilities,
        currently_due: account.requirements?.currently_due,
        disabled_reason: account.requirements?.disabled_reason,
        name: account.business_profile?.name,
        accepted: account.tos_acceptance?.date,
      }).toEqual({
        details_submitted: true,
        charges_enabled: true,
        payouts_enabled: true,
        capabilities: { transfers: 'active' },
        currently_due: [],
        disabled_reason: null,
        name: 'Jo Crafts',
        accepted: Math.floor(clock / 1000),
      });
      // The submit's account.updated, not the one Stripe sends on its own for a new account (tested above).
      const delivery = receiver.received.find((received) => {
        const sent = JSON.parse(received.body) as Stripe.Event;
        return sent.type === 'account.updated' && sent.data.object.details_submitted === true;
      });
      const event = stripe.webhooks.constructEvent(
        delivery?.body ?? '',
        String(delivery?.headers['stripe-signature']),
        WEBHOOK_SECRET,
        300,
        undefined,
        Math.floor(clock / 1000),
      );
      expect({
        type: event.type,
        account: event.account,
        submitted: (event.data.object as Stripe.Account).details_submitted,
      }).toEqual({ type: 'account.updated', account: id, submitted: true });
      expect((await stripe.accounts.createLoginLink(id)).object).toBe('login_link');
    });

    it('leaves the account as it was on "Save for later" and still returns to return_url', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const page = await httpCall((await newLink(id)).url);

      const left = await decide(page.text, 'later');

      expect({ status: left.status, location: left.headers.location }).toEqual({ status: 302, location: RETURN_URL });
      expect((await stripe.accounts.retrieve(id)).details_submitted).toBe(false);
      await emulator.webhooksIdle();
      // Only the account.updated of its creation: nothing changed since.
      expect(emulator.deliveries().map((delivery) => [delivery.type, delivery.account])).toEqual([
        ['account.updated', id],
      ]);
    });

    it('sends a link opened a second time to refresh_url, and refuses a second submit of the same page', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const link = await newLink(id);
      const page = await httpCall(link.url);
      await decide(page.text, 'later');

      const reopened = await httpCall(link.url);
      const resubmitted = await decide(page.text, 'submit');

      expect({ status: reopened.status, location: reopened.headers.location }).toEqual({
        status: 302,
        location: REFRESH_URL,
      });
      expect(resubmitted.status).toBe(400);
      expect((await stripe.accounts.retrieve(id)).details_submitted).toBe(false);
    });

    it('sends an expired link to refresh_url', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const link = await newLink(id);
      clock += 300_000;

      const opened = await httpCall(link.url);

      expect({ status: opened.status, location: opened.headers.location }).toEqual({
        status: 302,
        location: REFRESH_URL,
      });
    });

    it('requires refresh_url and return_url, as the API reference marks them, and a documented future_requirements', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const create = (params: Partial<Stripe.AccountLinkCreateParams>) =>
        stripe.accountLinks.create({ account: id, type: 'account_onboarding', ...params });

      await expect(create({ return_url: RETURN_URL })).rejects.toMatchObject({ param: 'refresh_url' });
      await expect(create({ refresh_url: REFRESH_URL })).rejects.toMatchObject({ param: 'return_url' });
      await expect(
        create({
          refresh_url: REFRESH_URL,
          return_url: RETURN_URL,
          collection_options: { fields: 'eventually_due', future_requirements: 'always' as 'include' },
        }),
      ).rejects.toMatchObject({ param: 'collection_options[future_requirements]' });
    });

    it('refuses fields it does not know, naming the parameter sent: collection_options[fields] or the deprecated collect', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const create = (params: Partial<Stripe.AccountLinkCreateParams>) =>
        stripe.accountLinks.create({
          account: id,
          type: 'account_onboarding',
          refresh_url: REFRESH_URL,
          return_url: RETURN_URL,
          ...params,
        });

      await expect(create({ collect: 'everything' as 'currently_due' })).rejects.toMatchObject({ param: 'collect' });
      await expect(create({ collection_options: { fields: 'everything' as 'currently_due' } })).rejects.toMatchObject({
        param: 'collection_options[fields]',
      });
      await expect(create({ collect: 'eventually_due' })).resolves.toMatchObject({ object: 'account_link' });
    });

    it('refuses account_update for an account with a Stripe-hosted Dashboard in the words Stripe answers, and unknown accounts', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });

      // Quoted from Stripe's answer to a platform in a stripe-node issue: the types this account may use.
      await expect(newLink(id, 'account_update')).rejects.toMatchObject({
        statusCode: 400,
        param: 'type',
        message: 'Invalid type: must be one of ["account_onboarding"]',
      });
      await expect(newLink('acct_unknown000000')).rejects.toMatchObject({
        statusCode: 400,
        code: 'resource_missing',
        message: "No such account: 'acct_unknown000000'",
      });
    });

    it('refuses to disconnect an account the platform created (no_deauth_on_controlled_account)', async () => {
      const { id } = await stripe.accounts.create({ controller: { stripe_dashboard: { type: 'full' } } });

      const result = stripe.oauth.deauthorize({ client_id: CLIENT_ID, stripe_user_id: id });

      await expect(result).rejects.toMatchObject({
        message: expect.stringMatching(/^no_deauth_on_controlled_account: /),
      });
    });
  });

  describe('POST /v1/account_sessions', () => {
    it("returns Stripe's account_session object with every documented component", async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });

      const session = await stripe.accountSessions.create({
        account: id,
        components: { account_onboarding: { enabled: true, features: { external_account_collection: true } } },
      });

      expect(plain(session)).toMatchObject({
        object: 'account_session',
        account: id,
        client_secret: expect.stringMatching(/^accs_secret__[A-Za-z0-9]{48}$/),
        expires_at: Math.floor(clock / 1000) + 1800,
        livemode: false,
      });
      expect(Object.keys(session.components)).toHaveLength(25);
      expect(session.components.account_onboarding).toEqual({
        enabled: true,
        features: { disable_stripe_user_authentication: false, external_account_collection: true },
      });
      expect(session.components.payments.enabled).toBe(false);
    });

    it("reports the defaults stripe-node documents for features the request left out, by the account's controller", async () => {
      const express = await stripe.accounts.create({ controller: expressController });
      const standard = await stripe.accounts.create({ controller: { stripe_dashboard: { type: 'full' } } });
      const components = {
        payments: { enabled: true },
        payouts: { enabled: true },
        disputes_list: { enabled: true, features: { dispute_management: false } },
      };

      const [forExpress, forStandard] = await Promise.all(
        [express, standard].map(({ id }) => stripe.accountSessions.create({ account: id, components })),
      );

      // Capturing, disputes and refunds are on unless turned off; smart disputes follow dispute_management.
      expect(forExpress?.components.payments.features).toEqual({
        capture_payments: true,
        destination_on_behalf_of_charge_management: false,
        dispute_management: true,
        refund_management: true,
        smart_disputes_management: true,
      });
      expect(forExpress?.components.disputes_list.features).toMatchObject({
        dispute_management: false,
        smart_disputes_management: false,
      });
      // Payout schedule and payouts are on by default only where Stripe bears the losses (the full Dashboard's).
      expect([forExpress, forStandard].map((session) => session?.components.payouts.features)).toEqual([
        {
          disable_stripe_user_authentication: false,
          edit_payout_schedule: false,
          external_account_collection: true,
          instant_payouts: false,
          standard_payouts: false,
        },
        {
          disable_stripe_user_authentication: false,
          edit_payout_schedule: true,
          external_account_collection: true,
          instant_payouts: true,
          standard_payouts: true,
        },
      ]);
    });

    it('refuses what only an account whose requirements the platform collects may have', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const create = (features: Stripe.AccountSessionCreateParams.Components.AccountOnboarding.Features) =>
        stripe.accountSessions.create({ account: id, components: { account_onboarding: { enabled: true, features } } });

      await expect(create({ disable_stripe_user_authentication: true })).rejects.toMatchObject({
        statusCode: 400,
        param: 'components[account_onboarding][features][disable_stripe_user_authentication]',
      });
      await expect(create({ external_account_collection: false })).rejects.toMatchObject({
        statusCode: 400,
        param: 'components[account_onboarding][features][external_account_collection]',
      });
      await expect(
        create({ disable_stripe_user_authentication: false, external_account_collection: true }),
      ).resolves.toMatchObject({ object: 'account_session' });
    });

    it('refuses unknown components and features, a missing enabled and a session that enables nothing', async () => {
      const { id } = await stripe.accounts.create({ controller: expressController });
      const create = (components: object) =>
        stripe.accountSessions.create({ account: id, components } as Stripe.AccountSessionCreateParams);

      await expect(create({ wallet: { enabled: true } })).rejects.toMatchObject({
        param: 'components[wallet]',
        message: 'Received unknown parameter: components[wallet]',
      });
      await expect(create({ payments: { enabled: true, features: { teleport: true } } })).rejects.toMatchObject({
        message: 'Received unknown parameter: components[payments][features][teleport]',
      });
      await expect(create({ payments: { features: { refund_management: true } } })).rejects.toMatchObject({
        message: 'Missing required param: components[payments][enabled].',
      });
      await expect(create({ payments: { enabled: false } })).rejects.toMatchObject({
        message: 'You must enable at least one embedded component.',
      });
    });
  });
});

describe('StripeEmulator > Account Links in live mode', () => {
  it('refuses http refresh and return URLs with a live key, as Stripe does, and takes https ones', async () => {
    const liveKey = 'sk_live_emulator0live0key00000000';
    const live = await startTestEmulator({ secretKey: liveKey });
    try {
      const stripe = stripeFor(live, liveKey);
      const { id } = await stripe.accounts.create({ controller: expressController });
      const link = (refresh_url: string, return_url: string) =>
        stripe.accountLinks.create({ account: id, type: 'account_onboarding', refresh_url, return_url });
      const refused = { statusCode: 400, message: 'Livemode requests must always be redirected via HTTPS.' };

      await expect(link(REFRESH_URL.replace('https:', 'http:'), RETURN_URL)).rejects.toMatchObject({
        ...refused,
        param: 'refresh_url',
      });
      await expect(link(REFRESH_URL, RETURN_URL.replace('https:', 'http:'))).rejects.toMatchObject({
        ...refused,
        param: 'return_url',
      });
      await expect(link(REFRESH_URL, RETURN_URL)).resolves.toMatchObject({ object: 'account_link' });
    } finally {
      await live.close();
    }
  });
});
