import { describe, expect, it } from 'vitest';
import type { ColdPair, ColdRun } from '../../bench/cold';
import type { Summary } from '../../bench/stats';
import { evaluateTargets } from '../../bench/targets';

const summary = (p50: number): Summary => ({ n: 40, p50, p90: p50, p99: p50 });
const run: ColdRun = {
  runs: 40,
  init: summary(60),
  firstRequest: summary(50),
  total: summary(110),
  initCpu: summary(60),
  totalCpu: summary(110),
  statuses: { 200: 40 },
};
const measured = (
  totalCpu: number,
  total: number,
  interval: readonly [number, number] = [totalCpu - 0.03, totalCpu + 0.03],
): ColdPair => ({
  ours: run,
  floor: run,
  pairedRatio: { init: 1.05, total, initCpu: 1.04, totalCpu },
  pairedInterval: { total: interval, totalCpu: interval },
  pairRatios: { total: [total], totalCpu: [totalCpu] },
});

const coldLine = (pair: ColdPair) => {
  const line = evaluateTargets({ cold: { webhook: pair }, roundTrips: {}, throughput: [] }).find((target) =>
    target.target.startsWith('webhook: cold start'),
  );
  if (!line) throw new Error('no cold-start line for the webhook');
  return line;
};

describe('the cold-start target line', () => {
  it('passes only when both the CPU and the wall-time medians are within 1.10×', () => {
    expect([
      coldLine(measured(1.1, 1.1)).pass,
      coldLine(measured(1.1, 1.11)).pass,
      coldLine(measured(1.11, 1.09)).pass,
    ]).toEqual([true, false, false]);
  });

  it("gives each median's 90% interval, or says there were too few runs for one", () => {
    expect(coldLine(measured(1.08, 1.09, [1.05, 1.12])).measured).toBe(
      'CPU 1.08× (90% interval 1.05–1.12×), wall 1.09× (90% interval 1.05–1.12×); init alone: CPU 1.04×, wall 1.05×',
    );
    expect(coldLine(measured(1.08, 1.09, [Number.NaN, Number.NaN])).measured).toContain(
      'CPU 1.08× (too few runs for an interval)',
    );
  });
});

describe("onboarding's round-trip target lines", () => {
  const trips = (dynamodb: number, stripe: number) => ({
    dynamodb,
    operations: {},
    units: { read: 0, write: 0, unreported: 0 },
    stripe,
    stripeCalls: [],
    status: 302,
  });
  const lineFor = (key: string, counted: ReturnType<typeof trips>, target: string) =>
    evaluateTargets({ cold: {}, roundTrips: { [key]: counted }, throughput: [] }).find((line) =>
      line.target.startsWith(target),
    );

  it('hold the first visit to one read, one write and two Stripe calls, and a revisit to one of each', () => {
    expect([
      lineFor('onboard: first visit', trips(2, 2), 'onboard, first visit')?.pass,
      lineFor('onboard: first visit', trips(3, 2), 'onboard, first visit')?.pass,
      lineFor('onboard: first visit', trips(2, 3), 'onboard, first visit')?.pass,
      lineFor('onboard: revisit', trips(1, 1), 'onboard, revisit')?.pass,
      lineFor('onboard: revisit', trips(2, 2), 'onboard, revisit')?.pass,
    ]).toEqual([true, false, false, true, false]);
  });

  it('hold the click that gives a browser its id to nothing read, written or asked of Stripe', () => {
    expect([
      lineFor('onboard: browser without an id', trips(0, 0), 'onboard, browser without an id')?.pass,
      lineFor('onboard: browser without an id', trips(1, 0), 'onboard, browser without an id')?.pass,
      lineFor('onboard: browser without an id', trips(0, 1), 'onboard, browser without an id')?.pass,
    ]).toEqual([true, false, false]);
  });

  it('fail a refresh that made no link (a request refused before Stripe is not the path to measure)', () => {
    const key = 'GET /connect/onboard/refresh';
    expect([
      lineFor(key, trips(1, 1), 'onboard, refresh')?.pass,
      lineFor(key, trips(1, 0), 'onboard, refresh')?.pass,
    ]).toEqual([true, false]);
    expect(
      evaluateTargets({ cold: {}, roundTrips: {}, throughput: [] }).find((line) =>
        line.target.startsWith('onboard, return'),
      ),
    ).toMatchObject({
      pass: false,
      measured: 'not measured',
    });
  });
});
