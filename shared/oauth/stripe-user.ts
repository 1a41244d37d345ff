/**
 * `stripe_user[...]` prefill fields, as Stripe's Connect OAuth reference documents them. The field
 * list is checked against stripe-node's own `OAuthAuthorizeUrlParams.StripeUser` type: the compiler
 * fails when Stripe adds or drops a field and this table does not follow. Stripe silently ignores
 * invalid values; we refuse them instead, so a platform sees its mistake at once.
 */
import type Stripe from 'stripe';
import { badRequest } from '../errors';
import { hasControlCharacters } from '../http/query';
import { type ConnectFlow, flowLabel } from './flow';

export type StripeUserField = keyof Stripe.OAuthAuthorizeUrlParams.StripeUser;

interface Format {
  readonly pattern: RegExp;
  readonly hint: string;
}

interface FieldRule {
  /** Marked "Standard only" in the reference (and in stripe-node's comment on the field). */
  readonly standardOnly?: true;
  /** The value's format: one for both flows, or one per flow. */
  readonly format?: Format | Readonly<Record<ConnectFlow, Format>>;
  /** "Must prefill stripe_user[country]", with JP for the fields "only relevant for Japan". */
  readonly needsCountry?: 'any' | 'JP';
  /** "You must prefill ... stripe_user[zip] with a valid Japanese postal code". */
  readonly needsJapaneseZip?: true;
}

const oneOf = (values: readonly string[]): Format => ({
  pattern: new RegExp(`^(${values.join('|')})$`),
  hint: `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`,
});

/**
 * Standard: "Must be one of sole_prop, corporation, non_profit, partnership, or llc" (OAuth reference).
 * Express: "either individual or company" (Using OAuth with Express accounts).
 */
export const businessTypes: Readonly<Record<ConnectFlow, readonly string[]>> = {
  standard: ['sole_prop', 'corporation', 'non_profit', 'partnership', 'llc'],
  express: ['individual', 'company'],
};

const text: FieldRule = {};
const japanese: FieldRule = { needsCountry: 'JP' };
const japaneseAddress: FieldRule = { standardOnly: true, needsCountry: 'JP', needsJapaneseZip: true };

export const stripeUserFields = {
  email: { format: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'a valid email address' } },
  url: { format: { pattern: /^https?:\/\/[^\s]+$/i, hint: 'an http(s) URL' } },
  country: { format: { pattern: /^[A-Z]{2}$/, hint: 'a two-letter country code such as US' } },
  phone_number: { format: { pattern: /^\d{10}$/, hint: '10 digits' }, needsCountry: 'any' },
  business_name: text,
  business_type: { format: { standard: oneOf(businessTypes.standard), express: oneOf(businessTypes.express) } },
  first_name: text,
  last_name: text,
  // The reference says "Day (0-31)": we accept what it documents.
  dob_day: { format: { pattern: /^([0-2]?\d|3[01])$/, hint: 'a day from 0 to 31' } },
  dob_month: { format: { pattern: /^(0?[1-9]|1[0-2])$/, hint: 'a month from 1 to 12' } },
  dob_year: { format: { pattern: /^(19\d\d|[2-9]\d\d\d)$/, hint: 'a four-digit year after 1900' } },
  street_address: { standardOnly: true },
  city: { standardOnly: true },
  state: {
    standardOnly: true,
    format: { pattern: /^[A-Z]{2}$/, hint: 'a two-letter state or province code' },
    needsCountry: 'any',
  },
  zip: { standardOnly: true },
  physical_product: { standardOnly: true, format: oneOf(['true', 'false']) },
  product_description: text,
  currency: {
    standardOnly: true,
    format: { pattern: /^[a-z]{3}$/, hint: 'a lowercase three-letter currency code such as usd' },
    needsCountry: 'any',
  },
  first_name_kana: japanese,
  first_name_kanji: japanese,
  last_name_kana: japanese,
  last_name_kanji: japanese,
  gender: { format: oneOf(['male', 'female']), needsCountry: 'JP' },
  block_kana: japaneseAddress,
  block_kanji: japaneseAddress,
  building_kana: japaneseAddress,
  building_kanji: japaneseAddress,
} as const satisfies Record<StripeUserField, FieldRule>;

const fieldRules: Readonly<Record<string, FieldRule>> = stripeUserFields;
const maxLength = 500;
const fieldPattern = /^stripe_user\[([a-z_]+)\]$/;
/** A Japanese postal code: 123-4567 or 1234567. */
const japanesePostalCode = /^\d{3}-?\d{4}$/;

const formatFor = (rule: FieldRule, flow: ConnectFlow): Format | undefined =>
  rule.format === undefined || 'pattern' in rule.format ? rule.format : rule.format[flow];

const isStripeUserField = (field: string): field is StripeUserField => Object.hasOwn(fieldRules, field);

/** The dependencies between fields the reference states with "must": checked once all fields are read. */
const checkDependencies = (prefill: Readonly<Record<string, string>>): void => {
  for (const field of Object.keys(prefill)) {
    const rule = fieldRules[field];
    if (rule?.needsCountry === 'any' && prefill.country === undefined) {
      throw badRequest('invalid_stripe_user', `stripe_user[${field}] needs stripe_user[country] too.`);
    }
    if (rule?.needsCountry === 'JP' && prefill.country !== 'JP') {
      throw badRequest(
        'invalid_stripe_user',
        `stripe_user[${field}] is only for Japan: it needs stripe_user[country]=JP.`,
      );
    }
    if (rule?.needsJapaneseZip && !japanesePostalCode.test(prefill.zip ?? '')) {
      throw badRequest(
        'invalid_stripe_user',
        `stripe_user[${field}] needs stripe_user[zip] with a Japanese postal code such as 100-0001.`,
      );
    }
  }
  const dob = ['dob_day', 'dob_month', 'dob_year'].filter((field) => field in prefill);
  if (dob.length > 0 && dob.length < 3) {
    throw badRequest('invalid_stripe_user', 'stripe_user[dob_day], [dob_month] and [dob_year] must be given together.');
  }
};

/** Picks and validates every `stripe_user[...]` parameter of the query. */
export const parseStripeUser = (query: URLSearchParams, flow: ConnectFlow): Record<string, string> => {
  const prefill: Record<string, string> = {};
  for (const key of new Set(query.keys())) {
    if (!key.startsWith('stripe_user')) continue;
    const field = fieldPattern.exec(key)?.[1];
    if (field === undefined || !isStripeUserField(field)) {
      throw badRequest(
        'invalid_stripe_user',
        `A stripe_user parameter names a field Stripe does not document (allowed: ${Object.keys(fieldRules).join(', ')}).`,
      );
    }
    const rule: FieldRule = stripeUserFields[field];
    const values = query.getAll(key);
    const value = values[0] ?? '';
    if (values.length > 1) throw badRequest('duplicate_parameter', `The parameter ${key} was given more than once.`);
    if (rule.standardOnly && flow === 'express')
      throw badRequest('invalid_stripe_user', `${key} applies to Standard accounts only.`);
    if (value.length === 0 || value.length > maxLength || hasControlCharacters(value)) {
      throw badRequest('invalid_stripe_user', `${key} must be 1 to ${maxLength} printable characters.`);
    }
    const format = formatFor(rule, flow);
    if (format && !format.pattern.test(value)) {
      const accounts = rule.format === format ? '' : ` for ${flowLabel(flow)} accounts`;
      throw badRequest('invalid_stripe_user', `${key} must be ${format.hint}${accounts}.`);
    }
    prefill[field] = value;
  }
  checkDependencies(prefill);
  return prefill;
};
