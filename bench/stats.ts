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

/** Milliseconds with precision that suits the magnitude: 0.42, 4.2, 42. */
export const formatMs = (ms: number): string =>
  Number.isNaN(ms) ? '–' : ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);

/** ours / floor, as the figure reports it (2 decimals); NaN when there is no floor. */
export const ratio = (ours: number, floor: number): number =>
  floor > 0 ? Math.round((ours / floor) * 100) / 100 : Number.NaN;
