/**
 * Floor of `onboard` (its start, the heaviest route): list the user's accounts (one query), create the
 * account at Stripe with an idempotency key, record it (one update), create its Account Link, redirect.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type Stripe from 'stripe';
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
  // The controller the service sends with its default settings (shared/onboarding/account-settings.ts, EXPRESS_FEES_PAYER
  // and EXPRESS_LOSSES at `application`), as the bench runs it: Stripe's defaults for what is left out are the full
  // Dashboard's fees and losses.
  const controller: Stripe.AccountCreateParams.Controller =
    type === 'express'
      ? {
          stripe_dashboard: { type },
          fees: { payer: 'application' },
          losses: { payments: 'application' },
          requirement_collection: 'stripe',
        }
      : { stripe_dashboard: { type } };
  const account = await floorStripe().accounts.create({ controller }, { idempotencyKey: `bench-floor-${type}` });
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
