import { describe, expect, it } from 'vitest';
import { formatMs, medianInterval, quantile, ratio, summarize } from '../../bench/stats';

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

describe('medianInterval', () => {
  const ranks = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

  it('takes the order statistics the binomial with p = ½ gives', () => {
    // P(X ≤ 1) = 1.1% ≤ 5% < P(X ≤ 2) = 5.5% for n = 10; P(X ≤ 5) = 2.1% < 5% < 5.8% for n = 20;
    // P(X ≤ 14) = 4.0% < 5% < P(X ≤ 15) = 7.7% for n = 40.
    expect(medianInterval(ranks(10))).toEqual([2, 9]);
    expect(medianInterval(ranks(20))).toEqual([6, 15]);
    expect(medianInterval(ranks(40))).toEqual([15, 26]);
    // 95%: P(X ≤ 13) = 1.9% ≤ 2.5% < P(X ≤ 14) = 4.0% for n = 40.
    expect(medianInterval(ranks(40), 0.95)).toEqual([14, 27]);
  });

  it('sorts a copy, and gives no interval when even the whole range would not be that sure', () => {
    // The whole range of n samples misses the median with chance 2 × ½ⁿ: 12.5% for 4, 6.25% for 5.
    const samples = [5, 1, 4, 2, 3];
    expect(medianInterval(samples)).toEqual([1, 5]);
    expect(samples).toEqual([5, 1, 4, 2, 3]);
    expect(medianInterval([4, 1, 3, 2])).toEqual([Number.NaN, Number.NaN]);
    expect(medianInterval([4, 1, 3, 2], 0.85)).toEqual([1, 4]);
    expect(medianInterval([7])).toEqual([Number.NaN, Number.NaN]);
    expect(medianInterval([])).toEqual([Number.NaN, Number.NaN]);
  });

  it('narrows as samples grow and always holds the median', () => {
    const widths = [20, 40, 80, 160].map((n) => {
      const [low, high] = medianInterval(ranks(n));
      expect(low).toBeLessThanOrEqual(quantile(ranks(n), 0.5));
      expect(high).toBeGreaterThanOrEqual(quantile(ranks(n), 0.5));
      return (high - low) / n;
    });
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
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
