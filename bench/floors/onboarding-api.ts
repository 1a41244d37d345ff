/** Floor of `onboarding-api`: read the account, create an Account Link at Stripe. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, json, table } from './sdk';
import { floorStripe } from './stripe';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const accountId = event.pathParameters?.accountId ?? '';
  await floorDocumentClient().send(new GetCommand({ TableName: table('ACCOUNTS_TABLE'), Key: { accountId } }));
  const base = process.env.CALLBACK_URL ?? 'http://localhost/connect/callback';
  const link = await floorStripe().accountLinks.create({
    account: accountId,
    type: 'account_onboarding',
    refresh_url: base,
    return_url: base,
  });
  return json(200, link);
};
