/**
 * Floor of `accounts`: one read (a get for one account; for the list, the query a default page needs:
 * 25 accounts and one more for `has_more`, newest first, accounts pending confirmation filtered out).
 */
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
            FilterExpression: 'attribute_not_exists(confirmationHash) OR attribute_exists(confirmedAt)',
            // The user the bench lists (bench/fixtures.ts, `listUser`).
            ExpressionAttributeValues: { ':user': 'bench_lister' },
            ScanIndexForward: false,
            Limit: 26,
          }),
        )
      ).Items;
  return json(200, { data: result ?? null });
};
