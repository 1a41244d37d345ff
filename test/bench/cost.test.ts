import { describe, expect, it } from 'vitest';
import type { ColdPair, ColdRun } from '../../bench/cold';
import { type CostInputs, computeCosts, onboardingRequests } from '../../bench/cost';
import type { RoundTrips } from '../../bench/round-trips';
import type { Summary } from '../../bench/stats';
import { functionNames, routeKey, routes } from '../../shared/routes';

const summary = (p50: number): Summary => ({ n: 1, p50, p90: p50, p99: p50 });
const run = (initMs: number, firstRequestMs: number): ColdRun => ({
  runs: 1,
  init: summary(initMs),
  firstRequest: summary(firstRequestMs),
  total: summary(initMs + firstRequestMs),
  initCpu: summary(initMs),
  totalCpu: summary(initMs + firstRequestMs),
  statuses: { 200: 1 },
});
const pair = (ours: ColdRun): ColdPair => ({
  ours,
  floor: ours,
  pairedRatio: { init: 1, total: 1, initCpu: 1, totalCpu: 1 },
  pairedInterval: { total: [1, 1], totalCpu: [1, 1] },
  pairRatios: { total: [1], totalCpu: [1] },
});
const trips = (read: number, write: number, unreported = 0): RoundTrips => ({
  dynamodb: 1,
  operations: {},
  units: { read, write, unreported },
  stripe: 0,
  stripeCalls: [],
  status: 200,
});

/** Every route warm in 4.2 ms, every function cold in 150 + 50 ms, one write unit per request, the peer's init 300 ms. */
const inputs: CostInputs = {
  latency: Object.fromEntries(
    routes.map((route) => [
      routeKey(route),
      { function: route.function, inProcess: { latency: summary(4.2), statuses: {} } },
    ]),
  ),
  cold: Object.fromEntries(functionNames.map((name) => [name, pair(run(150, 50))])),
  peerCold: Object.fromEntries(functionNames.map((name) => [name, pair(run(300, 20))])),
  roundTrips: Object.fromEntries([
    ...routes.map((route) => [routeKey(route), trips(0, 1)]),
    ...onboardingRequests.map(([key]) => [key, trips(0, 1)]),
  ]),
};

describe('computeCosts', () => {
  it('prices a million requests of a route: billed ms rounded up, 1% cold starts with init billed, units, gateway, secrets', () => {
    const authorize = computeCosts(inputs)?.ours[0];
    // (990,000 × 5 ms + 10,000 × 200 ms) × 0.5 GB = 3,475 GB-s.
    expect(authorize).toMatchObject({
      what: '1M × `GET /connect/authorize`',
      function: 'authorize',
      memoryMb: 512,
      warmMs: 5,
      coldMs: 200,
      requests: 1e6,
      gbSeconds: 3475,
      readUnits: 0,
      writeUnits: 1e6,
      secretsCalls: 1e4,
    });
    expect(authorize?.dollars.lambda).toBeCloseTo(3475 * 0.0000133334 + 0.2, 6);
    expect(authorize?.dollars.dynamodb).toBeCloseTo(0.625, 6);
    expect(authorize?.dollars.apiGateway).toBeCloseTo(1, 6);
    expect(authorize?.dollars.secretsManager).toBeCloseTo(0.05, 6);
    expect(authorize?.dollars.total).toBeCloseTo(3475 * 0.0000133334 + 0.2 + 0.625 + 1 + 0.05, 6);
  });

  it("gives the peer its own init plus our first request, and sums an onboarding's requests", () => {
    const model = computeCosts(inputs);
    // (990,000 × 5 + 10,000 × (300 + 50)) × 0.5 GB.
    expect(model?.peer[0]?.gbSeconds).toBe(4225);
    const onboarding = model?.ours.at(-1);
    const requests = onboardingRequests.reduce((sum, [, , count]) => sum + count, 0) * 1000;
    expect(onboarding).toMatchObject({ what: '1,000 onboardings', requests, writeUnits: requests });
    expect(onboarding?.function).toBeUndefined();
  });

  it('counts a write that reported no units as one write unit', () => {
    const model = computeCosts({
      ...inputs,
      roundTrips: { ...inputs.roundTrips, 'POST /webhooks/stripe': trips(0, 0, 1) },
    });
    expect(model?.ours.find((cost) => cost.what.includes('/webhooks/stripe'))?.writeUnits).toBe(1e6);
  });

  it('computes nothing when a measurement is missing', () => {
    expect(computeCosts({ ...inputs, cold: {} })).toBeUndefined();
  });
});
