/** Floor of `authorize`: one conditional put of a state, then the redirect. */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, redirect, table } from './sdk';

export const handler = async (_event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const stateHash = randomBytes(32).toString('base64url');
  await floorDocumentClient().send(
    new PutCommand({
      TableName: table('STATES_TABLE'),
      Item: { stateHash, expiresAt: Date.now() + 600_000 },
      ConditionExpression: 'attribute_not_exists(stateHash)',
    }),
  );
  return redirect(`${process.env.STRIPE_API_BASE ?? ''}/oauth/authorize?state=${stateHash}`);
};
