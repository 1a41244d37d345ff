import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * How long one DynamoDB attempt may take before the SDK gives up on it and tries again on another socket.
 * The SDK sets none: a request on a connection that died while Lambda froze the container waits for the
 * socket's own 5-minute timeout, that is, for the function's timeout. DynamoDB answers in milliseconds.
 */
export const dynamoDbTimeouts = { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } as const;

/**
 * One document client per container. `DYNAMODB_ENDPOINT` points it at the embedded engine locally;
 * in AWS it is unset and the SDK uses the regional endpoint. Standard retry mode (3 attempts)
 * absorbs throttling and an attempt that timed out (`dynamoDbTimeouts`); what still fails becomes a 503.
 */
export const createDocumentClient = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): DynamoDBDocumentClient => {
  const endpoint = env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    retryMode: 'standard',
    maxAttempts: 3,
    requestHandler: dynamoDbTimeouts,
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
