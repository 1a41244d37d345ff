/** Floor of `webhook`: one conditional update of the account, as a new `account.updated` makes. No Stripe client. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const parsed = JSON.parse(event.body ?? '{}') as { id?: string; account?: string; created?: number };
  const entry = `${parsed.created ?? 0}:${parsed.id ?? ''}`;
  await floorDocumentClient().send(
    new UpdateCommand({
      TableName: table('ACCOUNTS_TABLE'),
      Key: { accountId: parsed.account ?? '' },
      UpdateExpression: 'SET updatedAt = :at ADD appliedEvents :event',
      ConditionExpression: 'attribute_exists(accountId) AND NOT contains(appliedEvents, :entry)',
      ExpressionAttributeValues: { ':at': new Date().toISOString(), ':event': new Set([entry]), ':entry': entry },
    }),
  );
  return json(200, { received: true });
};
