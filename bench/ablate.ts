/**
 * Where a function's cold start goes beyond its floor: the function's bundle rebuilt with one part of our
 * code replaced by a stand-in that does nothing (bench/ablation/), each variant started cold against the
 * function's floor exactly as the bench's cold phase starts ours (paired fresh processes, medians with their
 * 90% intervals). The variants are not the service; they only show what each part costs.
 *
 *   npx tsx bench/ablate.ts webhook [pairs, default 40]
 *
 * Variants (bench/ablation/variants.ts): as built; without logs and metrics; without middy and its
 * middlewares; without both; all of ours loaded but answering with the floor's handler (what loading our code
 * costs by itself); and the floor's handler inside our middy, middlewares, logs and metrics. The same
 * variants counted in instructions, which move far less from run to run: `npx tsx bench/instructions.ts --ablate webhook`.
 */

import { useLineWriter } from '../shared/observability/stdout';
import { type FunctionName, functionNames } from '../shared/routes';
import { buildVariant, variants } from './ablation/variants';
import { buildAll } from './build';
import { type ColdPair, measureColdPair } from './cold';
import { createFixtures } from './fixtures';
import { invoker, loadBundles } from './invoke';
import { toEvent } from './requests';
import { coldScenarioFor, seededScenarios } from './scenarios';
import { startBenchStack } from './stack';

const name = process.argv[2] as FunctionName;
const pairs = Number(process.argv[3] ?? 40);
if (!functionNames.includes(name)) {
  process.stderr.write(`usage: npx tsx bench/ablate.ts <${functionNames.join('|')}> [pairs]\n`);
  process.exit(2);
}

const describePair = (pair: ColdPair): string => {
  const range = ([low, high]: readonly [number, number]) => (Number.isNaN(low) ? '–' : `${low}–${high}`);
  return (
    `CPU ${pair.pairedRatio.totalCpu}× (${range(pair.pairedInterval.totalCpu)}), ` +
    `wall ${pair.pairedRatio.total}× (${range(pair.pairedInterval.total)}); init CPU ${pair.pairedRatio.initCpu}×`
  );
};

const main = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const built = await buildAll();
  const stack = await startBenchStack();
  useLineWriter(() => undefined);
  try {
    const fixtures = createFixtures(stack, invoker(await loadBundles(built.functions, 'ablate')));
    const scenario = coldScenarioFor(await seededScenarios(fixtures), name);
    process.stdout.write(`${name}: ${pairs} pairs per variant against its floor (${built.floors[name].bytes} bytes)\n`);
    for (const [index, variant] of variants.entries()) {
      const bundle = await buildVariant(name, variant, index);
      const pair = await measureColdPair({
        harness: built.coldChild,
        ours: bundle.file,
        floor: built.floors[name].file,
        runs: pairs,
        environment: stack.environment,
        nextEvent: async () => toEvent(await scenario.next()),
      });
      process.stdout.write(`- ${variant.label} (${bundle.bytes} bytes): ${describePair(pair)}\n`);
    }
  } finally {
    useLineWriter(undefined);
    await stack.close();
  }
};

await main();
