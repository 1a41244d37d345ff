/** Floor of `webhook`: one transaction recording the event and updating its account. No Stripe client. */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const parsed = JSON.parse(event.body ?? '{}') as { id?: string; account?: string };
  await floorDocumentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table('EVENTS_TABLE'), Item: { eventId: `floor_${parsed.id ?? ''}` }, ConditionExpression: 'attribute_not_exists(eventId)' } },
        {
          Update: {
            TableName: table('ACCOUNTS_TABLE'),
            Key: { accountId: parsed.account ?? '' },
            UpdateExpression: 'SET updatedAt = :at',
            ConditionExpression: 'attribute_exists(accountId)',
            ExpressionAttributeValues: { ':at': new Date().toISOString() },
          },
        },
      ],
    }),
  );
  return json(200, { received: true });
};
