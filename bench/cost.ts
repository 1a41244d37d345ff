/**
 * What the service costs to run, computed from what the bench measured: per million requests of each
 * route and per thousand onboardings, Lambda, DynamoDB, API Gateway and Secrets Manager at list prices;
 * beside it the same work as one Express function (bench/peer/express-app.ts). Every input that is not
 * measured is a named constant below, with where it comes from.
 */
import { type FunctionName, functionSpecs, routeKey, routes } from '../shared/routes';
import type { ColdPair } from './cold';
import type { LatencyRun } from './latency';
import type { RoundTrips } from './round-trips';

/**
 * List prices, us-east-1, as published on AWS's pricing pages and checked on 2026-11-30 where noted:
 * - Lambda, arm64: $0.0000133334 per GB-second, $0.20 per million requests (aws.amazon.com/lambda/pricing;
 *   the arm64 rate matches third-party price tables read that day). Since 2025-08-01 the INIT phase of
 *   on-demand functions on managed runtimes is billed like the invocation (AWS Compute Blog, "AWS Lambda
 *   standardizes billing for INIT Phase"), so a cold start bills init + first request.
 * - DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request units
 *   (aws.amazon.com/dynamodb/pricing/on-demand, after the November 2024 price cut; checked).
 * - API Gateway HTTP API: $1.00 per million requests, first 300 million a month (aws.amazon.com/api-gateway/pricing;
 *   not re-checked that day).
 * - Secrets Manager: $0.05 per 10,000 API calls (aws.amazon.com/secrets-manager/pricing; not re-checked that day).
 * Free tiers are left out: they are per account, not per request.
 */
export const prices = {
  asOf: '2026-11-30',
  region: 'us-east-1',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  dynamoDbPerReadUnit: 0.125 / 1e6,
  httpApiPerRequest: 1.0 / 1e6,
  secretsManagerPerCall: 0.05 / 1e4,
} as const;

/** Share of invocations that start a container. AWS's INIT billing post cites "under 1%" for production workloads. */
export const coldStartShare = 0.01;

/**
 * Requests of one onboarding (an Express account from start to finish): the redirect to Stripe, the callback,
 * the webhook events Stripe sends while the user fills in the form (assumed: three `account.updated` and one
 * `capability.updated`), the platform reading the account once and opening the dashboard once.
 */
export const onboardingRequests: readonly (readonly [key: string, latencyKey: string, count: number])[] = [
  ['GET /connect/authorize', 'GET /connect/authorize', 1],
  ['GET /connect/callback', 'GET /connect/callback', 1],
  ['webhook: account.updated', 'POST /webhooks/stripe', 3],
  ['webhook: capability.updated', 'POST /webhooks/stripe', 1],
  ['GET /accounts/{accountId}', 'GET /accounts/{accountId}', 1],
  ['GET /connect/dashboard', 'GET /connect/dashboard', 1],
];

export interface CostLine {
  readonly what: string;
  /** Absent on a sum over several routes. */
  readonly function?: FunctionName;
  readonly memoryMb?: number;
  /** Billed milliseconds (rounded up to 1 ms): a warm request, and a cold start (init + first request). */
  readonly warmMs?: number;
  readonly coldMs?: number;
  readonly requests: number;
  readonly gbSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly secretsCalls: number;
  readonly dollars: {
    readonly lambda: number;
    readonly dynamodb: number;
    readonly apiGateway: number;
    readonly secretsManager: number;
    readonly total: number;
  };
}

export interface CostModel {
  readonly prices: typeof prices;
  readonly coldStartShare: number;
  /** Ours: one function per handler, with its measured cold start. */
  readonly ours: readonly CostLine[];
  /** The Express peer: every route in one function, with that bundle's measured init. */
  readonly peer: readonly CostLine[];
}

export interface CostInputs {
  readonly latency: Readonly<Record<string, { function: FunctionName; inProcess: LatencyRun }>>;
  readonly cold: Readonly<Partial<Record<FunctionName, ColdPair>>>;
  /** The peer bundle started cold with each function's first request (its `ours` side). */
  readonly peerCold: Readonly<Partial<Record<FunctionName, ColdPair>>>;
  readonly roundTrips: Readonly<Record<string, RoundTrips>>;
}

interface Work {
  readonly what: string;
  readonly function: FunctionName;
  readonly requests: number;
  readonly warmMs: number;
  readonly trips: RoundTrips | undefined;
}

const line = (work: Work, coldMs: number): CostLine => {
  const { memoryMb } = functionSpecs[work.function];
  const warmMs = Math.ceil(work.warmMs);
  const billedCold = Math.ceil(coldMs);
  const coldStarts = work.requests * coldStartShare;
  const gbSeconds = ((work.requests - coldStarts) * warmMs + coldStarts * billedCold) * (memoryMb / 1024) * (1 / 1000);
  // A failed conditional write reports no units but is billed at least one.
  const readUnits = (work.trips?.units.read ?? 0) * work.requests;
  const writeUnits = ((work.trips?.units.write ?? 0) + (work.trips?.units.unreported ?? 0)) * work.requests;
  const secretsCalls = functionSpecs[work.function].readsSecret ? coldStarts : 0;
  const lambda = gbSeconds * prices.lambdaArmPerGbSecond + work.requests * prices.lambdaPerRequest;
  const dynamodb = readUnits * prices.dynamoDbPerReadUnit + writeUnits * prices.dynamoDbPerWriteUnit;
  const apiGateway = work.requests * prices.httpApiPerRequest;
  const secretsManager = secretsCalls * prices.secretsManagerPerCall;
  return {
    what: work.what,
    function: work.function,
    memoryMb,
    warmMs,
    coldMs: billedCold,
    requests: work.requests,
    gbSeconds,
    readUnits,
    writeUnits,
    secretsCalls,
    dollars: { lambda, dynamodb, apiGateway, secretsManager, total: lambda + dynamodb + apiGateway + secretsManager },
  };
};

const sum = (what: string, lines: readonly CostLine[]): CostLine => {
  const add = (pick: (cost: CostLine) => number): number => lines.reduce((total, cost) => total + pick(cost), 0);
  return {
    what,
    requests: add((cost) => cost.requests),
    gbSeconds: add((cost) => cost.gbSeconds),
    readUnits: add((cost) => cost.readUnits),
    writeUnits: add((cost) => cost.writeUnits),
    secretsCalls: add((cost) => cost.secretsCalls),
    dollars: {
      lambda: add((cost) => cost.dollars.lambda),
      dynamodb: add((cost) => cost.dollars.dynamodb),
      apiGateway: add((cost) => cost.dollars.apiGateway),
      secretsManager: add((cost) => cost.dollars.secretsManager),
      total: add((cost) => cost.dollars.total),
    },
  };
};

export const computeCosts = (inputs: CostInputs): CostModel | undefined => {
  const perMillion: Work[] = routes.map((route) => {
    const key = routeKey(route);
    return {
      what: `1M × \`${key}\``,
      function: route.function,
      requests: 1e6,
      warmMs: inputs.latency[key]?.inProcess.latency.p50 ?? Number.NaN,
      trips: inputs.roundTrips[key],
    };
  });
  const onboarding: Work[] = onboardingRequests.map(([key, latencyKey, count]) => ({
    what: key,
    function: inputs.latency[latencyKey]?.function ?? 'webhook',
    requests: count * 1000,
    warmMs: inputs.latency[latencyKey]?.inProcess.latency.p50 ?? Number.NaN,
    trips: inputs.roundTrips[key],
  }));
  const ourCold = (name: FunctionName): number => inputs.cold[name]?.ours.total.p50 ?? Number.NaN;
  // The peer's container starts with its one bundle, then serves the same request with the same work as ours.
  const peerCold = (name: FunctionName): number =>
    (inputs.peerCold[name]?.ours.init.p50 ?? Number.NaN) + (inputs.cold[name]?.ours.firstRequest.p50 ?? Number.NaN);
  const model = (coldOf: (name: FunctionName) => number): CostLine[] => [
    ...perMillion.map((work) => line(work, coldOf(work.function))),
    sum(
      '1,000 onboardings',
      onboarding.map((work) => line(work, coldOf(work.function))),
    ),
  ];
  const ours = model(ourCold);
  if (ours.some((cost) => Number.isNaN(cost.dollars.total))) return undefined;
  return { prices, coldStartShare, ours, peer: model(peerCold) };
};
