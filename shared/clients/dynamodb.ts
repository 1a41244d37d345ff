import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One document client per container. `DYNAMODB_ENDPOINT` points it at the embedded engine locally;
 * in AWS it is unset and the SDK uses the regional endpoint. Standard retry mode (3 attempts)
 * absorbs throttling; what still fails becomes a 503.
 */
export const createDocumentClient = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): DynamoDBDocumentClient => {
  const endpoint = env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    retryMode: 'standard',
    maxAttempts: 3,
    ...(endpoint
      ? { endpoint, region: env.AWS_REGION ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
};

let shared: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => (shared ??= createDocumentClient());

/** Tests swap in a client that fails or counts calls; handlers pick it up on their next request. */
export const useDocumentClient = (client: DynamoDBDocumentClient | undefined): void => {
  shared = client;
};
