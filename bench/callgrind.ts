/**
 * Reading Valgrind's callgrind output (bench/instructions.ts): the instructions a process executed, less
 * the part that changes from run to run for reasons that have nothing to do with the code it loads.
 */

/** The process's total instruction count (`Ir`), from the `totals:` (or `summary:`) line of a callgrind.out file. */
export const callgrindTotal = (callgrindOut: string): number => {
  const match = /^(?:totals|summary):\s+(\d+)/m.exec(callgrindOut);
  if (!match?.[1]) throw new Error('not a callgrind output file: it has no totals line');
  return Number(match[1]);
};

/**
 * V8 picks a random hash seed for each process and runs a primality test on values drawn from it, whose cost
 * swings by a few million instructions between runs of the same bundle (±1% of a cold start). It is
 * counted apart and left out.
 */
export const randomSeedFunction = 'v8::internal::HashSeed::InitializeRoots';

/**
 * The inclusive cost of `functionName` in `callgrind_annotate --inclusive=yes` output (lines such as
 * `8,683,816 ( 2.02%)  ???:v8::internal::HashSeed::InitializeRoots(...) [/usr/bin/node]`); 0 when the
 * function does not appear (another V8 may not have it).
 */
export const inclusiveCost = (annotated: string, functionName: string): number => {
  let cost = 0;
  for (const line of annotated.split('\n')) {
    if (!line.includes(`${functionName}(`)) continue;
    const count = /^\s*([\d,]+)\s/.exec(line)?.[1];
    if (count) cost = Math.max(cost, Number(count.replaceAll(',', '')));
  }
  return cost;
};

/**
 * What a cold start of a bundle costs beyond the harness (Node's boot, the message from the parent, the
 * exit): a process that loads a module doing nothing. What remains is init + first request, the part the
 * cold-start target compares.
 */
export const beyondHarness = (total: number, harnessOnly: number): number => total - harnessOnly;
