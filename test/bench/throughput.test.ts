import { describe, expect, it } from 'vitest';
import { accountFor, measureThroughput } from '../../bench/throughput';

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
