/** Floor of `accounts`: one read (a query for the list, a get for one account). */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const accountId = event.pathParameters?.accountId;
  const client = floorDocumentClient();
  const result = accountId
    ? (await client.send(new GetCommand({ TableName: table('ACCOUNTS_TABLE'), Key: { accountId } }))).Item
    : (
        await client.send(
          new QueryCommand({
            TableName: table('ACCOUNTS_TABLE'),
            IndexName: 'byPlatformUser',
            KeyConditionExpression: 'platformUserId = :user',
            ExpressionAttributeValues: { ':user': 'bench_user' },
            Limit: 20,
          }),
        )
      ).Items;
  return json(200, { data: result ?? null });
};
