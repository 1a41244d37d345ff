/**
 * Helpers for the platform API tests (accounts, login links, deauthorize): connecting accounts
 * through the real OAuth flow, seeding records straight into the table (for states Stripe cannot
 * reach, e.g. an account our record says is connected but Stripe does not know), calling the API
 * with a Bearer token, and minting the bad tokens the refusal tests need.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import Stripe from 'stripe';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import type { LocalStack } from './local-stack';
import { locationOf, openStartLink, TestBrowser } from './test-browser';

/** What the success redirect of a finished flow carries. */
export interface FinishedFlow {
  readonly accountId: string;
  readonly confirmation: string;
}

/** What the success redirect a flow landed on carries; an error naming the `flow` and the landing otherwise. */
const finishedAt = (landing: URL, flow: string): FinishedFlow => {
  const accountId = landing.searchParams.get('account');
  const confirmation = landing.searchParams.get('confirmation');
  if (!accountId?.startsWith('acct_') || !confirmation) throw new Error(`${flow} failed: ${landing.href}`);
  return { accountId, confirmation };
};

/** The platform's Stripe client, pointed at the stack's emulator: for a test to act at Stripe as the platform would. */
export const platformStripe = (stack: LocalStack, config: Stripe.StripeConfig = {}): Stripe => {
  const url = new URL(stack.emulator.url);
  return new Stripe(localDefaults.stripeSecretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    ...config,
  });
};

/** An Express account created at Stripe as onboarding's first visit creates one (transfers requested), and never stored here. */
export const createdAtStripeOnly = async (stack: LocalStack): Promise<string> =>
  (
    await platformStripe(stack).accounts.create({
      controller: { stripe_dashboard: { type: 'express' }, fees: { payer: 'application' } },
      capabilities: { transfers: { requested: true } },
    })
  ).id;

/**
 * Runs authorize (with `returnTo` when given) → emulator → callback in `browser` (a cookie jar of its own) with a
 * ticket minted for `user`, and returns where the callback sends the browser.
 */
export const flowLanding = async (
  stack: LocalStack,
  flow: 'standard' | 'express',
  user: string,
  { browser = new TestBrowser(), returnTo }: { readonly browser?: TestBrowser; readonly returnTo?: string } = {},
): Promise<URL> => {
  const query = new URLSearchParams({ type: flow, ticket: await stack.mintTicket(user) });
  if (returnTo !== undefined) query.set('return_to', returnTo);
  const start = await browser.get(`${stack.gatewayUrl}/connect/authorize?${query}`);
  return locationOf(await browser.get(await stack.emulator.decide(locationOf(start).href, 'allow')));
};

/**
 * Runs authorize → emulator → callback in `browser` (a cookie jar of its own) with a ticket minted
 * for `user`, and returns what the success redirect carries. The account is pending until confirmed.
 */
export const finishFlow = async (
  stack: LocalStack,
  flow: 'standard' | 'express',
  user: string,
  browser = new TestBrowser(),
): Promise<FinishedFlow> => {
  const finished = finishedAt(await flowLanding(stack, flow, user, { browser }), 'connecting');
  await settled(stack, finished.accountId);
  return finished;
};

/** Opens Stripe's hosted onboarding page (the emulator's) and answers it ("Agree and submit" or "Save for later"); returns Stripe's redirect. */
export const answerHostedPage = async (stack: LocalStack, link: URL, decision: 'submit' | 'later'): Promise<URL> => {
  const page = await fetch(link, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`the hosted onboarding page answered ${page.status}`);
  const session = /name="session" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const answered = await fetch(`${stack.emulator.url}/setup/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session, decision, business_name: 'Jo Crafts' }).toString(),
  });
  return locationOf(answered);
};

/**
 * Runs `/connect/onboard` → Stripe's hosted page → submit → our return in `browser` with a ticket minted for
 * `user`, and returns what the success redirect carries. The account is pending until confirmed.
 */
export const finishOnboarding = async (
  stack: LocalStack,
  type: 'standard' | 'express',
  user: string,
  browser = new TestBrowser(),
): Promise<FinishedFlow> => {
  const link = locationOf(
    await openStartLink(
      browser,
      `${stack.gatewayUrl}/connect/onboard?type=${type}&ticket=${await stack.mintTicket(user)}`,
    ),
  );
  const returned = locationOf(await browser.get((await answerHostedPage(stack, link, 'submit')).href));
  const finished = finishedAt(returned, 'onboarding');
  if (finished.accountId !== accountOfLink(link))
    throw new Error(`onboarding returned another account: ${returned.href}`);
  return finished;
};

/** `POST /accounts/{id}/confirm` with `{"confirmation": value}` and a token for `user`, as a platform backend does. */
export const confirmAccount = async (
  stack: LocalStack,
  user: string,
  { accountId, confirmation }: FinishedFlow,
): Promise<ApiResult> =>
  callApi(stack, 'POST', `/accounts/${accountId}/confirm`, await stack.mintTicket(user), { confirmation });

/**
 * Connects a new account for `user` as a platform would: the flow in the user's browser, then the
 * platform's backend confirms it for its logged-in user. Returns its id.
 */
export const connectAccount = async (
  stack: LocalStack,
  flow: 'standard' | 'express',
  user: string,
): Promise<string> => {
  const finished = await finishFlow(stack, flow, user);
  const confirmed = await confirmAccount(stack, user, finished);
  if (confirmed.status !== 200) throw new Error(`confirming failed: ${JSON.stringify(confirmed.body)}`);
  return finished.accountId;
};

/**
 * Waits until the emulator's account.application.authorized webhook for the new connection has been
 * answered (and so applied), so a test's own reads and captured notices are not raced by it.
 */
export const settled = async (stack: LocalStack, accountId: string): Promise<void> => {
  await stack.emulator.webhooksIdle(10_000);
  const delivered = stack.emulator
    .deliveries()
    .some(
      (delivery) => delivery.type === 'account.application.authorized' && delivery.account === accountId && delivery.ok,
    );
  if (!delivered) throw new Error(`${accountId} was never refreshed by account.application.authorized`);
};

let seeded = 0;

/** A unique account id Stripe (the emulator) has never heard of. */
export const unknownToStripe = (): string => {
  seeded += 1;
  return `acct_seed${Date.now().toString(36)}${seeded}`;
};

export interface SeedAccount {
  readonly accountId?: string;
  readonly platformUserId: string;
  readonly type: 'standard' | 'express';
  readonly status?: 'connected' | 'deauthorized';
  readonly connectedAt?: string;
  readonly livemode?: boolean;
  /** Pending confirmation with this hash and expiry (epoch ms); confirmed (as before confirmations) without. */
  readonly pending?: { readonly hash: string; readonly expiresAt: number };
  /** Created by the platform through onboarding (`connection: created`, in this slot of its user's). */
  readonly createdInSlot?: number;
}

/** Writes an account record as the callback would have; returns it as stored. */
export const seedAccount = async (stack: LocalStack, seed: SeedAccount): Promise<Record<string, unknown>> => {
  const connectedAt = seed.connectedAt ?? new Date().toISOString();
  const item = {
    accountId: seed.accountId ?? unknownToStripe(),
    platformUserId: seed.platformUserId,
    type: seed.type,
    scope: seed.type === 'express' ? 'express' : 'read_write',
    livemode: seed.livemode ?? false,
    status: seed.status ?? 'connected',
    chargesEnabled: true,
    payoutsEnabled: false,
    detailsSubmitted: true,
    capabilities: { transfers: 'active' },
    connectedAt,
    updatedAt: connectedAt,
    statusChangedAt: Date.parse(connectedAt),
    ...(seed.status === 'deauthorized' ? { deauthorizedAt: connectedAt } : {}),
    ...(seed.pending ? { confirmationHash: seed.pending.hash, confirmationExpiresAt: seed.pending.expiresAt } : {}),
    ...(seed.createdInSlot === undefined ? {} : { connection: 'created', onboardingSlot: seed.createdInSlot }),
  };
  await createDocumentClient().send(new PutCommand({ TableName: stack.tables.accounts, Item: item }));
  return item;
};

export const storedAccount = async (
  stack: LocalStack,
  accountId: string,
): Promise<Record<string, unknown> | undefined> =>
  (
    await createDocumentClient().send(
      new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }),
    )
  ).Item;

/**
 * The record as the API shows it: the stored item without internal ordering and onboarding fields,
 * with how it came (items written before created accounts existed are OAuth ones).
 */
export const viewOf = (item: Record<string, unknown>): Record<string, unknown> => {
  const {
    statusChangedAt: _statusChangedAt,
    stripeStateAt: _stripeStateAt,
    appliedEvents: _appliedEvents,
    lastInPlaceWrite: _lastInPlaceWrite,
    stateVersion: _stateVersion,
    onboardingSlot: _onboardingSlot,
    onboardingBrowsers: _onboardingBrowsers,
    confirmationHash,
    confirmationExpiresAt: _confirmationExpiresAt,
    ...view
  } = item;
  return {
    ...view,
    connection: item.connection ?? 'oauth',
    confirmation: confirmationHash !== undefined && view.confirmedAt === undefined ? 'pending' : 'confirmed',
  };
};

export interface ApiResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/**
 * One platform API call with `Authorization: Bearer <token>` (none when token is undefined), and a
 * JSON body when one is given (a string is sent as it is).
 */
export const callApi = async (
  stack: LocalStack,
  method: 'GET' | 'POST',
  path: string,
  token?: string,
  body?: unknown,
): Promise<ApiResult> => {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
};

/** The JSON error body of the API. */
export const apiError = (type: string, code: string, message: string) => ({ error: { type, code, message } });

/** Tokens the API must refuse, with the 401 code each gets. */
export const badTokens = async (): Promise<readonly (readonly [string, string | undefined, string])[]> => {
  const key = new TextEncoder().encode(localDefaults.platformTokenSecret);
  const base = () =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('user_a').setIssuedAt();
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({ sub: 'user_a', aud: 'connect-onboarding', exp: now + 300 }),
  ).toString('base64url')}.`;
  return [
    ['no token', undefined, 'missing_token'],
    [
      'an expired token',
      await base()
        .setAudience('connect-onboarding')
        .setExpirationTime(now - 120)
        .sign(key),
      'token_expired',
    ],
    [
      'a token for another audience',
      await base().setAudience('billing').setExpirationTime('5m').sign(key),
      'invalid_token',
    ],
    [
      'a token signed with another key',
      await base()
        .setAudience('connect-onboarding')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('not-the-platform-secret-0123456789abcdef')),
      'invalid_token',
    ],
    ['an unsigned (alg none) token', unsigned, 'invalid_token'],
  ];
};

export const tokenMessages: Readonly<Record<string, string>> = {
  missing_token: 'A platform token is required: sign in on the platform and try again.',
  token_expired: 'The platform token has expired: go back to the platform and try again.',
  invalid_token: 'The platform token is not valid.',
};

/** How often the service called this Stripe path so far. */
/** The account an Account Link URL (`…/setup/s/{account}/{token}`) is for. */
export const accountOfLink = (link: URL): string => link.pathname.split('/')[3] ?? '';

export const stripeCalls = (stack: LocalStack, method: string, path: string): number =>
  stack.emulator.requestLog().filter((entry) => entry.method === method && entry.path === path).length;
