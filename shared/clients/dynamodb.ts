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

/** What the stores use of a DynamoDB client: sending a command. */
export type StoreClient = Pick<DynamoDBDocumentClient, 'send'>;

/**
 * The container's client for one request: each call it sends is aborted once `signal` is, that is once middy
 * has answered a request that ran out of time (shared/http/handler.ts). So none of that request's writes lands
 * or is tried again after its answer, nor when Lambda thaws the container for a later request.
 */
export const documentClientFor = (signal: AbortSignal): StoreClient => {
  const client = documentClient();
  return {
    send: ((command: Parameters<StoreClient['send']>[0], options?: { abortSignal?: AbortSignal }) =>
      client.send(command, { ...options, abortSignal: signal })) as StoreClient['send'],
  };
};

/** Tests swap in a client that fails or counts calls; handlers pick it up on their next request. */
export const useDocumentClient = (client: DynamoDBDocumentClient | undefined): void => {
  shared = client;
};
