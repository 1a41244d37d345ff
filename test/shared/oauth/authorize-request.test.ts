import { describe, expect, it } from 'vitest';
import { parseAuthorizeRequest } from '../../../shared/oauth/authorize-request';
import { buildAuthorizeUrl } from '../../../shared/oauth/authorize-url';

const parse = (query: string) => parseAuthorizeRequest(query, ['https://app.example.com']);

describe('parseAuthorizeRequest', () => {
  it('reads a complete Standard request', () => {
    expect(
      parse(
        'type=standard&ticket=t&stripe_user[email]=a%40b.co&stripe_user[country]=US&stripe_landing=login&always_prompt=true&return_to=https%3A%2F%2Fapp.example.com%2Fdone',
      ),
    ).toEqual({
      flow: 'standard',
      ticket: 't',
      stripeUser: { email: 'a@b.co', country: 'US' },
      suggestedCapabilities: [],
      returnTo: 'https://app.example.com/done',
      stripeLanding: 'login',
      alwaysPrompt: true,
    });
  });

  it('reads repeated suggested_capabilities[] for Express, without duplicates', () => {
    expect(
      parse(
        'type=express&ticket=t&suggested_capabilities[]=transfers&suggested_capabilities[]=transfers&suggested_capabilities[]=card_payments',
      ).suggestedCapabilities,
    ).toEqual(['transfers', 'card_payments']);
  });

  it.each([
    ['ticket=t', 'missing_parameter', 'The parameter type is required.'],
    ['type=custom&ticket=t', 'invalid_parameter', 'type must be standard or express.'],
    ['type=standard&type=express&ticket=t', 'duplicate_parameter', 'The parameter type was given more than once.'],
    [
      'type=standard&ticket=t&suggested_capabilities[]=transfers',
      'invalid_parameter',
      'suggested_capabilities[] applies to Express accounts only.',
    ],
    [
      'type=express&ticket=t&suggested_capabilities[]=Bad-Name',
      'invalid_parameter',
      'suggested_capabilities[] must be capability names such as card_payments or transfers.',
    ],
    [
      'type=express&ticket=t&stripe_landing=login',
      'invalid_parameter',
      'stripe_landing and always_prompt apply to Standard accounts only.',
    ],
    [
      'type=express&ticket=t&stripe_user[currency]=usd',
      'invalid_stripe_user',
      'stripe_user[currency] applies to Standard accounts only.',
    ],
    [
      'type=standard&ticket=t&stripe_user[email]=nope',
      'invalid_stripe_user',
      'stripe_user[email] must be a valid email address.',
    ],
    [
      'type=standard&ticket=t&stripe_user[dob_day]=1',
      'invalid_stripe_user',
      'stripe_user[dob_day], [dob_month] and [dob_year] must be given together.',
    ],
    [
      'type=standard&ticket=t&stripe_user[business_name]=a%0Ab',
      'invalid_stripe_user',
      'stripe_user[business_name] must be 1 to 500 printable characters.',
    ],
    [
      'type=standard&ticket=t&stripe_user[constructor]=x',
      'invalid_stripe_user',
      expect.stringMatching(/^A stripe_user parameter names a field Stripe does not document \(allowed: email, url, /),
    ],
    [
      'type=standard&ticket=t&stripe_user[__proto__]=x',
      'invalid_stripe_user',
      expect.stringMatching(/^A stripe_user parameter names a field Stripe does not document /),
    ],
    [
      'type=standard&ticket=t&utm_source=x',
      'unknown_parameter',
      'The request has a parameter that /connect/authorize does not support. Supported: type, ticket, return_to, stripe_landing, always_prompt, suggested_capabilities[], stripe_user[...].',
    ],
    ['type=standard&ticket=%E0%A4%A', 'invalid_query', 'The query string is not valid percent-encoded UTF-8.'],
  ])('refuses %s', (query, code, message) => {
    expect(() => parse(query)).toThrowError(expect.objectContaining({ kind: 'invalid_request', code, message }));
  });
});

describe('buildAuthorizeUrl', () => {
  it('builds the Standard URL with response_type, scope and prefill', () => {
    const url = buildAuthorizeUrl({
      connectBase: 'https://connect.stripe.com',
      clientId: 'ca_1',
      state: 's',
      redirectUri: 'https://api.example.com/connect/callback',
      request: {
        flow: 'standard',
        stripeUser: { email: 'a@b.co' },
        suggestedCapabilities: [],
        stripeLanding: 'register',
        alwaysPrompt: false,
      },
    });
    expect(url).toBe(
      'https://connect.stripe.com/oauth/authorize?response_type=code&scope=read_write&client_id=ca_1&state=s&redirect_uri=https%3A%2F%2Fapi.example.com%2Fconnect%2Fcallback&stripe_landing=register&stripe_user%5Bemail%5D=a%40b.co',
    );
  });

  it('builds the Express URL without scope, with suggested capabilities', () => {
    const url = new URL(
      buildAuthorizeUrl({
        connectBase: 'http://127.0.0.1:12111',
        clientId: 'ca_1',
        state: 's',
        redirectUri: 'http://localhost:3000/connect/callback',
        request: {
          flow: 'express',
          stripeUser: {},
          suggestedCapabilities: ['transfers'],
          stripeLanding: undefined,
          alwaysPrompt: false,
        },
      }),
    );
    expect(url.href.split('?')[0]).toBe('http://127.0.0.1:12111/express/oauth/authorize');
    expect([...url.searchParams]).toEqual([
      ['client_id', 'ca_1'],
      ['state', 's'],
      ['redirect_uri', 'http://localhost:3000/connect/callback'],
      ['suggested_capabilities[]', 'transfers'],
    ]);
  });
});
