import type Stripe from 'stripe';
import { embeddedComponents, isEmbeddedComponentName } from '../shared/onboarding/embedded-components';
import { noSuchAccount } from './account-links';
import { missingParameter, parameterError, unknownParameter } from './accounts-api';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import type { ApiReply } from './idempotency';
import { randomAlphanumeric } from './ids';

/**
 * POST /v1/account_sessions (https://docs.stripe.com/api/account_sessions/create): a short-lived client
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
    if (key === 'account' || /^expand\[\d*\]$/.test(key)) continue;
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
  if (!ctx.state.activeConnection(accountId) || !ctx.state.accounts.has(accountId)) return noSuchAccount(accountId);
  const components: Record<string, { enabled: boolean; features: Record<string, boolean> }> = {};
  for (const [name, features] of Object.entries(embeddedComponents)) {
    const entry = requested.get(name);
    // [guess] features not asked for are reported as false.
    components[name] = {
      enabled: entry?.enabled ?? false,
      features: Object.fromEntries(features.map((feature) => [feature, entry?.features[feature] ?? false])),
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
