/**
 * One realistic request per route, prepared fresh for every timed call (a callback needs an
 * unused code and state, a deauthorize a still-connected account, a webhook a new event id).
 * The account routes send what docs/routes.md documents: a platform token as Bearer
 * (API) or ticket (browser), for accounts the bench user owns (the list: a user with 30; onboarding: a
 * user with only the accounts onboarding creates); onboarding's refresh and return routes carry the
 * resume value of that user's unfinished onboarding, as Stripe's redirects do, from the browser that
 * started it (its binding cookie).
 */
import type { FunctionName, Route } from '../shared/routes';
import { type Fixtures, listUser, onboardUser, routeOf } from './fixtures';
import type { BenchRequest } from './requests';

export interface Scenario {
  readonly route: Route;
  /** Untimed: builds the request (and whatever state it needs). */
  next(): Promise<BenchRequest>;
}

export interface ScenarioPools {
  readonly express: string;
  readonly standard: string;
  /** Seeded accounts that webhook events update, round-robin. */
  readonly webhookAccounts: readonly string[];
}

export const createScenarios = (fixtures: Fixtures, pools: ScenarioPools): Scenario[] => {
  const bearer = async () => ({ authorization: `Bearer ${await fixtures.ticket()}` });
  let webhookTurn = 0;
  return [
    {
      route: routeOf('GET', '/connect/authorize'),
      next: async () => ({
        route: routeOf('GET', '/connect/authorize'),
        query: `type=standard&ticket=${await fixtures.ticket()}`,
      }),
    },
    { route: routeOf('GET', '/connect/callback'), next: () => fixtures.callbackRequest('standard') },
    // Retired: a 410 page for every request (no store read, no Stripe call).
    {
      route: routeOf('GET', '/connect/dashboard'),
      next: async () => ({ route: routeOf('GET', '/connect/dashboard') }),
    },
    {
      route: routeOf('POST', '/accounts/{accountId}/login_links'),
      next: async () => ({
        route: routeOf('POST', '/accounts/{accountId}/login_links'),
        pathParameters: { accountId: pools.express },
        headers: await bearer(),
      }),
    },
    {
      route: routeOf('GET', '/accounts'),
      next: async () => ({
        route: routeOf('GET', '/accounts'),
        headers: { authorization: `Bearer ${await fixtures.ticket(listUser)}` },
      }),
    },
    {
      route: routeOf('GET', '/accounts/{accountId}'),
      next: async () => ({
        route: routeOf('GET', '/accounts/{accountId}'),
        pathParameters: { accountId: pools.standard },
        headers: await bearer(),
      }),
    },
    {
      route: routeOf('POST', '/accounts/{accountId}/deauthorize'),
      next: async () => ({
        route: routeOf('POST', '/accounts/{accountId}/deauthorize'),
        pathParameters: { accountId: await fixtures.connectedAccount('standard') },
        headers: await bearer(),
      }),
    },
    // The platform's backend confirms a connection its user just made (the callback ran, untimed, for each).
    {
      route: routeOf('POST', '/accounts/{accountId}/confirm'),
      next: async () => fixtures.confirmRequest(await fixtures.pendingConnection('standard')),
    },
    // A second click, in the browser that created it, continues the user's unfinished created account: a list,
    // then a fresh Account Link.
    {
      route: routeOf('GET', '/connect/onboard'),
      next: async () => ({
        route: routeOf('GET', '/connect/onboard'),
        query: `type=express&ticket=${await fixtures.ticket(onboardUser)}`,
        cookies: (await fixtures.onboardingBrowser()).cookies,
      }),
    },
    // Stripe's refresh_url: a fresh Account Link for the same account (one read, one Stripe call).
    {
      route: routeOf('GET', '/connect/onboard/refresh'),
      next: async () => {
        const { resume, cookies } = await fixtures.onboardingBrowser();
        return { route: routeOf('GET', '/connect/onboard/refresh'), query: `resume=${resume}`, cookies };
      },
    },
    // Stripe's return_url before the owner finished: the account re-read, then onboarding_incomplete.
    {
      route: routeOf('GET', '/connect/onboard/return'),
      next: async () => {
        const { resume, cookies } = await fixtures.onboardingBrowser();
        return { route: routeOf('GET', '/connect/onboard/return'), query: `resume=${resume}`, cookies };
      },
    },
    {
      route: routeOf('POST', '/accounts/{accountId}/account_links'),
      next: async () => ({
        route: routeOf('POST', '/accounts/{accountId}/account_links'),
        pathParameters: { accountId: pools.express },
        headers: { ...(await bearer()), 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'account_onboarding' }),
      }),
    },
    {
      route: routeOf('POST', '/accounts/{accountId}/account_sessions'),
      next: async () => ({
        route: routeOf('POST', '/accounts/{accountId}/account_sessions'),
        pathParameters: { accountId: pools.express },
        headers: { ...(await bearer()), 'content-type': 'application/json' },
        body: JSON.stringify({ components: { account_onboarding: { enabled: true } } }),
      }),
    },
    {
      route: routeOf('POST', '/webhooks/stripe'),
      next: async () => {
        webhookTurn += 1;
        return fixtures.webhookRequest(
          'account.updated',
          pools.webhookAccounts[webhookTurn % pools.webhookAccounts.length] ?? '',
        );
      },
    },
  ];
};

/**
 * The scenarios every measurement runs, over the data they need, seeded first: a connected account of each
 * type, 64 accounts for webhook events, and the lister's 30 confirmed accounts.
 */
export const seededScenarios = async (fixtures: Fixtures): Promise<Scenario[]> => {
  const scenarios = createScenarios(fixtures, {
    express: await fixtures.connectedAccount('express'),
    standard: await fixtures.connectedAccount('standard'),
    webhookAccounts: await fixtures.seedAccounts(64),
  });
  await fixtures.seedAccounts(30, listUser);
  return scenarios;
};

/** The request a function's cold start is measured with: its main route (an API route before a browser's). */
export const coldScenarioFor = (scenarios: readonly Scenario[], name: FunctionName): Scenario => {
  const scenario =
    scenarios.find((candidate) => candidate.route.function === name && candidate.route.caller !== 'browser') ??
    scenarios.find((candidate) => candidate.route.function === name);
  if (!scenario) throw new Error(`no scenario for ${name}`);
  return scenario;
};
