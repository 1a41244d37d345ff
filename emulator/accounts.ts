import type Stripe from 'stripe';
import type { AccountType, CapabilityStatus, StripeAccount, StripeAccountPatch, StripeCapability } from './types';

export interface NewAccountInput {
  id: string;
  type: AccountType;
  created: number;
  /** From stripe_user[...] prefill parameters. */
  prefill: Record<string, string>;
  /** Capabilities to activate (Express: the suggested ones Stripe could apply). */
  capabilities: string[];
}

const CURRENCY_BY_COUNTRY: Record<string, string> = {
  US: 'usd',
  CA: 'cad',
  GB: 'gbp',
  AU: 'aud',
  JP: 'jpy',
  CH: 'chf',
  SE: 'sek',
  NO: 'nok',
  DK: 'dkk',
  NZ: 'nzd',
  SG: 'sgd',
  HK: 'hkd',
};

/**
 * `stripe_user[business_type]` is prefilled with the OAuth values (Standard: sole_prop, corporation, llc,
 * partnership, non_profit; Express: individual, company); the Account object reports the API's values.
 */
const BUSINESS_TYPE_BY_PREFILL: Readonly<Record<string, Stripe.Account.BusinessType>> = {
  individual: 'individual',
  sole_prop: 'individual',
  company: 'company',
  corporation: 'company',
  llc: 'company',
  partnership: 'company',
  non_profit: 'non_profit',
};

/** Nothing due: the user finished Stripe's form. Fits the account's and the capability's requirements. */
const noRequirements = () => ({
  alternatives: [] as Stripe.Account.Requirements.Alternative[],
  current_deadline: null,
  currently_due: [] as string[],
  disabled_reason: null,
  errors: [] as Stripe.Account.Requirements.Error[],
  eventually_due: [] as string[],
  past_due: [] as string[],
  pending_verification: [] as string[],
});

/**
 * Who controls the account, as Stripe reports it for accounts connected by OAuth: a Standard account is
 * its own (full Dashboard, Stripe bears losses); an Express account is the platform's (Express Dashboard, the
 * platform bears losses, Stripe collects requirements). [doc] stripe-node's Account.Controller: `is_controller`
 * and `requirement_collection` are returned only when the application retrieving the account controls it.
 */
const controllerFor = (type: AccountType): Stripe.Account.Controller =>
  type === 'express'
    ? {
        fees: { payer: 'application_express' },
        is_controller: true,
        losses: { payments: 'application' },
        requirement_collection: 'stripe',
        stripe_dashboard: { type: 'express' },
        type: 'application',
      }
    : {
        fees: { payer: 'account' },
        losses: { payments: 'stripe' },
        stripe_dashboard: { type: 'full' },
        type: 'account',
      };

const settingsFor = (name: string | null, country: string): Stripe.Account.Settings => ({
  branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
  card_payments: {
    decline_on: { avs_failure: false, cvc_failure: false },
    statement_descriptor_prefix: null,
    statement_descriptor_prefix_kana: null,
    statement_descriptor_prefix_kanji: null,
  },
  dashboard: { display_name: name, timezone: country === 'US' ? 'America/New_York' : 'Etc/UTC' },
  payments: {
    statement_descriptor: name === null ? null : name.toUpperCase().slice(0, 22),
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
});

/** An onboarded account as Stripe would return it after the user completed the form. */
export function createAccount(input: NewAccountInput): StripeAccount {
  const country = (input.prefill.country ?? 'US').toUpperCase();
  const capabilities: Record<string, CapabilityStatus> = {};
  for (const name of input.capabilities) capabilities[name] = 'active';
  const name = input.prefill.business_name ?? null;
  const prefilledType = input.prefill.business_type;
  return {
    id: input.id,
    object: 'account',
    business_profile: {
      mcc: null,
      minority_owned_business_designation: null,
      name,
      product_description: input.prefill.product_description ?? null,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: input.prefill.url ?? null,
    },
    business_type: prefilledType === undefined ? null : (BUSINESS_TYPE_BY_PREFILL[prefilledType] ?? null),
    capabilities,
    charges_enabled: true,
    controller: controllerFor(input.type),
    country,
    created: input.created,
    default_currency: input.prefill.currency?.toLowerCase() ?? CURRENCY_BY_COUNTRY[country] ?? 'eur',
    details_submitted: true,
    email: input.prefill.email ?? null,
    future_requirements: noRequirements(),
    metadata: {},
    payouts_enabled: true,
    requirements: noRequirements(),
    settings: settingsFor(name, country),
    tos_acceptance: { date: input.created, ip: null, user_agent: null },
    type: input.type,
  };
}

/**
 * The capabilities Stripe applies to a new account from the requested ones (Using OAuth with Express
 * accounts): those the user's country supports; where transfers is not supported Stripe attempts
 * card_payments instead; with neither, the account has no capabilities. Silently: only
 * assert_capabilities on the token exchange tells the platform.
 */
export function grantCapabilities(requested: readonly string[], unavailable: ReadonlySet<string>): string[] {
  // [doc] "If the user's account doesn't support transfers or card_payments, Stripe marks the account as
  // having no capabilities": none of the others either.
  if (unavailable.has('transfers') && unavailable.has('card_payments')) return [];
  const granted = new Set<string>();
  for (const name of requested) {
    if (!unavailable.has(name)) granted.add(name);
    else if (name === 'transfers' && !unavailable.has('card_payments')) granted.add('card_payments');
  }
  return [...granted];
}

export function cloneAccount(account: StripeAccount): StripeAccount {
  return structuredClone(account);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies a patch in place and returns Stripe-style `previous_attributes`: the old values of the changed
 * top-level fields, and for nested objects only of the changed keys inside them.
 */
export function applyAccountPatch(account: StripeAccount, patch: StripeAccountPatch): Record<string, unknown> {
  return applyPatch(account as unknown as Record<string, unknown>, patch);
}

/**
 * `previous_attributes` of a capability that went from `before` to `after` (what {@link applyAccountPatch} reports
 * for an account): every attribute that changed, its status and its requirements alike.
 */
export function capabilityPreviousAttributes(
  before: StripeCapability,
  after: StripeCapability,
): Record<string, unknown> {
  return applyPatch(structuredClone(before) as unknown as Record<string, unknown>, after);
}

function applyPatch(target: Record<string, unknown>, patch: object): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      const nestedPrevious: Record<string, unknown> = {};
      for (const [subKey, subValue] of Object.entries(value)) {
        if (sameValue(current[subKey], subValue)) continue;
        nestedPrevious[subKey] = current[subKey] === undefined ? null : structuredClone(current[subKey]);
        current[subKey] = structuredClone(subValue);
      }
      if (Object.keys(nestedPrevious).length > 0) previous[key] = nestedPrevious;
    } else if (!sameValue(current, value)) {
      previous[key] = current === undefined ? null : structuredClone(current);
      target[key] = structuredClone(value);
    }
  }
  return previous;
}

/**
 * What an inactive capability waits for: [doc] the Capability's requirements list the fields due for it, and its
 * `past_due` ones "need to be resolved to enable the capability", with `disabled_reason` saying why it is off
 * (`requirements.fields_needed`, the one reason of stripe-node's `Capability.Requirements.DisabledReason` about
 * missing fields). [guess] The emulator's capabilities need what the account needs: its requirements' lists.
 */
function inactiveCapabilityRequirements(account: StripeAccount): Stripe.Capability.Requirements {
  const { alternatives, current_deadline, currently_due, errors, eventually_due, past_due, pending_verification } =
    account.requirements;
  return {
    alternatives: structuredClone(alternatives),
    current_deadline,
    currently_due: [...(currently_due ?? [])],
    disabled_reason:
      (currently_due ?? []).length > 0 || (past_due ?? []).length > 0 ? 'requirements.fields_needed' : null,
    errors: structuredClone(errors ?? []),
    eventually_due: [...(eventually_due ?? [])],
    past_due: [...(past_due ?? [])],
    pending_verification: [...(pending_verification ?? [])],
  };
}

export function capabilityObject(account: StripeAccount, name: string, requestedAt: number): StripeCapability {
  const status = account.capabilities[name] ?? 'unrequested';
  return {
    id: name,
    object: 'capability',
    account: account.id,
    future_requirements: noRequirements(),
    requested: status !== 'unrequested',
    requested_at: status === 'unrequested' ? null : requestedAt,
    requirements: status === 'inactive' ? inactiveCapabilityRequirements(account) : noRequirements(),
    status,
  };
}
