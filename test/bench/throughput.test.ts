import { describe, expect, it } from 'vitest';
import { accountFor, combineRuns, measureThroughput, medianRun, summarizeRounds } from '../../bench/throughput';

describe('accountFor', () => {
  const pool = Array.from({ length: 8 }, (_, index) => `acct_${index}`);

  it('gives each worker its own accounts, so concurrent events never share one', () => {
    const concurrency = 4;
    const owners = new Map<string, number>();
    for (let worker = 0; worker < concurrency; worker += 1) {
      for (let index = 0; index < 10; index += 1) {
        const account = accountFor(pool, concurrency, worker, index);
        expect(owners.get(account) ?? worker).toBe(worker);
        owners.set(account, worker);
      }
    }
    expect(owners.size).toBe(8);
  });

  it('refuses an empty pool', () => {
    expect(() => accountFor([], 1, 0, 0)).toThrow(new Error('empty account pool'));
  });
});

describe('measureThroughput', () => {
  it('runs every worker the given number of times and counts failed tasks', async () => {
    const calls: string[] = [];
    const run = await measureThroughput(3, 2, async (worker, index) => {
      calls.push(`${worker}:${index}`);
      return !(worker === 1 && index === 1);
    });
    expect(calls.sort()).toEqual(['0:0', '0:1', '1:0', '1:1', '2:0', '2:1']);
    expect(run).toMatchObject({ concurrency: 3, operations: 6, failures: 1 });
  });
});

describe('summarizeRounds', () => {
  const run = (perSecond: number, failures = 0) => ({
    concurrency: 8,
    operations: 960,
    perSecond,
    failures,
    seconds: 960 / perSecond,
  });

  it('holds the target to the median of each round own webhook / put share, not to a ratio of medians', () => {
    const rounds = [
      { rawPut: run(1000), rawAccountUpdate: run(700), rawTransaction: run(300), webhook: run(600) },
      { rawPut: run(1400), rawAccountUpdate: run(900), rawTransaction: run(350), webhook: run(560, 1) },
      { rawPut: run(800), rawAccountUpdate: run(650), rawTransaction: run(280), webhook: run(520) },
    ];

    const summary = summarizeRounds(8, rounds);

    expect(summary.webhookShareOfPutByRound).toEqual([0.6, 0.4, 0.65]);
    expect(summary.webhookShareOfPut).toBe(0.6);
    expect(summary.rawPut).toMatchObject({ concurrency: 8, operations: 2880, perSecond: 1000, failures: 0 });
    expect(summary.webhook).toMatchObject({ concurrency: 8, operations: 2880, perSecond: 560, failures: 1 });
    expect(summary.rounds).toBe(3);
  });

  it('takes the mean of the middle two for an even number of rounds', () => {
    expect(medianRun([run(100), run(400), run(200), run(300)]).perSecond).toBe(250);
  });
});

describe('combineRuns', () => {
  it('rates all the slices work over all their time, not the mean of their rates', () => {
    const combined = combineRuns([
      { concurrency: 8, operations: 100, perSecond: 1000, failures: 0, seconds: 0.1 },
      { concurrency: 8, operations: 100, perSecond: 100, failures: 2, seconds: 1 },
    ]);

    expect(combined).toEqual({ concurrency: 8, operations: 200, perSecond: 182, failures: 2, seconds: 1.1 });
  });
});
