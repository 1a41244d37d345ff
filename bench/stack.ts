/**
 * The service on loopback for the benchmark: the embedded DynamoDB (with a counting proxy in
 * front), the Stripe emulator and the local gateway, on free ports with this run's own tables.
 * Sets the functions' environment on process.env, as `npm start` does.
 */
import { randomBytes } from 'node:crypto';
import { startStripeEmulator } from '../emulator';
import { localDefaults } from '../local/defaults';
import { type DynamoDbEngine, ensureTables, startEmbeddedDynamoDb } from '../local/dynamodb';
import { applyLocalEnvironment, localEnvironment } from '../local/environment';
import { startGateway } from '../local/gateway';
import type { LocalServiceStack } from '../local/stack';
import { callbackPath } from '../shared/routes';
import type { TableName } from '../shared/tables';
import { type CountingProxy, startCountingProxy } from './counting-proxy';

/**
 * The local stack's shape (`dynamoDbEndpoint` is the engine itself: what the functions use unless a
 * phase counts round trips; `environment` is exactly what a cold child gets), plus the counting proxy.
 */
export interface BenchStack extends LocalServiceStack {
  readonly engine: DynamoDbEngine;
  readonly proxy: CountingProxy;
}

export const startBenchStack = async (): Promise<BenchStack> => {
  const dynamoDb = await startEmbeddedDynamoDb({ port: 0 });
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const tableName = (name: TableName) => `${prefix}-${name}`;
  await ensureTables(dynamoDb.endpoint, tableName);
  const proxy = await startCountingProxy(dynamoDb.endpoint);
  const gateway = await startGateway({});
  const emulator = await startStripeEmulator({
    port: 0,
    secretKey: localDefaults.stripeSecretKey,
    clientId: localDefaults.stripeClientId,
    redirectUris: [`${gateway.url}${callbackPath}`],
    webhookEndpoints: [],
  });
  const environment = localEnvironment({
    gatewayUrl: gateway.url,
    emulatorUrl: emulator.url,
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName,
    // The credentials of local/defaults.ts, as the emulator above: never a shell's exported ones.
    env: {},
  });
  applyLocalEnvironment(environment);
  return {
    gatewayUrl: gateway.url,
    emulator,
    dynamoDbEndpoint: dynamoDb.endpoint,
    engine: dynamoDb.engine,
    proxy,
    tables: { states: tableName('states'), accounts: tableName('accounts'), events: tableName('events') },
    environment,
    close: async () => {
      await gateway.close();
      await emulator.close();
      await proxy.close();
      await dynamoDb.close();
    },
  };
};
