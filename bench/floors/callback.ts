/**
 * Floor of `callback`: consume the state (one update that marks it used), exchange the code at Stripe, store the connection (one
 * update), read the account there (without a network retry, as ours) and store its state (another update).
 */
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, redirect, table } from './sdk';
import { floorStripe } from './stripe';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const query = new URLSearchParams(event.rawQueryString);
  const stateHash = createHash('sha256')
    .update(query.get('state') ?? '')
    .digest('base64url');
  await floorDocumentClient().send(
    new UpdateCommand({
      TableName: table('STATES_TABLE'),
      Key: { stateHash },
      UpdateExpression: 'SET consumedBy = :consumer',
      ExpressionAttributeValues: { ':consumer': 'bench_floor' },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const token = await floorStripe().oauth.token({ grant_type: 'authorization_code', code: query.get('code') ?? '' });
  const accountId = token.stripe_user_id ?? '';
  await floorDocumentClient().send(
    new UpdateCommand({
      TableName: table('ACCOUNTS_TABLE'),
      Key: { accountId },
      UpdateExpression: 'SET platformUserId = :user, #status = :connected',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':user': 'bench_floor', ':connected': 'connected' },
    }),
  );
  const account = await floorStripe().accounts.retrieve(accountId, {}, { maxNetworkRetries: 0 });
  await floorDocumentClient().send(
    new UpdateCommand({
      TableName: table('ACCOUNTS_TABLE'),
      Key: { accountId },
      UpdateExpression: 'SET chargesEnabled = :charges, payoutsEnabled = :payouts',
      ExpressionAttributeValues: { ':charges': account.charges_enabled, ':payouts': account.payouts_enabled },
    }),
  );
  return redirect(`${process.env.SUCCESS_URL ?? ''}?account=${accountId}`);
};
