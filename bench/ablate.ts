/**
 * Where a function's cold start goes beyond its floor: the function's bundle rebuilt with one part of our
 * code replaced by a stand-in that does nothing (bench/ablation/), each variant started cold against the
 * function's floor exactly as the bench's cold phase starts ours (paired fresh processes, medians with their
 * 90% intervals). The variants are not the service; they only show what each part costs.
 *
 *   npx tsx bench/ablate.ts webhook [pairs, default 40]
 *
 * Variants: as built; without logs and metrics; without middy and its middlewares; without both; and all of
 * ours loaded but answering with the floor's handler (what loading our code costs by itself).
 */
import { statSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { esbuildOptions } from '../infra/bundling';
import { useLineWriter } from '../shared/observability/stdout';
import { type FunctionName, functionNames } from '../shared/routes';
import { buildAll } from './build';
import { type ColdPair, measureColdPair } from './cold';
import { createFixtures } from './fixtures';
import { invoker, loadBundles } from './invoke';
import { benchOut, projectRoot } from './paths';
import { toEvent } from './requests';
import { coldScenarioFor, seededScenarios } from './scenarios';
import { startBenchStack } from './stack';

const name = process.argv[2] as FunctionName;
const pairs = Number(process.argv[3] ?? 40);
if (!functionNames.includes(name)) {
  process.stderr.write(`usage: npx tsx bench/ablate.ts <${functionNames.join('|')}> [pairs]\n`);
  process.exit(2);
}

/** Import paths (as our modules write them) and the stand-in each resolves to in a variant. */
const standIns = {
  observability: { from: /\/observability\/observability$/, to: 'bench/ablation/no-observability.ts' },
  middy: { from: /\/http\/handler$/, to: 'bench/ablation/no-middy.ts' },
} as const;

const replacing = (parts: readonly (keyof typeof standIns)[]): Plugin => ({
  name: 'ablation',
  setup(esbuild) {
    for (const part of parts) {
      const { from, to } = standIns[part];
      esbuild.onResolve({ filter: from }, (args) =>
        args.importer.includes('/bench/ablation/') ? undefined : { path: `${projectRoot}/${to}` },
      );
    }
  },
});

interface Variant {
  readonly label: string;
  readonly parts: readonly (keyof typeof standIns)[];
  /** Instead of the function's entry: a module loading ours and answering with the floor's handler. */
  readonly loadOnly?: true;
}

const variants: readonly Variant[] = [
  { label: 'as built', parts: [] },
  { label: 'without logs and metrics', parts: ['observability'] },
  { label: 'without middy and its middlewares', parts: ['middy'] },
  { label: 'without both', parts: ['observability', 'middy'] },
  { label: 'ours loaded, the floor answering', parts: [], loadOnly: true },
];

const buildVariant = async (variant: Variant, index: number): Promise<{ file: string; bytes: number }> => {
  const outdir = `${benchOut}/ablation/${name}/${index}`;
  const options = esbuildOptions({ projectRoot, entry: `functions/${name}.ts`, outdir });
  await build({
    ...options,
    ...(variant.loadOnly
      ? {
          entryPoints: undefined,
          stdin: {
            contents: [
              `import { handler as ours } from './functions/${name}';`,
              `import { handler as floor } from './bench/floors/${name}';`,
              '(globalThis as { keep?: unknown }).keep = ours;',
              'export const handler = floor;',
            ].join('\n'),
            resolveDir: projectRoot,
            sourcefile: 'load-only.ts',
            loader: 'ts',
          },
        }
      : {}),
    plugins: [replacing(variant.parts)],
  });
  const file = `${outdir}/index.mjs`;
  return { file, bytes: statSync(file).size };
};

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
      const bundle = await buildVariant(variant, index);
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
