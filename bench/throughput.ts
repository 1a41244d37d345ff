/** Fixed amounts of work spread over N concurrent workers; throughput is work done per second of wall time. */
import { quantile, twoDecimals } from './stats';

export interface ThroughputRun {
  readonly concurrency: number;
  readonly operations: number;
  readonly perSecond: number;
  readonly failures: number;
  /** Wall time the operations took. */
  readonly seconds: number;
}

/** Runs `perWorker` calls of `task` in each of `concurrency` workers; a task resolves false when its call failed. */
export const measureThroughput = async (
  concurrency: number,
  perWorker: number,
  task: (worker: number, index: number) => Promise<boolean>,
): Promise<ThroughputRun> => {
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let index = 0; index < perWorker; index += 1) if (!(await task(worker, index))) failures += 1;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const operations = concurrency * perWorker;
  return { concurrency, operations, perSecond: Math.round(operations / seconds), failures, seconds };
};

/**
 * Several runs of one measurement as one: all their work over all their time. Used for slices
 * measured alternately with another measurement's, so both meet the same drift in the machine's load.
 */
export const combineRuns = (runs: readonly ThroughputRun[]): ThroughputRun => {
  const operations = runs.reduce((sum, run) => sum + run.operations, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    concurrency: runs[0]?.concurrency ?? 0,
    operations,
    perSecond: seconds > 0 ? Math.round(operations / seconds) : 0,
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    seconds,
  };
};

/**
 * Which pooled account worker `worker` uses for its `index`-th event: each worker owns the accounts
 * congruent to it modulo the concurrency, so no two in-flight events ever update one account
 * (Stripe's real traffic spreads over many accounts; same-account contention is another test).
 */
export const accountFor = (pool: readonly string[], concurrency: number, worker: number, index: number): string => {
  const owned = Math.max(1, Math.floor(pool.length / concurrency));
  const slot = worker + concurrency * (index % owned);
  const account = pool[slot % pool.length];
  if (account === undefined) throw new Error('empty account pool');
  return account;
};

/** One round at one concurrency: the store's raw rates and the webhook's (the put and the webhook in alternating slices). */
export interface ThroughputRound {
  readonly rawPut: ThroughputRun;
  readonly rawAccountUpdate: ThroughputRun;
  readonly rawTransaction: ThroughputRun;
  readonly webhook: ThroughputRun;
}

export interface ThroughputSummary extends ThroughputRound {
  readonly concurrency: number;
  readonly rounds: number;
  /** webhook / raw put of each round, in order: the machine's load drifts, a round's own pair does not. */
  readonly webhookShareOfPutByRound: readonly number[];
  /** The median of those: the figure the target is held to. */
  readonly webhookShareOfPut: number;
}

/** The median rate of several runs of one measurement, with their work and failures added up. */
export const medianRun = (runs: readonly ThroughputRun[]): ThroughputRun => ({
  concurrency: runs[0]?.concurrency ?? 0,
  operations: runs.reduce((sum, run) => sum + run.operations, 0),
  perSecond: Math.round(
    quantile(
      runs.map((run) => run.perSecond),
      0.5,
    ),
  ),
  failures: runs.reduce((sum, run) => sum + run.failures, 0),
  seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
});

export const summarizeRounds = (concurrency: number, rounds: readonly ThroughputRound[]): ThroughputSummary => {
  const shares = rounds.map((round) =>
    round.rawPut.perSecond > 0 ? round.webhook.perSecond / round.rawPut.perSecond : Number.NaN,
  );
  return {
    concurrency,
    rounds: rounds.length,
    rawPut: medianRun(rounds.map((round) => round.rawPut)),
    rawAccountUpdate: medianRun(rounds.map((round) => round.rawAccountUpdate)),
    rawTransaction: medianRun(rounds.map((round) => round.rawTransaction)),
    webhook: medianRun(rounds.map((round) => round.webhook)),
    webhookShareOfPutByRound: shares.map(twoDecimals),
    webhookShareOfPut: twoDecimals(quantile(shares, 0.5)),
  };
};
