/** Floor of `login-link`: read the account, create a login link at Stripe. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';
import { floorStripe } from './stripe';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const accountId = event.pathParameters?.accountId ?? new URLSearchParams(event.rawQueryString).get('account') ?? '';
  await floorDocumentClient().send(new GetCommand({ TableName: table('ACCOUNTS_TABLE'), Key: { accountId } }));
  const link = await floorStripe().accounts.createLoginLink(accountId);
  return json(200, link);
};
