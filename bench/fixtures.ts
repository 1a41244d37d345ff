/**
 * What the scenarios need before a timed request: platform tokens, OAuth flows run up to the
 * callback (authorize → the emulator's consent → a callback URL and the browser's state cookie),
 * connected accounts, and signed webhook events. Accounts come either from a real OAuth flow
 * (they then exist at the emulator too) or are put straight into the accounts table in the shape
 * shared/stores/accounts-repo.ts writes.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { signatureHeader } from '../emulator';
import { localDefaults } from '../local/defaults';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { browserCookieName } from '../shared/http/cookies';
import { mintPlatformToken } from '../shared/platform-token';
import { type FunctionName, type Route, routes } from '../shared/routes';
import { stripeApiVersion } from '../shared/stripe/api-version';
import { type BenchRequest, toEvent } from './requests';
import type { BenchStack } from './stack';

export type Invoke = (name: FunctionName, event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export const benchUser = 'bench_user';
/**
 * The user `GET /accounts` lists: 30 confirmed accounts (a default page of 25, and more), seeded once. Not
 * the bench user, whose newest accounts are the hundreds of connections the callback runs leave pending,
 * which no list shows (each skipped item is read and filtered out).
 */
export const listUser = 'bench_lister';
/** The user whose onboarding the onboard routes resume: only the accounts onboarding creates, as a platform's seller has. */
export const onboardUser = 'bench_onboarder';

/**
 * The id cookie of the browser the bench onboards in, as `/connect/onboard`'s first answer to a browser without
 * one sets it (shared/onboarding/browser-binding.ts): every onboarding request of the bench comes from a browser
 * that has been through that redirect.
 */
export const onboardingBrowserId = `${browserCookieName}=${randomBytes(32).toString('base64url')}`;

export const routeOf = (method: Route['method'], path: string): Route => {
  const route = routes.find((candidate) => candidate.method === method && candidate.path === path);
  if (!route) throw new Error(`no route ${method} ${path} in shared/routes.ts`);
  return route;
};

const authorizeRoute = routeOf('GET', '/connect/authorize');
const callbackRoute = routeOf('GET', '/connect/callback');
const confirmRoute = routeOf('POST', '/accounts/{accountId}/confirm');
const webhookRoute = routeOf('POST', '/webhooks/stripe');
const onboardRoute = routeOf('GET', '/connect/onboard');

export interface PendingConnection {
  readonly accountId: string;
  readonly confirmation: string;
}

export interface Fixtures {
  /** A fresh platform token for the bench user, or `user` (cheap; minted per request so none expires mid-run). */
  ticket(user?: string): Promise<string>;
  /** An OAuth flow up to Stripe's redirect back: the callback request a browser would send. */
  callbackRequest(flow: 'standard' | 'express'): Promise<BenchRequest>;
  /** A connected account of the bench user, through the whole OAuth flow. */
  connectedAccount(flow: 'standard' | 'express'): Promise<string>;
  /** An account connected through OAuth and not yet confirmed, with the value the success redirect carried. */
  pendingConnection(flow: 'standard' | 'express'): Promise<PendingConnection>;
  /** `POST /accounts/{id}/confirm` for a pending connection, as the platform's backend sends it. */
  confirmRequest(pending: PendingConnection): Promise<BenchRequest>;
  /**
   * The bench user's unfinished Express onboarding as the browser that started it comes back from Stripe:
   * the resume value the refresh and return URLs carry, and the binding cookie `/connect/onboard` set
   * (without it both pages send the browser to the failure URL and do nothing else). Started once, its
   * Account Link used once, then opened again, which sends the browser to the refresh URL as Stripe does.
   */
  onboardingBrowser(): Promise<{ readonly resume: string; readonly cookies: readonly string[] }>;
  /** Confirmed accounts of the bench user (or `user`) put straight into the table (no emulator account behind them). */
  seedAccounts(count: number, user?: string): Promise<string[]>;
  /**
   * The `created` (epoch seconds) of the next event about `accountId`: one second after the last handed out
   * for it, starting a day back. Stripe's events for one account seldom share a second, and two snapshots of
   * one second cost the webhook a Stripe read (docs/webhooks.md), so the bench's must not share one either.
   */
  eventSecond(accountId: string): number;
  webhookRequest(
    type: 'account.updated' | 'account.application.authorized' | 'capability.updated',
    accountId: string,
    eventId?: string,
  ): BenchRequest;
}

const header = (result: APIGatewayProxyStructuredResultV2, name: string): string =>
  String(result.headers?.[name] ?? '');

export const createFixtures = (stack: BenchStack, invoke: Invoke): Fixtures => {
  const ticket = (user = benchUser) => mintPlatformToken(user, localDefaults.platformTokenSecret, 900);

  const callbackRequest = async (flow: 'standard' | 'express'): Promise<BenchRequest> => {
    const started = await invoke(
      'authorize',
      toEvent({ route: authorizeRoute, query: `type=${flow}&ticket=${await ticket()}` }),
    );
    const cookie = (started.cookies?.[0] ?? '').split(';')[0] ?? '';
    if (started.statusCode !== 302 || !cookie)
      throw new Error(`authorize answered ${started.statusCode}: ${started.body ?? ''}`);
    const callbackUrl = new URL(await stack.emulator.decide(header(started, 'location'), 'allow'));
    return { route: callbackRoute, query: callbackUrl.search.slice(1), cookies: [cookie] };
  };

  /** The whole flow up to the success redirect: an account pending its platform's confirmation. */
  const pendingConnection = async (flow: 'standard' | 'express'): Promise<PendingConnection> => {
    const finished = await invoke('callback', toEvent(await callbackRequest(flow)));
    const success = new URL(header(finished, 'location')).searchParams;
    const accountId = success.get('account');
    const confirmation = success.get('confirmation');
    if (!accountId || !confirmation)
      throw new Error(`callback did not connect an account: ${header(finished, 'location')}`);
    return { accountId, confirmation };
  };

  /** The platform backend's confirmation of a pending account, for the bench user. */
  const confirmRequest = async ({ accountId, confirmation }: PendingConnection): Promise<BenchRequest> => ({
    route: confirmRoute,
    pathParameters: { accountId },
    headers: { authorization: `Bearer ${await ticket()}` },
    body: JSON.stringify({ confirmation }),
  });

  /** The whole flow, then the platform's confirmation of the account for the bench user. */
  const connectedAccount = async (flow: 'standard' | 'express'): Promise<string> => {
    const pending = await pendingConnection(flow);
    const confirmed = await invoke('deauthorize', toEvent(await confirmRequest(pending)));
    if (confirmed.statusCode !== 200)
      throw new Error(`confirm answered ${confirmed.statusCode}: ${confirmed.body ?? ''}`);
    return pending.accountId;
  };

  const seedAccounts = async (count: number, user = benchUser): Promise<string[]> => {
    const client = createDocumentClient({ DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint });
    const at = new Date().toISOString();
    const ids = Array.from({ length: count }, () => `acct_bench${randomBytes(8).toString('hex')}`);
    for (let start = 0; start < ids.length; start += 25) {
      const items = ids.slice(start, start + 25).map((accountId) => ({
        PutRequest: {
          Item: {
            accountId,
            platformUserId: user,
            type: 'standard',
            scope: 'read_write',
            livemode: false,
            status: 'connected',
            connectedAt: at,
            updatedAt: at,
            statusChangedAt: Date.parse(at),
            chargesEnabled: false,
            payoutsEnabled: false,
            detailsSubmitted: false,
            capabilities: {},
          },
        },
      }));
      await client.send(new BatchWriteCommand({ RequestItems: { [stack.tables.accounts]: items } }));
    }
    client.destroy();
    return ids;
  };

  const lastEventSecond = new Map<string, number>();
  const firstEventSecond = Math.floor(Date.now() / 1000) - 24 * 60 * 60;
  const eventSecond: Fixtures['eventSecond'] = (accountId) => {
    const second = (lastEventSecond.get(accountId) ?? firstEventSecond) + 1;
    lastEventSecond.set(accountId, second);
    return second;
  };

  const webhookRequest: Fixtures['webhookRequest'] = (
    type,
    accountId,
    eventId = `evt_bench${randomBytes(12).toString('hex')}`,
  ) => {
    const created = eventSecond(accountId);
    const object =
      type === 'account.updated'
        ? {
            id: accountId,
            object: 'account',
            charges_enabled: true,
            payouts_enabled: true,
            details_submitted: true,
            capabilities: { card_payments: 'active', transfers: 'active' },
            requirements: {
              currently_due: [],
              eventually_due: [],
              past_due: [],
              disabled_reason: null,
              current_deadline: null,
            },
          }
        : type === 'capability.updated'
          ? { id: 'card_payments', object: 'capability', account: accountId, status: 'active', requested: true }
          : { id: localDefaults.stripeClientId, object: 'application', name: 'Local Platform' };
    const body = JSON.stringify({
      id: eventId,
      object: 'event',
      account: accountId,
      api_version: stripeApiVersion,
      created,
      data: { object },
      livemode: false,
      type,
    });
    return {
      route: webhookRoute,
      body,
      headers: {
        'stripe-signature': signatureHeader(body, localDefaults.webhookSecret, Math.floor(Date.now() / 1000)),
      },
    };
  };

  let onboarding: Promise<{ resume: string; cookies: string[] }> | undefined;
  const startOnboarding = async (): Promise<{ resume: string; cookies: string[] }> => {
    const started = await invoke(
      'onboard',
      toEvent({
        route: onboardRoute,
        query: `type=express&ticket=${await ticket(onboardUser)}`,
        cookies: [onboardingBrowserId],
      }),
    );
    const link = header(started, 'location');
    const cookie = (started.cookies?.[0] ?? '').split(';')[0] ?? '';
    if (started.statusCode !== 302 || !link || !cookie)
      throw new Error(`onboard answered ${started.statusCode}: ${started.body ?? ''}`);
    await fetch(link, { redirect: 'manual' }).then((response) => response.arrayBuffer());
    const again = await fetch(link, { redirect: 'manual' });
    await again.arrayBuffer();
    const value = new URL(again.headers.get('location') ?? '', link).searchParams.get('resume');
    if (!value) throw new Error(`a used Account Link did not send the browser to the refresh URL (${again.status})`);
    return { resume: value, cookies: [onboardingBrowserId, cookie] };
  };
  const onboardingBrowser = () => {
    onboarding ??= startOnboarding();
    return onboarding;
  };

  return {
    ticket,
    callbackRequest,
    connectedAccount,
    pendingConnection,
    confirmRequest,
    onboardingBrowser,
    seedAccounts,
    eventSecond,
    webhookRequest,
  };
};
