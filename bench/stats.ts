/** Summaries of timing samples. Pure, so the unit tests pin them (test/bench/stats.test.ts). */

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (the "R-7" method
 * spreadsheets and numpy use by default), so p50 of [1, 2, 3, 4] is 2.5, not 2 or 3.
 */
export const quantile = (samples: readonly number[], q: number): number => {
  if (samples.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (position - lower);
};

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export const summarize = (samples: readonly number[]): Summary => ({
  n: samples.length,
  p50: quantile(samples, 0.5),
  p90: quantile(samples, 0.9),
  p99: quantile(samples, 0.99),
});

/** The confidence of the intervals the report gives. */
export const medianConfidence = 0.9;

/**
 * A confidence interval for the median that assumes nothing about the samples' distribution: the sorted
 * samples at ranks k and n + 1 − k, with k the largest rank for which the chance that fewer than k samples
 * fall below the true median is at most (1 − confidence) / 2 (the binomial with p = ½ decides it). With 40
 * samples, the 90% interval runs from the 15th to the 26th smallest. NaN bounds when there are too few samples
 * for any interval to be that sure (fewer than 5 at 90%).
 */
export const medianInterval = (
  samples: readonly number[],
  confidence = medianConfidence,
): readonly [number, number] => {
  const n = samples.length;
  // Even the whole range misses the median with chance 2 × ½ⁿ: with fewer samples than that allows, no interval.
  if (n === 0 || 2 * 0.5 ** n > 1 - confidence) return [Number.NaN, Number.NaN];
  const tail = (1 - confidence) / 2;
  // below = P(X ≤ j) for X ~ Binomial(n, ½), the chance that at most j samples fall below the median; summed in
  // logarithms so that a large n does not overflow. Rank j + 1 qualifies while that chance is within the tail.
  const logHalfToN = n * Math.log(0.5);
  let logChoose = 0;
  let below = 0;
  let k = 1;
  for (let j = 0; j < Math.floor((n + 1) / 2); j += 1) {
    if (j > 0) logChoose += Math.log((n - j + 1) / j);
    below += Math.exp(logChoose + logHalfToN);
    if (below > tail) break;
    k = j + 1;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return [sorted[k - 1] ?? Number.NaN, sorted[n - k] ?? Number.NaN];
};

/** Milliseconds with precision that suits the magnitude: 0.42, 4.2, 42. */
export const formatMs = (ms: number): string =>
  Number.isNaN(ms) ? '–' : ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);

/** A ratio or share as the report prints it: two decimals. */
export const twoDecimals = (value: number): number => Math.round(value * 100) / 100;

/** ours / floor, as the figure reports it (2 decimals); NaN when there is no floor. */
export const ratio = (ours: number, floor: number): number => (floor > 0 ? twoDecimals(ours / floor) : Number.NaN);
