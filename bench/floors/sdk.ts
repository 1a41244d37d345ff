/**
 * The SDK clients a floor bundle carries, configured as ours are (shared/clients/*) but with no
 * code of ours: what a function of this service cannot get below. The one thing taken from ours is a value,
 * the DynamoDB timeouts, so the two clients stay configured alike.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbTimeouts } from '../../shared/clients/dynamodb';

const env = (name: string): string => process.env[name] ?? '';

let documentClient: DynamoDBDocumentClient | undefined;

export const floorDocumentClient = (): DynamoDBDocumentClient =>
  (documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      retryMode: 'standard',
      maxAttempts: 3,
      requestHandler: dynamoDbTimeouts,
      endpoint: env('DYNAMODB_ENDPOINT'),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  ));

/** Built only where ours builds it (`SECRET_ID` set, i.e. in AWS); bundled either way. */
export const floorSecretsClient = (): SecretsManagerClient | undefined =>
  process.env.SECRET_ID ? new SecretsManagerClient({}) : undefined;

export const table = (variable: 'STATES_TABLE' | 'ACCOUNTS_TABLE' | 'EVENTS_TABLE'): string => env(variable);

export const redirect = (location: string) => ({ statusCode: 302, headers: { location }, body: '' });

export const json = (statusCode: number, body: unknown) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
