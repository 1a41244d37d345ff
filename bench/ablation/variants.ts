/**
 * The ablation variants of a function's bundle (bench/ablate.ts times them, bench/instructions.ts counts
 * them): the bundle rebuilt with one part of our code replaced by a stand-in from this folder, or our code
 * loaded around the floor's handler. The variants are not the service; they only show what each part costs.
 */
import { statSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';
import { type FunctionName, routeTable } from '../../shared/routes';
import { benchOut, projectRoot } from '../paths';

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

export interface Variant {
  readonly label: string;
  readonly parts: readonly (keyof typeof standIns)[];
  /** Instead of the function's entry, a module of its own (see {@link entryOf}). */
  readonly entry?: 'loadOnly' | 'frameworkOnly';
}

export const variants: readonly Variant[] = [
  { label: 'as built', parts: [] },
  { label: 'without logs and metrics', parts: ['observability'] },
  { label: 'without middy and its middlewares', parts: ['middy'] },
  { label: 'without both', parts: ['observability', 'middy'] },
  { label: 'ours loaded, the floor answering', parts: [], entry: 'loadOnly' },
  { label: "the floor's handler in our middy, middlewares, logs and metrics", parts: [], entry: 'frameworkOnly' },
];

/** The source of a variant's own entry module. */
const entryOf = (name: FunctionName, entry: NonNullable<Variant['entry']>): string => {
  if (entry === 'loadOnly') {
    return [
      `import { handler as ours } from './functions/${name}';`,
      `import { handler as floor } from './bench/floors/${name}';`,
      '(globalThis as { keep?: unknown }).keep = ours;',
      'export const handler = floor;',
    ].join('\n');
  }
  // The function's first route stands for its others: they share the middlewares.
  const route = Object.entries(routeTable).find(([, candidate]) => candidate.function === name)?.[0];
  return [
    `import { handler as floor } from './bench/floors/${name}';`,
    "import { httpHandler } from './shared/http/handler';",
    "import { createObservability } from './shared/observability/observability';",
    "import { routeTable } from './shared/routes';",
    `export const handler = httpHandler(routeTable[${JSON.stringify(route)}], createObservability(${JSON.stringify(name)}), floor as never);`,
  ].join('\n');
};

export const buildVariant = async (
  name: FunctionName,
  variant: Variant,
  index: number,
): Promise<{ file: string; bytes: number }> => {
  const outdir = `${benchOut}/ablation/${name}/${index}`;
  const options = esbuildOptions({ projectRoot, entry: `functions/${name}.ts`, outdir });
  await build({
    ...options,
    ...(variant.entry
      ? {
          entryPoints: undefined,
          stdin: {
            contents: entryOf(name, variant.entry),
            resolveDir: projectRoot,
            sourcefile: `${variant.entry}.ts`,
            loader: 'ts',
          },
        }
      : {}),
    plugins: [replacing(variant.parts)],
  });
  const file = `${outdir}/index.mjs`;
  return { file, bytes: statSync(file).size };
};
