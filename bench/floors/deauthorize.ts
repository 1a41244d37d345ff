/** Floor of `deauthorize`: read the account, deauthorize it at Stripe, mark it (one update). */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';
import { floorStripe } from './stripe';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const accountId = event.pathParameters?.accountId ?? '';
  const client = floorDocumentClient();
  await client.send(new GetCommand({ TableName: table('ACCOUNTS_TABLE'), Key: { accountId } }));
  await floorStripe().oauth.deauthorize({ client_id: process.env.STRIPE_CLIENT_ID ?? '', stripe_user_id: accountId });
  await client.send(
    new UpdateCommand({
      TableName: table('ACCOUNTS_TABLE'),
      Key: { accountId },
      UpdateExpression: 'SET #status = :deauthorized',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':deauthorized': 'deauthorized' },
    }),
  );
  return json(200, { accountId, status: 'deauthorized' });
};
