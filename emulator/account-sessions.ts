import type Stripe from 'stripe';
import {
  embeddedComponents,
  isEmbeddedComponentName,
  needsPlatformCollection,
} from '../shared/onboarding/embedded-components';
import { noSuchAccount } from './account-links';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import { isExpandParameter, missingParameter, parameterError, unknownParameter } from './errors';
import { randomAlphanumeric } from './ids';
import type { ApiReply, StripeAccount } from './types';

/**
 * POST /v1/account_sessions (sources: docs/stripe-fidelity.md, "Sources of the emulator's endpoints"): a short-lived client
 * secret for embedded Connect components. Component and feature names are those stripe-node documents.
 */

/** [guess] Stripe documents a short lifetime; the emulator uses 30 minutes. */
export const ACCOUNT_SESSION_TTL_MS = 30 * 60_000;

type Requested = Map<string, { enabled?: boolean; features: Record<string, boolean> }>;

function parseBoolean(key: string, value: string): boolean | ApiReply {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return parameterError(key, `Invalid boolean: ${value}`);
}

function requestedComponents(params: URLSearchParams): Requested | ApiReply {
  const requested: Requested = new Map();
  for (const [key, value] of params) {
    if (key === 'account' || isExpandParameter(key)) continue;
    const match = /^components\[([^\]]+)\](?:\[(enabled|features)\](?:\[([^\]]+)\])?)?$/.exec(key);
    if (!match?.[1]) return unknownParameter(key);
    const [, name, field, feature] = match;
    if (!isEmbeddedComponentName(name)) return unknownParameter(`components[${name}]`);
    if (field === undefined || (field === 'features' && feature === undefined)) return unknownParameter(key);
    if (field === 'enabled' && feature !== undefined) return unknownParameter(key);
    const parsed = parseBoolean(key, value);
    if (typeof parsed !== 'boolean') return parsed;
    const entry = requested.get(name) ?? { features: {} };
    if (field === 'enabled') entry.enabled = parsed;
    else if (feature !== undefined) {
      if (!embeddedComponents[name].includes(feature)) return unknownParameter(key);
      entry.features[feature] = parsed;
    }
    requested.set(name, entry);
  }
  return requested;
}

/**
 * [doc] What Stripe reports for a feature the request left out, as stripe-node documents each
 * (`AccountSessionCreateParams.Components.*.Features`); `set` is what the request gave for the component.
 */
export function featureDefault(
  feature: string,
  set: Readonly<Record<string, boolean>>,
  account: Pick<StripeAccount, 'controller'>,
): boolean {
  switch (feature) {
    case 'external_account_collection':
    case 'capture_payments':
    case 'dispute_management':
    case 'refund_management':
      return true;
    case 'disable_stripe_user_authentication':
      // "The default value is the opposite of the external_account_collection value."
      return !(set.external_account_collection ?? true);
    case 'smart_disputes_management':
      return set.dispute_management ?? true;
    case 'edit_payout_schedule':
    case 'standard_payouts':
    case 'instant_payouts':
      // True when Stripe bears the account's losses (instant payouts: `enabled` rather than `use_dashboard_rules`).
      return account.controller?.losses?.payments === 'stripe';
    default:
      // [guess] The rest document no default: off until asked for.
      return false;
  }
}

export function createAccountSession(ctx: EmulatorContext, params: URLSearchParams): ApiReply {
  const accountId = params.get('account');
  if (!accountId) return missingParameter('account');
  const requested = requestedComponents(params);
  if (!(requested instanceof Map)) return requested;
  if (requested.size === 0) return missingParameter('components');
  for (const [name, entry] of requested) {
    if (entry.enabled === undefined) return missingParameter(`components[${name}][enabled]`);
  }
  if (![...requested.values()].some((entry) => entry.enabled)) {
    // [guess] wording: a session that enables nothing is refused.
    return parameterError('components', 'You must enable at least one embedded component.');
  }
  const account = ctx.state.accounts.get(accountId);
  if (!ctx.state.activeConnection(accountId) || !account) return noSuchAccount(accountId);
  if (account.controller?.requirement_collection !== 'application') {
    for (const [name, entry] of requested) {
      for (const [feature, value] of Object.entries(entry.features)) {
        // [doc] rule (stripe-node: "can only be true/false for accounts where ..."); [guess] wording.
        if (needsPlatformCollection(feature, value)) {
          return parameterError(
            `components[${name}][features][${feature}]`,
            `${feature} can only be ${value} for accounts where your platform is responsible for collecting requirements (controller.requirement_collection is application).`,
          );
        }
      }
    }
  }
  const components: Record<string, { enabled: boolean; features: Record<string, boolean> }> = {};
  for (const [name, features] of Object.entries(embeddedComponents)) {
    const entry = requested.get(name);
    const set = entry?.features ?? {};
    components[name] = {
      enabled: entry?.enabled ?? false,
      features: Object.fromEntries(
        features.map((feature) => [feature, set[feature] ?? featureDefault(feature, set, account)]),
      ),
    };
  }
  const now = ctx.now();
  const session: Stripe.AccountSession = {
    object: 'account_session',
    account: accountId,
    client_secret: `accs_secret__${randomAlphanumeric(48)}`,
    expires_at: seconds(now + ACCOUNT_SESSION_TTL_MS),
    livemode: ctx.livemode,
    // Built from the table the compiler checks against stripe-node's component types.
    components: components as unknown as Stripe.AccountSession.Components,
  };
  return { status: 200, body: session };
}
