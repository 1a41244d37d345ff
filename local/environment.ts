/**
 * The environment the functions see in a local stack: the same variables the CDK stack sets in
 * AWS, plus the secrets that Secrets Manager holds there, pointed at local servers.
 */

import type { StripeEmulatorOptions } from '../emulator';
import { settingDefaults, settingEnvironment, settingVariables } from '../shared/config';
import { callbackPath, webhookPath } from '../shared/routes';
import { webhookSecretList } from '../shared/stripe/mode';
import { type TableName, tableDefinitions } from '../shared/tables';
import { localDefaults } from './defaults';

const variable = settingVariables;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The platform's Stripe credentials and token secret in a local run: from the environment when set
 * (`npm start -- --stripe=test`, or an operator's shell), else local/defaults.ts. The functions and the
 * emulator both take them from here, so they always agree.
 */
export const localCredentials = (env: Env = process.env) => {
  const webhookSecrets = env.STRIPE_WEBHOOK_SECRETS ?? localDefaults.webhookSecret;
  return {
    secretKey: env.STRIPE_SECRET_KEY ?? localDefaults.stripeSecretKey,
    clientId: env.STRIPE_CLIENT_ID ?? localDefaults.stripeClientId,
    webhookSecrets,
    /** The one the emulator signs with: the first of the list (the newest during a rotation). */
    signingSecret: webhookSecretList(webhookSecrets)[0] ?? localDefaults.webhookSecret,
    platformTokenSecret: env.PLATFORM_TOKEN_SECRET ?? localDefaults.platformTokenSecret,
    /** Only to try a roll of the platform token secret locally (docs/operations.md); none by default. */
    previousPlatformTokenSecret: env.PREVIOUS_PLATFORM_TOKEN_SECRET ?? '',
  };
};

/**
 * How a local stack's emulator retries a delivery the webhook did not take (Stripe retries for days): five attempts,
 * 100, 200, 400 and 800 ms apart. An event that reaches the webhook before its record is stored, answered 503
 * `account_pending` (a new account's first `account.updated` or `capability.updated`, an authorization), is then
 * still applied on a busy machine, where the emulator's own 300 ms could run out first.
 */
export const localWebhookRetry = { attempts: 5, backoffMs: 100 } as const;

/**
 * The emulator of a local stack whose gateway is at `gatewayUrl`: the credentials the functions get, the
 * callback registered as its redirect URI, and the webhook route as its endpoint (none with `webhooks: false`).
 */
export const localEmulatorOptions = (input: {
  readonly gatewayUrl: string;
  readonly port: number;
  readonly env?: Env;
  readonly webhookApiVersion?: string | undefined;
  readonly webhooks?: false | undefined;
}): StripeEmulatorOptions => {
  const credentials = localCredentials(input.env);
  return {
    port: input.port,
    secretKey: credentials.secretKey,
    clientId: credentials.clientId,
    redirectUris: [`${input.gatewayUrl}${callbackPath}`],
    webhookRetry: localWebhookRetry,
    webhookEndpoints:
      input.webhooks === false
        ? []
        : [
            {
              url: `${input.gatewayUrl}${webhookPath}`,
              secret: credentials.signingSecret,
              ...(input.webhookApiVersion ? { apiVersion: input.webhookApiVersion } : {}),
            },
          ],
  };
};

export interface LocalEnvironmentInput {
  readonly gatewayUrl: string;
  /** The Stripe emulator; without one the functions talk to api.stripe.com (`npm start -- --stripe=test`). */
  readonly emulatorUrl?: string | undefined;
  readonly dynamoDbEndpoint: string;
  readonly tableName: (name: TableName) => string;
  /** Where the settings and credentials come from (default process.env). */
  readonly env?: Env;
}

export const localPagePaths = { success: '/local/connected', failure: '/local/failed' } as const;

export const localEnvironment = ({
  gatewayUrl,
  emulatorUrl,
  dynamoDbEndpoint,
  tableName,
  env = process.env,
}: LocalEnvironmentInput): Record<string, string> => {
  const credentials = localCredentials(env);
  return {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DYNAMODB_ENDPOINT: dynamoDbEndpoint,
    ...Object.fromEntries(Object.values(tableDefinitions).map((table) => [table.envVar, tableName(table.name)])),
    ...settingEnvironment({
      stripeApiBase: emulatorUrl || undefined,
      callbackUrl: `${gatewayUrl}${callbackPath}`,
      successUrl: env[variable.successUrl] ?? `${gatewayUrl}${localPagePaths.success}`,
      failureUrl: env[variable.failureUrl] ?? `${gatewayUrl}${localPagePaths.failure}`,
      returnToOrigins: env[variable.returnToOrigins] ?? gatewayUrl,
      stateTtlSeconds: env[variable.stateTtlSeconds] ?? String(settingDefaults.stateTtlSeconds),
      stripeTimeoutMs: env[variable.stripeTimeoutMs] ?? String(settingDefaults.stripeTimeoutMs),
      webhookToleranceSeconds: env[variable.webhookToleranceSeconds] ?? String(settingDefaults.webhookToleranceSeconds),
      livemodeMismatch: env[variable.livemodeMismatch] ?? settingDefaults.livemodeMismatch,
      expressFeesPayer: env[variable.expressFeesPayer] ?? settingDefaults.expressFeesPayer,
      expressLosses: env[variable.expressLosses] ?? settingDefaults.expressLosses,
    }),
    STRIPE_SECRET_KEY: credentials.secretKey,
    STRIPE_CLIENT_ID: credentials.clientId,
    STRIPE_WEBHOOK_SECRETS: credentials.webhookSecrets,
    PLATFORM_TOKEN_SECRET: credentials.platformTokenSecret,
    // Always set, empty for none: applyLocalEnvironment adds to the process's variables, so a value the shell
    // exported would otherwise reach the functions of a stack started without it (the tests' own).
    PREVIOUS_PLATFORM_TOKEN_SECRET: credentials.previousPlatformTokenSecret,
  };
};

/**
 * Variables the functions read that a local stack never sets: the stack sets them in AWS (Secrets Manager's
 * secret, the notice bus), and the Stripe host is the SDK's own unless an emulator is running.
 */
const unsetLocally = ['SECRET_ID', 'EVENT_BUS_NAME', settingVariables.stripeApiBase] as const;

/**
 * Gives this process the functions' environment of a local stack, as the CDK stack gives a Lambda its
 * own: the variables of `environment`, and none of the AWS-only ones a shell may have exported (a
 * `SECRET_ID` would send the functions to a Secrets Manager they cannot reach).
 */
export const applyLocalEnvironment = (environment: Readonly<Record<string, string>>): void => {
  for (const name of unsetLocally) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
};
