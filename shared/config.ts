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

/**
 * Why Stripe would refuse this pair for an Express account, as the problem with `expressLosses`, or undefined: an
 * account that pays its own fees (Stripe's pricing) leaves its losses to Stripe, never to the platform.
 */
export const expressControllerProblem = (
  feesPayer: ExpressFeesPayer,
  losses: ExpressLossesPayer,
): string | undefined =>
  feesPayer === 'account' && losses === 'application'
    ? 'cannot be "application" here: the platform can carry the losses of an Express account only when it also pays its fees (fees payer application)'
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

/** One sign-in at Stripe: a state and its cookie should not outlive it by hours. */
export const maxStateTtlSeconds = 3600;

/*
 * Each rule a setting's value follows, as the problem it names (undefined: none). The functions state it naming
 * the environment variable (`readServiceConfig`); the stack states the same rule at synth, naming the prop and
 * showing the value (infra/config.ts).
 */

/** A page the browser is sent to: an absolute http(s) URL. */
export const pageUrlProblem = (value: string): string | undefined =>
  URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? undefined : 'is not an absolute http(s) URL';

export const positiveIntegerProblem = (value: number): string | undefined =>
  Number.isInteger(value) && value > 0 ? undefined : 'must be a positive integer';

export const stateTtlProblem = (seconds: number): string | undefined =>
  positiveIntegerProblem(seconds) ??
  (seconds > maxStateTtlSeconds ? `must be at most ${maxStateTtlSeconds}` : undefined);

/** What a setting that takes one of `choices` (livemodeMismatch, expressFeesPayer, …) must be. */
export const mustBeOneOf = (choices: readonly string[]): string =>
  `must be ${choices.map((choice) => `"${choice}"`).join(' or ')}`;

export const returnToEntryProblem = (value: string): string | undefined =>
  isReturnToEntry(value)
    ? undefined
    : 'is not an origin such as https://app.example.com, nor one with a path such as https://app.example.com/connect/';

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

/** `value` once it follows its rule (`problem`), else the error that names the variable. */
const checked = <T>(variable: string, value: T, problem: (value: T) => string | undefined): T => {
  const found = problem(value);
  if (found) throw configError(variable, found);
  return value;
};

const pageUrl = (env: Env, variable: string): string => {
  const value = env[variable];
  if (!value) throw configError(variable, 'is not set');
  return checked(variable, value, pageUrlProblem);
};

const integer = (env: Env, variable: string, fallback: number, problem = positiveIntegerProblem): number => {
  const value = env[variable];
  return value === undefined || value === '' ? fallback : checked(variable, Number(value), problem);
};

const choice = <T extends string>(env: Env, variable: string, choices: readonly T[], fallback: T): T => {
  const value = env[variable] || fallback;
  if (!isOneOf(choices, value)) throw configError(variable, mustBeOneOf(choices));
  return value;
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
      const problem = returnToEntryProblem(origin);
      if (problem) throw configError(variable, `entry ${place} ${problem}`);
      return origin;
    });

export const readServiceConfig = (env: Env): ServiceConfig => {
  const apiBase = env[variable.stripeApiBase];
  if (apiBase && !URL.canParse(apiBase)) throw configError(variable.stripeApiBase, 'is not an absolute URL');
  const livemodeMismatch = choice(
    env,
    variable.livemodeMismatch,
    livemodeMismatchPolicies,
    settingDefaults.livemodeMismatch,
  );
  const expressFeesPayer = choice(env, variable.expressFeesPayer, expressFeesPayers, settingDefaults.expressFeesPayer);
  const expressLosses = choice(env, variable.expressLosses, expressLossesPayers, settingDefaults.expressLosses);
  const controllerProblem = expressControllerProblem(expressFeesPayer, expressLosses);
  if (controllerProblem) throw configError(variable.expressLosses, controllerProblem);
  return {
    callbackUrl: pageUrl(env, variable.callbackUrl),
    successUrl: pageUrl(env, variable.successUrl),
    failureUrl: pageUrl(env, variable.failureUrl),
    returnToOrigins: origins(env, variable.returnToOrigins),
    stateTtlSeconds: integer(env, variable.stateTtlSeconds, settingDefaults.stateTtlSeconds, stateTtlProblem),
    stripeApiBase: apiBase ? new URL(apiBase) : undefined,
    stripeTimeoutMs: integer(env, variable.stripeTimeoutMs, settingDefaults.stripeTimeoutMs),
    webhookToleranceSeconds: integer(env, variable.webhookToleranceSeconds, settingDefaults.webhookToleranceSeconds),
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
