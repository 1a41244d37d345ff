import type { TestProject } from 'vitest/node';
import { startEmbeddedDynamoDb } from '../../local/dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    dynamoDbEngine: string;
  }
}

/** One embedded DynamoDB for the whole run; each test file creates its own tables in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startEmbeddedDynamoDb({ port: 0 });
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  project.provide('dynamoDbEngine', dynamoDb.engine);
  return () => dynamoDb.close();
}
