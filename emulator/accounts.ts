import type { AccountType, CapabilityStatus, StripeAccount, StripeAccountPatch, StripeCapability } from './types';

export interface NewAccountInput {
  id: string;
  type: AccountType;
  created: number;
  /** From stripe_user[...] prefill parameters. */
  prefill: Record<string, string>;
  /** Capabilities to activate (Express: the suggested ones). */
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

/** An onboarded account as Stripe would return it after the user completed the form. */
export function createAccount(input: NewAccountInput): StripeAccount {
  const country = (input.prefill.country ?? 'US').toUpperCase();
  const capabilities: Record<string, CapabilityStatus> = {};
  for (const name of input.capabilities) capabilities[name] = 'active';
  return {
    id: input.id,
    object: 'account',
    type: input.type,
    business_profile: {
      name: input.prefill.business_name ?? null,
      url: input.prefill.url ?? null,
      product_description: input.prefill.product_description ?? null,
      support_email: null,
    },
    business_type: input.prefill.business_type ?? null,
    capabilities,
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    controller:
      input.type === 'express'
        ? { type: 'application', is_controller: true, stripe_dashboard: { type: 'express' } }
        : { type: 'account' },
    country,
    default_currency: input.prefill.currency?.toLowerCase() ?? CURRENCY_BY_COUNTRY[country] ?? 'eur',
    created: input.created,
    email: input.prefill.email ?? null,
    metadata: {},
    requirements: {
      currently_due: [],
      eventually_due: [],
      past_due: [],
      pending_verification: [],
      disabled_reason: null,
      current_deadline: null,
    },
  };
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
  const target = account as unknown as Record<string, unknown>;
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

export function capabilityObject(account: StripeAccount, name: string, requestedAt: number): StripeCapability {
  const status = account.capabilities[name] ?? 'unrequested';
  return {
    id: name,
    object: 'capability',
    account: account.id,
    requested: status !== 'unrequested',
    requested_at: status === 'unrequested' ? null : requestedAt,
    status,
  };
}
