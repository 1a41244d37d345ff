/**
 * The whole service on loopback, in this process: the embedded DynamoDB (or an existing one), the
 * Stripe emulator sending signed webhooks to the gateway, and the gateway serving the real
 * handlers. Sets the functions' environment on process.env, as the stack does in AWS.
 */
import { type StripeEmulator, startStripeEmulator } from '../emulator';
import type { TableName } from '../shared/tables';
import { ensureTables, startEmbeddedDynamoDb } from './dynamodb';
import { applyLocalEnvironment, localEmulatorOptions, localEnvironment } from './environment';
import { type GatewayOptions, startGateway } from './gateway';

export interface LocalServiceStack {
  readonly gatewayUrl: string;
  readonly emulator: StripeEmulator;
  readonly dynamoDbEndpoint: string;
  readonly tables: Readonly<Record<TableName, string>>;
  readonly environment: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface LocalServiceStackOptions {
  /** Use this DynamoDB instead of starting one (tests share one engine per run). */
  readonly dynamoDbEndpoint?: string;
  readonly tableName: (name: TableName) => string;
  readonly gateway?: GatewayOptions;
  readonly emulatorPort?: number;
  /**
   * The settings and credentials the stack starts from (default: process.env, so `npm start` takes an
   * operator's exported ones). The tests pass `{}`: they sign and mint with local/defaults.ts, and a shell
   * that exports STRIPE_WEBHOOK_SECRETS, PLATFORM_TOKEN_SECRET or PREVIOUS_PLATFORM_TOKEN_SECRET must not change what
   * the functions expect.
   */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Overrides of the functions' environment (e.g. a short STRIPE_TIMEOUT_MS). */
  readonly env?: Readonly<Record<string, string>>;
  /** The API version the emulator's webhook endpoint was "created with" (default: the one the service pins). */
  readonly webhookApiVersion?: string;
  /**
   * `false`: the emulator has no webhook endpoint, so the service hears from Stripe only through its own
   * calls (as while Stripe's retries of a refused event are still waiting). Default: the gateway's.
   */
  readonly webhooks?: false;
}

export const startLocalServiceStack = async (options: LocalServiceStackOptions): Promise<LocalServiceStack> => {
  // Whatever started is closed again if a later step fails: no half-started stack is left running.
  const started: (() => Promise<void>)[] = [];
  const closeStarted = async (): Promise<void> => {
    for (const close of started.splice(0).reverse()) await close();
  };
  try {
    const ownDynamoDb = options.dynamoDbEndpoint ? undefined : await startEmbeddedDynamoDb({ port: 0 });
    if (ownDynamoDb) started.push(() => ownDynamoDb.close());
    const dynamoDbEndpoint = options.dynamoDbEndpoint ?? ownDynamoDb?.endpoint ?? '';
    await ensureTables(dynamoDbEndpoint, options.tableName);
    const gateway = await startGateway(options.gateway ?? {});
    started.push(() => gateway.close());
    // The functions' settings: the base's (the process's), with the stack's overrides on top; the emulator
    // takes its credentials from the same place, so the two always agree.
    const env = { ...(options.baseEnv ?? process.env), ...options.env };
    const emulator = await startStripeEmulator(
      localEmulatorOptions({
        gatewayUrl: gateway.url,
        port: options.emulatorPort ?? 0,
        env,
        webhookApiVersion: options.webhookApiVersion,
        webhooks: options.webhooks,
      }),
    );
    started.push(() => emulator.close());
    const environment = {
      ...localEnvironment({
        gatewayUrl: gateway.url,
        emulatorUrl: emulator.url,
        dynamoDbEndpoint,
        tableName: options.tableName,
        env,
      }),
      ...options.env,
    };
    applyLocalEnvironment(environment);
    return {
      gatewayUrl: gateway.url,
      emulator,
      dynamoDbEndpoint,
      tables: {
        states: options.tableName('states'),
        accounts: options.tableName('accounts'),
        events: options.tableName('events'),
      },
      environment,
      close: closeStarted,
    };
  } catch (error) {
    await closeStarted();
    throw error;
  }
};
