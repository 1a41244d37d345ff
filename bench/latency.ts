/** Warm latency: sequential requests after a warm-up, each with a freshly prepared request. */
import type { BenchRequest } from './requests';
import type { Scenario } from './scenarios';
import { type Summary, summarize } from './stats';

export interface LatencyRun {
  readonly latency: Summary;
  readonly statuses: Readonly<Record<string, number>>;
}

export const measureLatency = async (
  scenario: Scenario,
  send: (request: BenchRequest) => Promise<number>,
  { warmup, iterations }: { warmup: number; iterations: number },
): Promise<LatencyRun> => {
  for (let index = 0; index < warmup; index += 1) await send(await scenario.next());
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  for (let index = 0; index < iterations; index += 1) {
    const request = await scenario.next();
    const started = performance.now();
    const status = await send(request);
    samples.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { latency: summarize(samples), statuses };
};
