/**
 * The whole service on loopback for integration tests: the local gateway serving the real
 * handlers, the Stripe emulator, and this file's own tables in the run's embedded DynamoDB.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { localDefaults } from '../../local/defaults';
import type { GatewayOptions } from '../../local/gateway';
import { startLocalServiceStack } from '../../local/stack';
import { useDocumentClient } from '../../shared/clients/dynamodb';
import { mintPlatformToken } from '../../shared/platform-token';
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
  /** The API version of the emulator's webhook endpoint (default: the one the service pins). */
  readonly webhookApiVersion?: string;
  /** `false`: Stripe sends no webhooks (see LocalServiceStackOptions). */
  readonly webhooks?: false;
}

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const stack = await startLocalServiceStack({
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    tableName: (name) => `${prefix}-${name}`,
    // Never the shell's credentials: the tests sign webhooks and mint tickets with local/defaults.ts.
    baseEnv: {},
    ...(options.gateway ? { gateway: options.gateway } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.webhookApiVersion ? { webhookApiVersion: options.webhookApiVersion } : {}),
    ...(options.webhooks === false ? { webhooks: false } : {}),
  });
  useDocumentClient(undefined);
  return {
    ...stack,
    mintTicket: (platformUserId, lifetimeSeconds) =>
      mintPlatformToken(platformUserId, localDefaults.platformTokenSecret, lifetimeSeconds),
  };
};

/**
 * One local stack for a test file: started before its first test, closed after its last. The object
 * answers for the stack once it has started (inside hooks and tests registered after this call).
 * @example
 * const stack = useLocalStack({ env: { STRIPE_TIMEOUT_MS: '1500' } });
 */
export const useLocalStack = (options: LocalStackOptions = {}): LocalStack => {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack(options);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const started = (): LocalStack => {
    if (!stack) throw new Error('the local stack has not started: use it inside a hook or a test');
    return stack;
  };
  return {
    get gatewayUrl() {
      return started().gatewayUrl;
    },
    get emulator() {
      return started().emulator;
    },
    get tables() {
      return started().tables;
    },
    get dynamoDbEndpoint() {
      return started().dynamoDbEndpoint;
    },
    mintTicket: (platformUserId, lifetimeSeconds) => started().mintTicket(platformUserId, lifetimeSeconds),
    close: () => started().close(),
  };
};
