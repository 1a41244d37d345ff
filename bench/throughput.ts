/** Fixed amounts of work spread over N concurrent workers; throughput is work done per second of wall time. */

export interface ThroughputRun {
  readonly concurrency: number;
  readonly operations: number;
  readonly perSecond: number;
  readonly failures: number;
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
  return { concurrency, operations, perSecond: Math.round(operations / seconds), failures };
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
