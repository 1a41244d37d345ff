import { capabilityObject, capabilityPreviousAttributes, cloneAccount, createAccount } from './accounts';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import { type ApiError, isExpandParameter, parameterError, unknownParameter } from './errors';
import { newId } from './ids';
import type { AccountType, ApiReply, CapabilityStatus, StripeAccount } from './types';

/**
 * POST /v1/accounts: a platform creates a connected account (sources: docs/stripe-fidelity.md, "Sources of the emulator's endpoints"),
 * with the deprecated `type` or with controller properties. The account starts with nothing submitted:
 * its owner completes it through an Account Link or embedded onboarding.
 */

type Controller = StripeAccount['controller'];

/**
 * The parameters the emulator models (and `expand`, `isExpandParameter`). `controller` only with the four properties stripe-node's
 * `AccountCreateParams.Controller` documents: Stripe refuses any other key inside it as unknown.
 */
const knownParameter =
  /^(type|country|email|business_type|default_currency)$|^controller\[(fees\]\[payer|losses\]\[payments|requirement_collection|stripe_dashboard\]\[type)\]$|^(capabilities|metadata)\[/;

/**
 * Parameters Stripe documents for account creation (`AccountCreateParams` in stripe-node's types) that the
 * emulator does not model. Refused as not modelled here, never as unknown: Stripe would take them (and keep
 * them on the account, as `business_profile`, which the emulator would answer empty).
 */
const unmodelledParameter =
  /^(account_token|external_account)$|^(business_profile|settings|tos_acceptance|individual|company|external_account|documents|groups)\[/;

/** [emulator] A documented parameter the emulator cannot honour: a 400 that says so, for whoever extends the service. */
const notModelled = (param: string): ApiError =>
  parameterError(
    param,
    `The local Stripe emulator does not model ${param}, which Stripe accepts when it creates an account; teach emulator/accounts-api.ts before the service sends it.`,
  );

/** What Stripe asks of an account nobody has onboarded yet (a representative subset). */
const ONBOARDING_REQUIREMENTS = [
  'business_profile.mcc',
  'business_profile.url',
  'business_type',
  'external_account',
  'representative.first_name',
  'representative.last_name',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];

function oneOf<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | undefined | ApiError {
  const value = params.get(name);
  if (value === null) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  return found ?? parameterError(name, `Invalid ${name}: must be one of ${allowed.join(', ')}`);
}

const isError = (value: unknown): value is ApiError =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

/**
 * The controller Stripe sets for the deprecated `type` values the emulator supports. [doc] Stripe sets an account
 * type's controller properties on accounts created with that type; [guess] an Express account's fees payer is then
 * `application_express` (a value stripe-node's `Account.Controller.Fees` lists), as for the emulator's OAuth
 * Express accounts (./accounts.ts).
 */
function controllerForType(type: AccountType): Controller {
  return type === 'express'
    ? {
        type: 'application',
        is_controller: true,
        stripe_dashboard: { type: 'express' },
        fees: { payer: 'application_express' },
        losses: { payments: 'application' },
        requirement_collection: 'stripe',
      }
    : {
        type: 'application',
        is_controller: true,
        stripe_dashboard: { type: 'full' },
        fees: { payer: 'account' },
        losses: { payments: 'stripe' },
        requirement_collection: 'stripe',
      };
}

/**
 * Controller properties, with Stripe's defaults for the ones left out ([doc] stripe-node's AccountCreateParams:
 * the dashboard defaults to full, fees.payer to account, losses.payments to stripe, requirement_collection to
 * stripe, whatever the dashboard).
 */
function controllerFromParams(params: URLSearchParams): { controller: Controller; type: AccountType } | ApiError {
  const dashboard = oneOf(params, 'controller[stripe_dashboard][type]', ['express', 'full', 'none'] as const);
  const payer = oneOf(params, 'controller[fees][payer]', ['account', 'application'] as const);
  const losses = oneOf(params, 'controller[losses][payments]', ['application', 'stripe'] as const);
  const collection = oneOf(params, 'controller[requirement_collection]', ['application', 'stripe'] as const);
  for (const value of [dashboard, payer, losses, collection]) if (isError(value)) return value;
  const dashboardType = (dashboard as 'express' | 'full' | 'none' | undefined) ?? 'full';
  const controller: Controller = {
    type: 'application',
    is_controller: true,
    stripe_dashboard: { type: dashboardType },
    fees: { payer: (payer as 'account' | 'application' | undefined) ?? 'account' },
    losses: { payments: (losses as 'application' | 'stripe' | undefined) ?? 'stripe' },
    requirement_collection: (collection as 'application' | 'stripe' | undefined) ?? 'stripe',
  };
  if (controller.losses?.payments === 'application' && controller.fees?.payer !== 'application') {
    // [doc] "Setting controller.losses.payments=application requires controller.fees.payer=application". [guess] wording.
    return parameterError(
      'controller[losses][payments]',
      'controller[losses][payments] can only be `application` when controller[fees][payer] is `application`.',
    );
  }
  if (controller.requirement_collection === 'application' && dashboardType !== 'none') {
    // [doc] a platform collecting requirements itself cannot give the account a Stripe-hosted Dashboard.
    return parameterError(
      'controller[requirement_collection]',
      'controller[requirement_collection] can only be `application` when controller[stripe_dashboard][type] is `none`.',
    );
  }
  // [doc] Stripe's changelog (2026-06-24 preview, 2026-11-18.endive): an Express Dashboard account may also leave its
  // losses to Stripe, with its fees on the platform or on itself; the combination refused above is the only other.
  if (dashboardType === 'express' && controller.requirement_collection === 'stripe')
    return { controller, type: 'express' };
  if (dashboardType === 'full' && controller.losses?.payments === 'stripe' && controller.fees?.payer === 'account')
    return { controller, type: 'standard' };
  // [emulator] the emulator models Express Dashboard accounts and full Dashboard ones that carry their own fees.
  return parameterError(
    'controller',
    'The local Stripe emulator creates accounts with the Express Dashboard, or with the full Stripe Dashboard and fees on the account, losses on Stripe, only.',
  );
}

function requestedCapabilities(params: URLSearchParams): string[] | ApiError {
  const names: string[] = [];
  for (const [key, value] of params) {
    const match = /^capabilities\[([a-z0-9_]+)\](.*)$/.exec(key);
    if (!key.startsWith('capabilities[')) continue;
    if (!match?.[1] || match[2] !== '[requested]') return unknownParameter(key);
    if (value !== 'true' && value !== 'false') return parameterError(key, `Invalid boolean: ${value}`);
    if (value === 'true') names.push(match[1]);
  }
  return names;
}

export function createConnectedAccount(ctx: EmulatorContext, params: URLSearchParams): ApiReply {
  for (const key of params.keys()) {
    if (unmodelledParameter.test(key)) return notModelled(key);
    if (!knownParameter.test(key) && !isExpandParameter(key)) return unknownParameter(key);
  }
  const hasController = [...params.keys()].some((key) => key.startsWith('controller['));
  const type = oneOf(params, 'type', ['custom', 'express', 'standard'] as const);
  if (isError(type)) return type;
  if (type !== undefined && hasController) {
    // [guess] wording; the two are alternatives in Stripe's docs.
    return parameterError(
      'type',
      'You cannot specify both `type` and `controller`: use controller properties only.',
      'parameters_exclusive',
    );
  }
  if (type === 'custom') {
    return parameterError('type', 'The local Stripe emulator does not create Custom accounts.');
  }
  const configured = type !== undefined ? { type, controller: controllerForType(type) } : controllerFromParams(params);
  if (isError(configured)) return configured;
  const capabilities = requestedCapabilities(params);
  if (isError(capabilities)) return capabilities;

  // [doc] stripe-node's AccountCreateParams: business_type is one of these; country a two-letter ISO code and
  // default_currency a three-letter one. [guess] wording.
  const businessType = oneOf(params, 'business_type', [
    'company',
    'government_entity',
    'individual',
    'non_profit',
  ] as const);
  if (isError(businessType)) return businessType;
  for (const [field, pattern, what] of [
    ['country', /^[A-Za-z]{2}$/, 'a two-letter country code (ISO 3166-1 alpha-2)'],
    ['default_currency', /^[A-Za-z]{3}$/, 'a three-letter currency code (ISO 4217)'],
  ] as const) {
    const value = params.get(field);
    if (value !== null && !pattern.test(value)) return parameterError(field, `Invalid ${field}: must be ${what}.`);
  }

  const now = ctx.now();
  const prefill: Record<string, string> = {};
  for (const field of ['country', 'email', 'business_type', 'default_currency'] as const) {
    const value = params.get(field);
    if (value !== null) prefill[field === 'default_currency' ? 'currency' : field] = value;
  }
  const account = createAccount({
    id: newId.account(),
    type: configured.type,
    created: seconds(now),
    prefill,
    capabilities,
  });
  const inactive: Record<string, CapabilityStatus> = {};
  for (const name of capabilities) inactive[name] = 'inactive';
  Object.assign(account, {
    controller: configured.controller,
    capabilities: inactive,
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    // [doc] `tos_acceptance.date` is when the owner accepted the service agreement: not yet.
    tos_acceptance: { date: null, ip: null, user_agent: null },
    metadata: Object.fromEntries(
      [...params].flatMap(([key, value]) => {
        const name = /^metadata\[([^\]]+)\]$/.exec(key)?.[1];
        return name ? [[name, value]] : [];
      }),
    ),
    requirements: {
      alternatives: [],
      currently_due: [...ONBOARDING_REQUIREMENTS],
      eventually_due: [...ONBOARDING_REQUIREMENTS],
      errors: [],
      past_due: [...ONBOARDING_REQUIREMENTS],
      pending_verification: [],
      disabled_reason: 'requirements.past_due',
      current_deadline: null,
    },
  } satisfies Partial<StripeAccount>);
  ctx.state.accounts.set(account.id, account);
  ctx.state.connections.set(account.id, {
    accountId: account.id,
    clientId: ctx.clientId,
    scope: configured.type === 'express' ? 'express' : 'read_write',
    livemode: ctx.livemode,
    connectedAt: now,
    active: true,
  });
  // [issue] Stripe sends a new account's first `account.updated` on its own, once it has worked out what the
  // account must provide: in test mode "2-3 minutes" later, in a Stripe engineer's words (docs/stripe-fidelity.md,
  // "Accounts"). Sent at once here, it can reach the webhook before the service has stored the record, the
  // hardest case: the service asks for a retry (`mayPrecedeRecord`) and the retry applies it.
  ctx.emit({ type: 'account.updated', account: account.id, object: cloneAccount(account), previous: {} });
  // And a `capability.updated` for each capability requested in the create: stripe-node's `Events` says Stripe sends
  // one "whenever a capability has new requirements or a new status", and each came into being `inactive`, with
  // requirements due; [fixture] the Stripe CLI triggers `capability.updated` with such a create and nothing else.
  // When, and `previous_attributes`, [guess]. Another event that may beat the service's record (`mayPrecedeRecord`).
  const unrequested = { ...cloneAccount(account), capabilities: {} };
  for (const name of capabilities) {
    const object = capabilityObject(account, name, account.created);
    ctx.emit({
      type: 'capability.updated',
      account: account.id,
      object,
      previous: capabilityPreviousAttributes(capabilityObject(unrequested, name, account.created), object),
    });
  }
  return { status: 200, body: cloneAccount(account) };
}

/**
 * What the owner's completed onboarding at `acceptedAt` (epoch seconds) changes: everything submitted, the
 * service agreement accepted, requested capabilities active.
 */
export function onboardedPatch(account: StripeAccount, acceptedAt: number) {
  const capabilities: Record<string, CapabilityStatus> = {};
  for (const name of Object.keys(account.capabilities)) capabilities[name] = 'active';
  return {
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    tos_acceptance: { ...account.tos_acceptance, date: acceptedAt },
    capabilities,
    requirements: { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null },
  };
}
