/**
 * The environment the functions see in a local stack: the same variables the CDK stack sets in
 * AWS, plus the secrets that Secrets Manager holds there, pointed at local servers.
 */
import { settingDefaults } from '../shared/config';
import { callbackPath } from '../shared/routes';
import { type TableName, tableDefinitions } from '../shared/tables';
import { localDefaults } from './defaults';

export interface LocalEnvironmentInput {
  readonly gatewayUrl: string;
  /** The Stripe emulator; without one the functions talk to api.stripe.com (`npm start -- --stripe=test`). */
  readonly emulatorUrl?: string | undefined;
  readonly dynamoDbEndpoint: string;
  readonly tableName: (name: TableName) => string;
}

export const localPagePaths = { success: '/local/connected', failure: '/local/failed' } as const;

export const localEnvironment = ({
  gatewayUrl,
  emulatorUrl,
  dynamoDbEndpoint,
  tableName,
}: LocalEnvironmentInput): Record<string, string> => ({
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  DYNAMODB_ENDPOINT: dynamoDbEndpoint,
  ...Object.fromEntries(Object.values(tableDefinitions).map((table) => [table.envVar, tableName(table.name)])),
  ...(emulatorUrl ? { STRIPE_API_BASE: emulatorUrl } : {}),
  CALLBACK_URL: `${gatewayUrl}${callbackPath}`,
  SUCCESS_URL: process.env.SUCCESS_URL ?? `${gatewayUrl}${localPagePaths.success}`,
  FAILURE_URL: process.env.FAILURE_URL ?? `${gatewayUrl}${localPagePaths.failure}`,
  RETURN_TO_ORIGINS: process.env.RETURN_TO_ORIGINS ?? gatewayUrl,
  STATE_TTL_SECONDS: process.env.STATE_TTL_SECONDS ?? String(settingDefaults.stateTtlSeconds),
  STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? localDefaults.stripeSecretKey,
  STRIPE_CLIENT_ID: process.env.STRIPE_CLIENT_ID ?? localDefaults.stripeClientId,
  STRIPE_WEBHOOK_SECRETS: process.env.STRIPE_WEBHOOK_SECRETS ?? localDefaults.webhookSecret,
  PLATFORM_TOKEN_SECRET: process.env.PLATFORM_TOKEN_SECRET ?? localDefaults.platformTokenSecret,
});
