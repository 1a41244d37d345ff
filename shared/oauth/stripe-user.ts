/**
 * `stripe_user[...]` prefill fields, as Stripe's Connect OAuth reference documents them. Stripe
 * silently ignores invalid values; we refuse them instead, so a platform sees its mistake at once.
 */
import { badRequest } from '../errors';
import { hasControlCharacters } from '../http/query';
import type { ConnectFlow } from './flow';

interface FieldRule {
  /** Fields Stripe documents as "Standard only". */
  readonly standardOnly?: boolean;
  readonly pattern?: RegExp;
  readonly hint?: string;
}

const text: FieldRule = {};
const japanese: FieldRule = {};

export const stripeUserFields: Readonly<Record<string, FieldRule>> = {
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'a valid email address' },
  url: { pattern: /^https?:\/\/[^\s]+$/i, hint: 'an http(s) URL' },
  country: { pattern: /^[A-Z]{2}$/, hint: 'a two-letter country code such as US' },
  phone_number: { pattern: /^\d{10}$/, hint: '10 digits' },
  business_name: text,
  business_type: {
    pattern: /^(sole_prop|corporation|non_profit|partnership|llc)$/,
    hint: 'sole_prop, corporation, non_profit, partnership or llc',
  },
  first_name: text,
  last_name: text,
  dob_day: { pattern: /^(0?[1-9]|[12]\d|3[01])$/, hint: 'a day from 1 to 31' },
  dob_month: { pattern: /^(0?[1-9]|1[0-2])$/, hint: 'a month from 1 to 12' },
  dob_year: { pattern: /^(19\d\d|2\d\d\d)$/, hint: 'a four-digit year after 1900' },
  street_address: { standardOnly: true },
  city: { standardOnly: true },
  state: { standardOnly: true, pattern: /^[A-Z]{2}$/, hint: 'a two-letter state or province code' },
  zip: { standardOnly: true },
  physical_product: { standardOnly: true, pattern: /^(true|false)$/, hint: 'true or false' },
  product_description: text,
  currency: { standardOnly: true, pattern: /^[a-z]{3}$/, hint: 'a lowercase three-letter currency code such as usd' },
  first_name_kana: japanese,
  first_name_kanji: japanese,
  last_name_kana: japanese,
  last_name_kanji: japanese,
  gender: { pattern: /^(male|female)$/, hint: 'male or female' },
  block_kana: { standardOnly: true },
  block_kanji: { standardOnly: true },
};

const maxLength = 500;
const fieldPattern = /^stripe_user\[([a-z_]+)\]$/;

/** Picks and validates every `stripe_user[...]` parameter of the query. */
export const parseStripeUser = (query: URLSearchParams, flow: ConnectFlow): Record<string, string> => {
  const prefill: Record<string, string> = {};
  for (const key of new Set(query.keys())) {
    if (!key.startsWith('stripe_user')) continue;
    const field = fieldPattern.exec(key)?.[1];
    const rule = field === undefined || !Object.hasOwn(stripeUserFields, field) ? undefined : stripeUserFields[field];
    if (field === undefined || rule === undefined) {
      throw badRequest(
        'invalid_stripe_user',
        `A stripe_user parameter names a field Stripe does not document (allowed: ${Object.keys(stripeUserFields).join(', ')}).`,
      );
    }
    const values = query.getAll(key);
    const value = values[0] ?? '';
    if (values.length > 1) throw badRequest('duplicate_parameter', `The parameter ${key} was given more than once.`);
    if (rule.standardOnly && flow === 'express')
      throw badRequest('invalid_stripe_user', `${key} applies to Standard accounts only.`);
    if (value.length === 0 || value.length > maxLength || hasControlCharacters(value)) {
      throw badRequest('invalid_stripe_user', `${key} must be 1 to ${maxLength} printable characters.`);
    }
    if (rule.pattern && !rule.pattern.test(value))
      throw badRequest('invalid_stripe_user', `${key} must be ${rule.hint}.`);
    prefill[field] = value;
  }
  const dob = ['dob_day', 'dob_month', 'dob_year'].filter((field) => field in prefill);
  if (dob.length > 0 && dob.length < 3) {
    throw badRequest('invalid_stripe_user', 'stripe_user[dob_day], [dob_month] and [dob_year] must be given together.');
  }
  return prefill;
};
