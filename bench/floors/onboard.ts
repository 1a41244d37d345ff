/**
 * Floor of `onboard` (its start, the heaviest route): list the user's accounts (one query), create the
 * account at Stripe with an idempotency key, record it (one update), create its Account Link, redirect.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { floorDocumentClient, floorSecretsClient, redirect, table } from './sdk';
import { floorStripe } from './stripe';

export const handler = async (event: APIGatewayProxyEventV2) => {
  floorSecretsClient();
  const type = new URLSearchParams(event.rawQueryString).get('type') === 'standard' ? 'full' : 'express';
  await floorDocumentClient().send(
    new QueryCommand({
      TableName: table('ACCOUNTS_TABLE'),
      IndexName: 'byPlatformUser',
      KeyConditionExpression: 'platformUserId = :user',
      ExpressionAttributeValues: { ':user': 'bench_floor' },
    }),
  );
  const account = await floorStripe().accounts.create(
    { controller: { stripe_dashboard: { type } } },
    { idempotencyKey: `bench-floor-${type}` },
  );
  await floorDocumentClient().send(
    new UpdateCommand({
      TableName: table('ACCOUNTS_TABLE'),
      Key: { accountId: account.id },
      UpdateExpression: 'SET platformUserId = :user, #status = :connected',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':user': 'bench_floor', ':connected': 'connected' },
    }),
  );
  const base = process.env.CALLBACK_URL ?? 'http://localhost/connect/callback';
  const link = await floorStripe().accountLinks.create({
    account: account.id,
    type: 'account_onboarding',
    refresh_url: base,
    return_url: base,
  });
  return redirect(link.url);
};
