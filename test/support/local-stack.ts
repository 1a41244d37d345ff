/**
 * The whole service on loopback for integration tests: the local gateway serving the real
 * handlers, the Stripe emulator, and this file's own tables in the run's embedded DynamoDB.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../emulator';
import { localDefaults } from '../../local/defaults';
import { ensureTables } from '../../local/dynamodb';
import { localEnvironment } from '../../local/environment';
import { startGateway, type GatewayOptions } from '../../local/gateway';
import { useDocumentClient } from '../../shared/clients/dynamodb';
import { mintPlatformToken } from '../../shared/platform-token';
import { callbackPath } from '../../shared/routes';
import type { TableName } from '../../shared/tables';

export interface LocalStack {
  readonly gatewayUrl: string;
  readonly emulator: StripeEmulator;
  readonly tables: Readonly<Record<TableName, string>>;
  readonly dynamoDbEndpoint: string;
  mintTicket(platformUserId: string, lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  readonly env?: Record<string, string>;
  readonly gateway?: Omit<GatewayOptions, 'port'>;
}

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const dynamoDbEndpoint = inject('dynamoDbEndpoint');
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const tableName = (name: TableName) => `${prefix}-${name}`;
  await ensureTables(dynamoDbEndpoint, tableName);

  const gateway = await startGateway(options.gateway ?? {});
  const emulator = await startStripeEmulator({
    port: 0,
    secretKey: options.env?.['STRIPE_SECRET_KEY'] ?? localDefaults.stripeSecretKey,
    clientId: localDefaults.stripeClientId,
    redirectUris: [`${gateway.url}${callbackPath}`],
    webhookEndpoints: [{ url: `${gateway.url}/webhooks/stripe`, secret: localDefaults.webhookSecret }],
  });
  Object.assign(process.env, localEnvironment({ gatewayUrl: gateway.url, emulatorUrl: emulator.url, dynamoDbEndpoint, tableName }), options.env);
  useDocumentClient(undefined);

  return {
    gatewayUrl: gateway.url,
    emulator,
    dynamoDbEndpoint,
    tables: { states: tableName('states'), accounts: tableName('accounts'), events: tableName('events') },
    mintTicket: (platformUserId, lifetimeSeconds) => mintPlatformToken(platformUserId, localDefaults.platformTokenSecret, lifetimeSeconds),
    close: async () => {
      await emulator.close();
      await gateway.close();
    },
  };
};
