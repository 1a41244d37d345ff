import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuthorizeRequest } from '../../shared/oauth/authorize-request';
import { stripeUserFields } from '../../shared/oauth/stripe-user';

const parse = (query: string) => parseAuthorizeRequest(`ticket=t&${query}`, ['https://app.example.com']);

/**
 * stripe-node's declaration of `OAuthAuthorizeUrlParams.StripeUser`: each field with the comment Stripe
 * generated for it. The compiler already ties our field list to the type; the "Standard only" marker
 * lives in the comments, so it is read from there.
 */
const stripeNodeStripeUserComments = (): Map<string, string> => {
  const require = createRequire(import.meta.url);
  // require.resolve('stripe') is stripe-node's CommonJS entry, next to its resources/ declarations.
  const source = readFileSync(join(dirname(require.resolve('stripe')), 'resources', 'OAuth.d.ts'), 'utf8');
  const body = /interface StripeUser \{([\s\S]*?)\n {4}\}/.exec(source)?.[1];
  if (body === undefined) throw new Error('StripeUser not found in stripe-node OAuth.d.ts');
  const fields = new Map<string, string>();
  for (const match of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)\?: string;/g)) {
    fields.set(match[2] ?? '', match[1] ?? '');
  }
  return fields;
};

describe('stripe_user fields against stripe-node', () => {
  const comments = stripeNodeStripeUserComments();

  it('lists exactly the fields stripe-node declares', () => {
    expect(Object.keys(stripeUserFields).sort()).toEqual([...comments.keys()].sort());
  });

  it('marks Standard only exactly the fields stripe-node documents as "Standard only"', () => {
    const documented = [...comments].filter(([, comment]) => comment.includes('Standard only')).map(([f]) => f);
    const ours = Object.entries(stripeUserFields)
      .filter(([, rule]) => 'standardOnly' in rule && rule.standardOnly)
      .map(([field]) => field);
    expect(ours.sort()).toEqual(documented.sort());
  });
});

describe('parseAuthorizeRequest > stripe_user values per flow', () => {
  it.each([
    ['individual', 'individual'],
    ['company', 'company'],
  ])('accepts the Express business_type %s (Using OAuth with Express accounts)', (value) => {
    expect(parse(`type=express&stripe_user[business_type]=${value}`).stripeUser).toEqual({ business_type: value });
  });

  it.each(['sole_prop', 'corporation', 'non_profit', 'partnership', 'llc'])(
    'accepts the Standard business_type %s (Connect OAuth reference)',
    (value) => {
      expect(parse(`type=standard&stripe_user[business_type]=${value}`).stripeUser).toEqual({ business_type: value });
    },
  );

  it('accepts every Japanese address field for Standard with country JP and a Japanese postal code', () => {
    const query =
      'type=standard&stripe_user[country]=JP&stripe_user[zip]=100-0001' +
      '&stripe_user[block_kana]=%E3%83%81%E3%83%A8%E3%83%80&stripe_user[block_kanji]=%E5%8D%83%E4%BB%A3%E7%94%B0' +
      '&stripe_user[building_kana]=%E3%83%93%E3%83%AB&stripe_user[building_kanji]=%E3%83%93%E3%83%AB' +
      '&stripe_user[first_name_kana]=%E3%82%BF%E3%83%AD%E3%82%A6&stripe_user[gender]=female';
    expect(parse(query).stripeUser).toEqual({
      country: 'JP',
      zip: '100-0001',
      block_kana: 'チヨダ',
      block_kanji: '千代田',
      building_kana: 'ビル',
      building_kanji: 'ビル',
      first_name_kana: 'タロウ',
      gender: 'female',
    });
  });

  it('accepts the documented day range 0 to 31 and a phone number with its country', () => {
    expect(
      parse(
        'type=express&stripe_user[dob_day]=0&stripe_user[dob_month]=12&stripe_user[dob_year]=1990&stripe_user[phone_number]=0000000000&stripe_user[country]=US',
      ).stripeUser,
    ).toEqual({ dob_day: '0', dob_month: '12', dob_year: '1990', phone_number: '0000000000', country: 'US' });
  });

  it.each([
    [
      'type=express&stripe_user[business_type]=sole_prop',
      'stripe_user[business_type] must be individual or company for Express accounts.',
    ],
    [
      'type=standard&stripe_user[business_type]=company',
      'stripe_user[business_type] must be sole_prop, corporation, non_profit, partnership or llc for Standard accounts.',
    ],
    [
      'type=express&stripe_user[country]=JP&stripe_user[zip]=1000001&stripe_user[building_kana]=x',
      'stripe_user[zip] applies to Standard accounts only.',
    ],
    ['type=express&stripe_user[building_kanji]=x', 'stripe_user[building_kanji] applies to Standard accounts only.'],
    [
      'type=standard&stripe_user[country]=US&stripe_user[building_kana]=x',
      'stripe_user[building_kana] is only for Japan: it needs stripe_user[country]=JP.',
    ],
    [
      'type=standard&stripe_user[country]=JP&stripe_user[zip]=10001&stripe_user[block_kanji]=x',
      'stripe_user[block_kanji] needs stripe_user[zip] with a Japanese postal code such as 100-0001.',
    ],
    [
      'type=express&stripe_user[gender]=female',
      'stripe_user[gender] is only for Japan: it needs stripe_user[country]=JP.',
    ],
    ['type=express&stripe_user[phone_number]=5555550100', 'stripe_user[phone_number] needs stripe_user[country] too.'],
    ['type=standard&stripe_user[currency]=usd', 'stripe_user[currency] needs stripe_user[country] too.'],
    ['type=standard&stripe_user[state]=NY', 'stripe_user[state] needs stripe_user[country] too.'],
    [
      'type=express&stripe_user[dob_day]=32&stripe_user[dob_month]=1&stripe_user[dob_year]=1990',
      'stripe_user[dob_day] must be a day from 0 to 31.',
    ],
  ])('refuses %s', (query, message) => {
    expect(() => parse(query)).toThrowError(
      expect.objectContaining({ kind: 'invalid_request', code: 'invalid_stripe_user', message }),
    );
  });
});
