/**
 * Round trips per request, counted rather than timed: DynamoDB requests on the wire (the counting
 * proxy) and Stripe requests at the emulator (its request log), around one invocation.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StripeEmulator } from '../emulator';
import { routeKey } from '../shared/routes';
import type { CapacityUnits, CountingProxy } from './counting-proxy';
import { type Fixtures, type Invoke, onboardingBrowserId, routeOf } from './fixtures';
import { type BenchRequest, toEvent } from './requests';
import type { Scenario } from './scenarios';
import type { BenchStack } from './stack';

const onboardRoute = routeOf('GET', '/connect/onboard');

export interface RoundTrips {
  readonly dynamodb: number;
  /** DynamoDB operations, e.g. { PutItem: 1 }. */
  readonly operations: Readonly<Record<string, number>>;
  /** Read and write units the store reported for those operations (bench/counting-proxy.ts). */
  readonly units: CapacityUnits;
  readonly stripe: number;
  readonly stripeCalls: readonly string[];
  readonly status: number;
}

export const countRoundTrips = async (
  proxy: CountingProxy,
  emulator: StripeEmulator,
  invoke: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<RoundTrips> => {
  const stripeBefore = emulator.requestLog().length;
  proxy.reset();
  const result = await invoke();
  const operations = proxy.counts();
  const stripeCalls = emulator
    .requestLog()
    .slice(stripeBefore)
    .map((entry) => `${entry.method} ${entry.path}`);
  return {
    dynamodb: Object.values(operations).reduce((sum, count) => sum + count, 0),
    operations,
    units: proxy.units(),
    stripe: stripeCalls.length,
    stripeCalls,
    status: result.statusCode ?? 200,
  };
};

/** The most round trips of several tries (a retry or a refresh shows up as the worst case). */
export const worst = (runs: readonly RoundTrips[]): RoundTrips => {
  const first = runs[0];
  if (!first) throw new Error('no runs');
  return runs.reduce((most, run) => (run.dynamodb + run.stripe > most.dynamodb + most.stripe ? run : most), first);
};

/**
 * Every route's request (worst of three), then the webhook's cases one by one: a new event and its
 * redelivery, for a snapshot event and for one that needs a Stripe re-fetch; then onboarding's click from a
 * browser without an id (a redirect that gives it one), the first visit, which creates the account, and the
 * revisit that reuses it (the route's own scenario is a revisit
 * once an earlier phase has run, and a first visit when this phase runs alone).
 */
export const measureRoundTrips = async (
  stack: BenchStack,
  scenarios: readonly Scenario[],
  fixtures: Fixtures,
  counted: Invoke,
): Promise<Record<string, RoundTrips>> => {
  const trips: Record<string, RoundTrips> = {};
  const count = (name: Parameters<Invoke>[0], request: BenchRequest) =>
    countRoundTrips(stack.proxy, stack.emulator, () => counted(name, toEvent(request)));
  for (const scenario of scenarios) {
    const runs: RoundTrips[] = [];
    for (let index = 0; index < 3; index += 1) runs.push(await count(scenario.route.function, await scenario.next()));
    trips[routeKey(scenario.route)] = worst(runs);
  }
  const [seeded] = await fixtures.seedAccounts(1);
  const cases = [
    ['account.updated', fixtures.webhookRequest('account.updated', seeded ?? '')],
    [
      'account.application.authorized',
      fixtures.webhookRequest('account.application.authorized', await fixtures.connectedAccount('standard')),
    ],
    ['capability.updated', fixtures.webhookRequest('capability.updated', await fixtures.connectedAccount('express'))],
  ] as const;
  for (const [label, request] of cases) {
    trips[`webhook: ${label}`] = await count('webhook', request);
    trips[`webhook: ${label}, duplicate`] = await count('webhook', request);
  }
  const newUser = `bench_first_onboarding_${Date.now()}`;
  const startLink = { route: onboardRoute, query: `type=express&ticket=${await fixtures.ticket(newUser)}` };
  // A browser's very first click only gets it an id (a redirect back to the same link), reading and calling nothing.
  trips['onboard: browser without an id'] = await count('onboard', startLink);
  const firstVisit = { ...startLink, cookies: [onboardingBrowserId] };
  let firstAnswer: APIGatewayProxyStructuredResultV2 | undefined;
  trips['onboard: first visit'] = await countRoundTrips(stack.proxy, stack.emulator, async () => {
    firstAnswer = await counted('onboard', toEvent(firstVisit));
    return firstAnswer;
  });
  // The same browser again: its binding cookie is what lets it continue the account (shared/onboarding/browser-binding.ts).
  const binding = (firstAnswer?.cookies?.[0] ?? '').split(';')[0] ?? '';
  trips['onboard: revisit'] = await count('onboard', { ...firstVisit, cookies: [onboardingBrowserId, binding] });
  return trips;
};
