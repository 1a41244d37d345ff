import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import {
  authorizeUrl,
  CLIENT_ID,
  codeFrom,
  httpCall,
  SECRET_KEY,
  startTestEmulator,
  WEBHOOK_SECRET,
  WebhookReceiver,
} from '../emulator/helpers';
import { type Presence, shapes } from './stripe-shapes';

/**
 * Records what the emulator really answers and sends (raw HTTP bodies and webhook bodies, not SDK
 * objects) and checks every object's keys against the stripe-node type it stands for: a key the type
 * lacks, or one Stripe always sends that is missing, fails.
 */

type JsonObject = Record<string, unknown>;

const keyProblems = (what: string, value: unknown, shape: Readonly<Record<string, Presence>>) => {
  if (typeof value !== 'object' || value === null) return [`${what} is not an object`];
  const keys = Object.keys(value);
  const entries = Object.entries(shape);
  const missing = entries.filter(([key, p]) => p === 'always' && !keys.includes(key)).map(([key]) => key);
  const allowed = new Set(entries.filter(([, p]) => !p.startsWith('never')).map(([key]) => key));
  const unknown = keys.filter((key) => !allowed.has(key));
  return [
    ...missing.map((key) => `${what}.${key} is missing`),
    ...unknown.map((key) => `${what}.${key} is not sent by Stripe`),
  ];
};

const accountProblems = (what: string, account: JsonObject) => [
  ...keyProblems(what, account, shapes.account),
  ...keyProblems(`${what}.business_profile`, account.business_profile, shapes.businessProfile),
  ...keyProblems(`${what}.requirements`, account.requirements, shapes.requirements),
  ...keyProblems(`${what}.future_requirements`, account.future_requirements, shapes.futureRequirements),
  ...keyProblems(`${what}.controller`, account.controller, shapes.controller),
  ...keyProblems(`${what}.settings`, account.settings, shapes.settings),
  ...keyProblems(`${what}.tos_acceptance`, account.tos_acceptance, shapes.tosAcceptance),
  ...Object.entries(account.capabilities as JsonObject)
    .filter(([, status]) => !['active', 'inactive', 'pending'].includes(String(status)))
    .map(([name, status]) => `${what}.capabilities.${name} is ${String(status)}, a value Stripe never sends`),
];

const capabilityProblems = (what: string, capability: JsonObject) => [
  ...keyProblems(what, capability, shapes.capability),
  ...keyProblems(`${what}.requirements`, capability.requirements, shapes.requirements),
  ...keyProblems(`${what}.future_requirements`, capability.future_requirements, shapes.futureRequirements),
];

const eventProblems = (event: JsonObject) => {
  const what = `event ${String(event.type)}`;
  const data = event.data as JsonObject;
  const object = data.object as JsonObject;
  const objectProblems =
    object.object === 'account'
      ? accountProblems(`${what} data.object`, object)
      : object.object === 'capability'
        ? capabilityProblems(`${what} data.object`, object)
        : keyProblems(`${what} data.object`, object, shapes.application);
  return [
    ...keyProblems(what, event, shapes.event),
    ...keyProblems(`${what} data`, data, shapes.eventData),
    ...keyProblems(`${what} request`, event.request, shapes.eventRequest),
    ...objectProblems,
  ];
};

describe('fidelity: what the emulator answers and sends has the keys of the stripe-node types', () => {
  let emulator: StripeEmulator;
  let receiver: WebhookReceiver;
  const answers: { what: string; status: number; body: JsonObject }[] = [];

  const call = async (what: string, method: string, path: string, body?: string, key = SECRET_KEY) => {
    const res = await httpCall(`${emulator.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      ...(body !== undefined ? { body } : {}),
    });
    const answer = { what, status: res.status, body: JSON.parse(res.text) as JsonObject };
    answers.push(answer);
    return answer.body;
  };
  const code = async (flow: 'standard' | 'express', params: Record<string, string | string[]>) =>
    codeFrom(await emulator.decide(authorizeUrl(emulator, flow, params), 'allow'));

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    emulator = await startTestEmulator({ webhookEndpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }] });
    const standardCode = await code('standard', {
      'stripe_user[email]': 'jo@example.com',
      'stripe_user[business_type]': 'llc',
      'stripe_user[business_name]': 'Jo Shop',
    });
    const standard = await call(
      'token (standard)',
      'POST',
      '/oauth/token',
      `grant_type=authorization_code&code=${standardCode}`,
    );
    const expressCode = await code('express', { 'suggested_capabilities[]': ['transfers'] });
    const express = await call(
      'token (express, asserted)',
      'POST',
      '/oauth/token',
      `grant_type=authorization_code&code=${expressCode}&assert_capabilities[]=transfers`,
    );
    await call(
      'token (refresh)',
      'POST',
      '/oauth/token',
      `grant_type=refresh_token&refresh_token=${String(standard.refresh_token)}`,
    );
    const standardId = String(standard.stripe_user_id);
    const expressId = String(express.stripe_user_id);
    await call('account (standard)', 'GET', `/v1/accounts/${standardId}`);
    await call('account (express)', 'GET', `/v1/accounts/${expressId}`);
    await call('login_link', 'POST', `/v1/accounts/${expressId}/login_links`);
    const created = await call(
      'account (created, express)',
      'POST',
      '/v1/accounts',
      'controller[stripe_dashboard][type]=express&controller[fees][payer]=application&controller[losses][payments]=application&capabilities[transfers][requested]=true',
    );
    await call(
      'Account Link',
      'POST',
      '/v1/account_links',
      `account=${String(created.id)}&type=account_onboarding&refresh_url=https://platform.example/r&return_url=https://platform.example/b`,
    );
    await call(
      'Account Session',
      'POST',
      '/v1/account_sessions',
      `account=${String(created.id)}&components[account_onboarding][enabled]=true`,
    );
    await call('error: bad key', 'GET', `/v1/accounts/${expressId}`, undefined, 'sk_test_wrong000000000000000000000');
    await call('error: no access', 'GET', '/v1/accounts/acct_unknown000000000');
    await call('error: unknown URL', 'GET', '/v1/nothing');
    await call('error: login link for Standard', 'POST', `/v1/accounts/${standardId}/login_links`);
    for (const mode of ['server_error', 'rate_limit', 'lock_timeout'] as const) {
      emulator.injectFault({ method: 'GET', path: `/v1/accounts/${expressId}`, mode });
      await call(`error: ${mode}`, 'GET', `/v1/accounts/${expressId}`);
    }
    await call('oauth error: unknown code', 'POST', '/oauth/token', 'grant_type=authorization_code&code=ac_nope');
    await call('oauth error: grant type', 'POST', '/oauth/token', 'grant_type=password');
    await call(
      'oauth error: assert',
      'POST',
      '/oauth/token',
      `grant_type=authorization_code&code=${await code('express', {})}&assert_capabilities[]=card_issuing`,
    );
    await call(
      'oauth error: Express deauthorize',
      'POST',
      '/oauth/deauthorize',
      `client_id=${CLIENT_ID}&stripe_user_id=${expressId}`,
    );
    await emulator.updateAccount(expressId, { capabilities: { transfers: 'inactive' }, payouts_enabled: false });
    await emulator.trigger('account.application.deauthorized', standardId);
    // Eight: the account.updated and capability.updated Stripe sends for the account created above are two of them.
    await emulator.waitForDeliveries(8);
  });

  afterAll(async () => {
    await emulator?.close();
    await receiver?.close();
  });

  it('answers accounts that are complete Stripe.Account objects', () => {
    const accounts = answers.filter((a) => a.what.startsWith('account'));
    expect(accounts).toHaveLength(3);
    expect(accounts.flatMap((a) => accountProblems(a.what, a.body))).toEqual([]);
  });

  it('answers an Account Link and an Account Session that are complete Stripe objects', () => {
    const [link] = answers.filter((a) => a.what === 'Account Link');
    const [session] = answers.filter((a) => a.what === 'Account Session');
    expect([link?.status, session?.status]).toEqual([200, 200]);
    expect(keyProblems('account_link', link?.body, shapes.accountLink)).toEqual([]);
    expect(keyProblems('account_session', session?.body, shapes.accountSession)).toEqual([]);
  });

  it('answers a login link that is a complete Stripe.LoginLink', () => {
    const [link] = answers.filter((a) => a.what === 'login_link');
    expect(keyProblems('login_link', link?.body, shapes.loginLink)).toEqual([]);
  });

  it('answers OAuth tokens that are complete Stripe.OAuthToken objects (plus the documented capabilities after an assert)', () => {
    const tokens = answers.filter((a) => a.what.startsWith('token'));
    expect(tokens.map((a) => a.status)).toEqual([200, 200, 200]);
    const asserted = { ...shapes.oauthToken, capabilities: 'when assert_capabilities passed' } as const;
    expect(
      tokens.flatMap((a) => keyProblems(a.what, a.body, a.what.includes('asserted') ? asserted : shapes.oauthToken)),
    ).toEqual([]);
    expect(tokens.find((a) => a.what.includes('asserted'))?.body.capabilities).toBe('transfers');
  });

  it('answers API errors whose error object has the keys stripe-node reads', () => {
    const errors = answers.filter((a) => a.what.startsWith('error:'));
    expect(errors.map((a) => a.status)).toEqual([401, 403, 404, 400, 500, 429, 429]);
    expect(
      errors.flatMap((a) => [
        ...keyProblems(a.what, a.body, { error: 'always' }),
        ...keyProblems(`${a.what} error`, a.body.error, shapes.apiError),
      ]),
    ).toEqual([]);
  });

  it('answers OAuth errors as { error, error_description }', () => {
    const errors = answers.filter((a) => a.what.startsWith('oauth error:'));
    expect(errors.map((a) => [a.status, a.body.error])).toEqual([
      [400, 'invalid_grant'],
      [400, 'unsupported_grant_type'],
      [400, 'invalid_request'],
      [400, 'invalid_client'],
    ]);
    expect(errors.flatMap((a) => keyProblems(a.what, a.body, shapes.oauthError))).toEqual([]);
  });

  it('sends events whose envelope and data.object are complete stripe-node objects', () => {
    const events = receiver.received.map((r) => JSON.parse(r.body) as JsonObject);
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        'account.application.authorized',
        'account.application.authorized',
        'account.application.authorized',
        'account.application.deauthorized',
        'account.updated',
        'account.updated',
        'capability.updated',
        'capability.updated',
        ...(events.length > 8 ? ['account.application.deauthorized'] : []),
      ].sort(),
    );
    expect(events.flatMap(eventProblems)).toEqual([]);
  });
});
