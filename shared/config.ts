/**
 * Non-secret settings, from environment variables (set by the CDK stack in AWS and by `npm start`
 * locally). Read lazily and once per container, so a missing value is a clear 503 naming the
 * variable instead of a crash loop at init.
 */
import { ConfigurationError } from './errors';
import { admits } from './oauth/return-to';
import { isOneOf } from './one-of';
import { type TableName, tableDefinitions } from './tables';

/** What the webhook does with an event of the other mode than the key's (docs/configuration.md). */
export const livemodeMismatchPolicies = ['ignore', 'reject'] as const;
export type LivemodeMismatchPolicy = (typeof livemodeMismatchPolicies)[number];

/**
 * Who pays Stripe's fees for the Express accounts onboarding creates (`controller.fees.payer`): the platform,
 * which then sets the accounts' pricing, or the account itself, at Stripe's pricing (docs/onboarding.md).
 */
export const expressFeesPayers = ['application', 'account'] as const;
export type ExpressFeesPayer = (typeof expressFeesPayers)[number];

/** Who carries those accounts' negative balances (`controller.losses.payments`): the platform or Stripe. */
export const expressLossesPayers = ['application', 'stripe'] as const;
export type ExpressLossesPayer = (typeof expressLossesPayers)[number];

/** Defaults of the settings that have one, for the functions, the stack and `npm start` alike. */
export const settingDefaults = {
  stateTtlSeconds: 600,
  stripeTimeoutMs: 5000,
  /** Stripe's own default tolerance for a signature's timestamp. */
  webhookToleranceSeconds: 300,
  livemodeMismatch: 'ignore',
  /** The platform pays the fees and carries the losses of the Express accounts it creates. */
  expressFeesPayer: 'application',
  expressLosses: 'application',
} as const satisfies Record<string, number | LivemodeMismatchPolicy | ExpressFeesPayer | ExpressLossesPayer>;

export const isLivemodeMismatchPolicy = (value: string): value is LivemodeMismatchPolicy =>
  isOneOf(livemodeMismatchPolicies, value);
export const isExpressFeesPayer = (value: string): value is ExpressFeesPayer => isOneOf(expressFeesPayers, value);
export const isExpressLossesPayer = (value: string): value is ExpressLossesPayer => isOneOf(expressLossesPayers, value);

/**
 * Why Stripe would refuse this pair for an Express account, or undefined: an account that pays its own fees
 * (Stripe's pricing) leaves its losses to Stripe, never to the platform.
 */
export const expressControllerProblem = (
  feesPayer: ExpressFeesPayer,
  losses: ExpressLossesPayer,
): string | undefined =>
  feesPayer === 'account' && losses === 'application'
    ? 'the platform can carry the losses of an Express account only when it also pays its fees (fees payer application)'
    : undefined;

/**
 * An entry of the `return_to` allowlist (shared/oauth/return-to.ts compares against it): an http(s) origin alone
 * (`https://app.example.com`: any page of it), or with a path (`https://app.example.com/connect/done`: that page
 * and the pages under it), written as the URL parser writes it, with no query, fragment or credentials. Its own
 * page must pass `admits` (a path with an encoded `/` or a `;` would match nothing), and it has no comma, which
 * separates the entries of `RETURN_TO_ORIGINS`.
 */
export const isReturnToEntry = (value: string): boolean => {
  if (!URL.canParse(value) || /[?#,]/.test(value)) return false;
  const url = new URL(value);
  return (
    /^https?:$/.test(url.protocol) &&
    url.username === '' &&
    (value === url.origin || value === url.href) &&
    admits(url, url)
  );
};

export interface ServiceConfig {
  /** The `redirect_uri` registered at Stripe: a constant, never taken from a request. */
  readonly callbackUrl: string;
  readonly successUrl: string;
  readonly failureUrl: string;
  /** Where a `return_to` may point: origins (any page of each) or origins with a path ({@link isReturnToEntry}). */
  readonly returnToOrigins: readonly string[];
  readonly stateTtlSeconds: number;
  /** Where Stripe's api and connect hosts are reached; unset in AWS (the SDK's defaults). */
  readonly stripeApiBase: URL | undefined;
  readonly stripeTimeoutMs: number;
  readonly webhookToleranceSeconds: number;
  readonly livemodeMismatch: LivemodeMismatchPolicy;
  readonly expressFeesPayer: ExpressFeesPayer;
  readonly expressLosses: ExpressLossesPayer;
}

/** The environment variable each setting is read from: the functions, the stack and `npm start` name them here. */
export const settingVariables = {
  callbackUrl: 'CALLBACK_URL',
  successUrl: 'SUCCESS_URL',
  failureUrl: 'FAILURE_URL',
  returnToOrigins: 'RETURN_TO_ORIGINS',
  stateTtlSeconds: 'STATE_TTL_SECONDS',
  stripeApiBase: 'STRIPE_API_BASE',
  stripeTimeoutMs: 'STRIPE_TIMEOUT_MS',
  webhookToleranceSeconds: 'WEBHOOK_TOLERANCE_SECONDS',
  livemodeMismatch: 'LIVEMODE_MISMATCH',
  expressFeesPayer: 'EXPRESS_FEES_PAYER',
  expressLosses: 'EXPRESS_LOSSES',
} as const satisfies Record<keyof ServiceConfig, string>;
const variable = settingVariables;

/**
 * The environment variables that carry these settings' values (given by `ServiceConfig` field), as the stack and
 * `npm start` set them. Every field must be given: a caller names the ones it leaves to the functions' defaults
 * as `Unset` (an undefined value is left out too), so a new setting does not compile until each caller decides.
 */
export const settingEnvironment = <Unset extends keyof ServiceConfig = never>(
  values: Readonly<Record<Exclude<keyof ServiceConfig, Unset>, string | undefined>>,
): Record<string, string> => {
  const environment: Record<string, string> = {};
  for (const [field, value] of Object.entries(values) as [keyof ServiceConfig, string | undefined][]) {
    if (value !== undefined) environment[variable[field]] = value;
  }
  return environment;
};

type Env = Readonly<Record<string, string | undefined>>;

const configError = (variable: string, problem: string): ConfigurationError =>
  new ConfigurationError(`The service is misconfigured: ${variable} ${problem}.`);

const absoluteUrl = (env: Env, variable: string): string => {
  const value = env[variable];
  if (!value) throw configError(variable, 'is not set');
  if (!URL.canParse(value)) throw configError(variable, 'is not an absolute URL');
  return value;
};

const positiveInteger = (env: Env, variable: string, fallback: number): number => {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw configError(variable, 'must be a positive integer');
  return parsed;
};

/**
 * The `return_to` allowlist. A wrong entry is named by its place, not its text: the message reaches every caller
 * of a misconfigured service, and a refused `return_to` never lists the allowed origins either.
 */
const origins = (env: Env, variable: string): string[] =>
  (env[variable] ?? '')
    .split(',')
    .map((entry, index) => ({ origin: entry.trim(), place: index + 1 }))
    .filter(({ origin }) => origin !== '')
    .map(({ origin, place }) => {
      if (!isReturnToEntry(origin)) {
        throw configError(
          variable,
          `entry ${place} is not an origin like https://app.example.com, nor one with a path like https://app.example.com/connect/`,
        );
      }
      return origin;
    });

/** One sign-in at Stripe: a state and its cookie should not outlive it by hours. */
export const maxStateTtlSeconds = 3600;

export const readServiceConfig = (env: Env): ServiceConfig => {
  const apiBase = env[variable.stripeApiBase];
  if (apiBase && !URL.canParse(apiBase)) throw configError(variable.stripeApiBase, 'is not an absolute URL');
  const livemodeMismatch = env[variable.livemodeMismatch] || settingDefaults.livemodeMismatch;
  const stateTtlSeconds = positiveInteger(env, variable.stateTtlSeconds, settingDefaults.stateTtlSeconds);
  if (stateTtlSeconds > maxStateTtlSeconds)
    throw configError(variable.stateTtlSeconds, `must be at most ${maxStateTtlSeconds}`);
  if (!isLivemodeMismatchPolicy(livemodeMismatch)) {
    throw configError(variable.livemodeMismatch, 'must be "ignore" or "reject"');
  }
  const expressFeesPayer = env[variable.expressFeesPayer] || settingDefaults.expressFeesPayer;
  if (!isExpressFeesPayer(expressFeesPayer))
    throw configError(variable.expressFeesPayer, 'must be "application" or "account"');
  const expressLosses = env[variable.expressLosses] || settingDefaults.expressLosses;
  if (!isExpressLossesPayer(expressLosses))
    throw configError(variable.expressLosses, 'must be "application" or "stripe"');
  const controllerProblem = expressControllerProblem(expressFeesPayer, expressLosses);
  if (controllerProblem)
    throw configError(variable.expressLosses, `cannot be "application" here: ${controllerProblem}`);
  return {
    callbackUrl: absoluteUrl(env, variable.callbackUrl),
    successUrl: absoluteUrl(env, variable.successUrl),
    failureUrl: absoluteUrl(env, variable.failureUrl),
    returnToOrigins: origins(env, variable.returnToOrigins),
    stateTtlSeconds,
    stripeApiBase: apiBase ? new URL(apiBase) : undefined,
    stripeTimeoutMs: positiveInteger(env, variable.stripeTimeoutMs, settingDefaults.stripeTimeoutMs),
    webhookToleranceSeconds: positiveInteger(
      env,
      variable.webhookToleranceSeconds,
      settingDefaults.webhookToleranceSeconds,
    ),
    livemodeMismatch,
    expressFeesPayer,
    expressLosses,
  };
};

let cached: ServiceConfig | undefined;

/** The container's configuration, read on first use. */
export const serviceConfig = (): ServiceConfig => (cached ??= readServiceConfig(process.env));

/** The physical name of a table this function was granted, from its environment variable. */
export const tableName = (table: TableName, env: Env = process.env): string => {
  const variable = tableDefinitions[table].envVar;
  const value = env[variable];
  if (!value) throw configError(variable, 'is not set');
  return value;
};
