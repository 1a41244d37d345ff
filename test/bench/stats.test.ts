import { describe, expect, it } from 'vitest';
import { formatMs, quantile, ratio, summarize } from '../../bench/stats';

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
  });

  it('sorts a copy and leaves the samples alone', () => {
    const samples = [3, 1, 2];
    expect(quantile(samples, 0)).toBe(1);
    expect(quantile(samples, 1)).toBe(3);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('answers NaN for no samples and refuses a quantile outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(new RangeError('quantile must be within [0, 1], got 1.5'));
  });
});

describe('summarize', () => {
  it('reports count, p50, p90 and p99', () => {
    const samples = Array.from({ length: 101 }, (_, index) => index);
    expect(summarize(samples)).toEqual({ n: 101, p50: 50, p90: 90, p99: 99 });
  });
});

describe('formatMs and ratio', () => {
  it('formats by magnitude', () => {
    expect([0.123, 4.56, 45.6, Number.NaN].map(formatMs)).toEqual(['0.12', '4.6', '46', '–']);
  });

  it('rounds ours/floor to two decimals and has no ratio without a floor', () => {
    expect(ratio(125, 100)).toBe(1.25);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(5, 0)).toBeNaN();
  });
});
