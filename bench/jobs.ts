/** Running the bench's slow jobs (bench/instructions.ts): a few at a time, or one at a time. */

/**
 * Runs the jobs, `parallel` at a time (at least one), keeping their order in the answer. After a failure no job
 * starts, and the ones running are waited for before the failure is thrown: nothing they started outlives the run.
 */
export const inParallel = async <T>(parallel: number, jobs: readonly (() => Promise<T>)[]): Promise<T[]> => {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await (jobs[index] as () => Promise<T>)();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker),
  );
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
};

/** `make`, one call at a time however many callers wait: the scenarios hand out fresh state in turn. */
export const oneAtATime = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let queue: Promise<unknown> = Promise.resolve();
  return () => {
    const made = queue.then(make);
    queue = made.catch(() => undefined);
    return made;
  };
};
