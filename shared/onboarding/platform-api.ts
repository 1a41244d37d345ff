/**
 * The platform backend's onboarding calls, for its own logged-in user's accounts:
 * `POST /accounts/{accountId}/account_links` (a fresh hosted-onboarding link) and
 * `POST /accounts/{accountId}/account_sessions` (a client secret for embedded components).
 */
import type Stripe from 'stripe';
import { accountRefusals, findOwnedAccount } from '../accounts/owned-account';
import { badRequest, conflict } from '../errors';
import { isJsonObject, refuseUnknownFields } from '../http/json-body';
import { isPlatformControlled } from '../stores/accounts-repo';
import { classifyStripeError, isStripeError, stripeFailure } from '../stripe/errors';
import { embeddedComponents, isEmbeddedComponentName, needsPlatformCollection } from './embedded-components';
import { type OnboardingLinkContext, onboardingLink } from './onboarding-link';
import type { OnboardingAccount, OnboardingAccountReader, OnboardingObservability, OnboardingStripe } from './ports';

export interface PlatformOnboardingContext extends OnboardingLinkContext, Omit<OnboardingObservability, 'notices'> {
  readonly accounts: OnboardingAccountReader;
  readonly stripe: () => Promise<OnboardingStripe>;
}

export interface PlatformOnboardingRequest {
  readonly platformUserId: string;
  readonly accountId: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The owner's account, connected and confirmed; every other case says what is wrong. */
const requireUsableAccount = async (
  accounts: OnboardingAccountReader,
  accountId: string,
  platformUserId: string,
): Promise<OnboardingAccount> => {
  const record = await findOwnedAccount(accounts, accountId, platformUserId);
  if (record.status !== 'connected') throw accountRefusals.deauthorized(accountId);
  if (record.confirmationPending) throw accountRefusals.confirmationPending(accountId);
  return record;
};

const collectValues = ['currently_due', 'eventually_due'] as const;

const parseLinkBody = (
  body: Readonly<Record<string, unknown>>,
): Stripe.AccountLinkCreateParams.CollectionOptions | undefined => {
  refuseUnknownFields(body, ['type', 'collect']);
  if (body.type === 'account_update') {
    throw badRequest(
      'account_update_unavailable',
      'account_update links are only for accounts without a Stripe-hosted Dashboard, and every account here has one. Use type account_onboarding (with "collect": "eventually_due" to ask for everything Stripe will need), or a login link for an Express account.',
    );
  }
  if (body.type !== 'account_onboarding')
    throw badRequest('invalid_parameter', 'type must be account_onboarding or account_update.');
  if (body.collect === undefined) return undefined;
  const fields = collectValues.find((value) => value === body.collect);
  if (!fields) throw badRequest('invalid_parameter', 'collect must be currently_due or eventually_due.');
  return { fields };
};

/** A fresh onboarding link for the owner's account; its return comes back through /connect/onboard/return. */
export const createAccountLink = async (
  request: PlatformOnboardingRequest,
  context: PlatformOnboardingContext,
): Promise<Stripe.AccountLink> => {
  const collect = parseLinkBody(request.body);
  const record = await requireUsableAccount(context.accounts, request.accountId, request.platformUserId);
  if (!isPlatformControlled(record)) {
    throw conflict(
      'account_not_controlled',
      `${record.accountId} was connected with OAuth and manages itself: its owner updates their details in the Stripe Dashboard (https://dashboard.stripe.com).`,
    );
  }
  const link = await onboardingLink(
    { accountId: record.accountId, platformUserId: record.platformUserId, type: record.type },
    await context.stripe(),
    context,
    collect ? { collect } : {},
  );
  context.metrics.count('AccountLinkCreated', { flow: record.type });
  return { object: 'account_link', created: link.created, expires_at: link.expires_at, url: link.url };
};

const invalidComponents = (message: string) => badRequest('invalid_components', message);

/** `components` as Stripe takes it, each name and feature checked against the documented set. */
export const parseComponents = (value: unknown): Stripe.AccountSessionCreateParams.Components => {
  if (!isJsonObject(value) || Object.keys(value).length === 0) {
    throw invalidComponents(
      'components must be an object naming at least one embedded component, e.g. {"account_onboarding": {"enabled": true}}.',
    );
  }
  const components: Record<string, { enabled: boolean; features?: Record<string, boolean> }> = {};
  for (const [name, config] of Object.entries(value)) {
    if (!isEmbeddedComponentName(name)) {
      throw invalidComponents(
        'components names a component Stripe does not document (see https://docs.stripe.com/connect/supported-embedded-components).',
      );
    }
    if (!isJsonObject(config) || typeof config.enabled !== 'boolean') {
      throw invalidComponents(`components.${name} must be an object with "enabled": true or false.`);
    }
    refuseUnknownFields(config, ['enabled', 'features'], `components.${name}`);
    const features = config.features;
    if (features !== undefined && !isJsonObject(features))
      throw invalidComponents(`components.${name}.features must be an object.`);
    const allowed = embeddedComponents[name];
    for (const [feature, enabled] of Object.entries(features ?? {})) {
      if (!allowed.includes(feature)) {
        throw invalidComponents(
          allowed.length === 0
            ? `components.${name} has no features.`
            : `components.${name}.features names a feature ${name} does not have (it has: ${allowed.join(', ')}).`,
        );
      }
      if (typeof enabled !== 'boolean')
        throw invalidComponents(`components.${name}.features.${feature} must be true or false.`);
      if (needsPlatformCollection(feature, enabled)) {
        throw invalidComponents(
          `components.${name}.features.${feature} cannot be ${enabled}: Stripe allows that only for accounts whose requirements the platform collects, and Stripe collects them for every account here.`,
        );
      }
    }
    components[name] = {
      enabled: config.enabled,
      ...(features ? { features: features as Record<string, boolean> } : {}),
    };
  }
  if (!Object.values(components).some((component) => component.enabled)) {
    throw invalidComponents('At least one component must have "enabled": true.');
  }
  return components as Stripe.AccountSessionCreateParams.Components;
};

/** Stripe's refusal of an account session, as this route answers it (Stripe's message says why). */
const accountSessionFailure = (error: unknown, accountId: string) => {
  switch (classifyStripeError(error).kind) {
    case 'account_not_connected':
    case 'not_found':
      return accountRefusals.notConnectedAtStripe(accountId, error);
    case 'invalid_request':
      return isStripeError(error)
        ? conflict(
            'account_session_refused',
            `Stripe refused an account session for ${accountId}: ${error.message}`,
            error,
          )
        : stripeFailure(error);
    default:
      return stripeFailure(error);
  }
};

/** A client secret for embedded Connect components on the owner's account (never stored or logged). */
export const createAccountSession = async (
  request: PlatformOnboardingRequest,
  context: PlatformOnboardingContext,
): Promise<Stripe.AccountSession> => {
  refuseUnknownFields(request.body, ['components']);
  const components = parseComponents(request.body.components);
  const record = await requireUsableAccount(context.accounts, request.accountId, request.platformUserId);
  let session: Stripe.AccountSession;
  try {
    session = await (await context.stripe()).createAccountSession({ account: record.accountId, components });
  } catch (error) {
    throw accountSessionFailure(error, record.accountId);
  }
  context.metrics.count('AccountSessionCreated', { flow: record.type });
  const { object, account, client_secret, expires_at, livemode } = session;
  return { object, account, client_secret, expires_at, livemode, components: session.components };
};
