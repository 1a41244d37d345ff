import { describe, expect, it } from 'vitest';
import { percentile, runPool } from '../../load/pool';

describe('runPool', () => {
  it('runs every task once with at most the given concurrency, keeping task order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runPool(10, 3, async (index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return index * 2;
    });

    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(3);
  });
});

describe('percentile', () => {
  it('takes the nearest rank of unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 10)).toBe(1);
    expect(percentile([], 99)).toBe(0);
  });
});
