/**
 * Builds the production bundles exactly as the CDK stack does (infra/bundling.ts), the floor
 * bundles with the same options, and the cold-start child harness. Each bundle's metafile says
 * which packages it carries and how many bytes each contributes.
 */
import { statSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/bundling';
import { type FunctionName, functionNames } from '../shared/routes';
import { benchOut, projectRoot } from './paths';

export interface BuiltBundle {
  readonly file: string;
  /** Size of index.mjs, as deployed (minified; the .map beside it is not loaded unless an error is printed). */
  readonly bytes: number;
  /** Bytes in the output per npm package; `(ours)` is everything outside node_modules. */
  readonly packages: Readonly<Record<string, number>>;
}

const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(ours)';
};

const packagesIn = (metafile: Metafile): Record<string, number> => {
  const bytes: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes[name] = (bytes[name] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(bytes).sort(([, a], [, b]) => b - a));
};

const bundle = async (entry: string, outdir: string): Promise<BuiltBundle> => {
  const result = await build(esbuildOptions({ projectRoot, entry, outdir }));
  const file = `${outdir}/index.mjs`;
  return { file, bytes: statSync(file).size, packages: packagesIn(result.metafile ?? { inputs: {}, outputs: {} }) };
};

export interface BuiltBundles {
  readonly functions: Readonly<Record<FunctionName, BuiltBundle>>;
  readonly floors: Readonly<Record<FunctionName, BuiltBundle>>;
  /** One Express app for every route (bench/peer/express-app.ts), built with the same options. */
  readonly peer: BuiltBundle;
  /** bench/out/cold-child.mjs: plain JS, so a child process needs no TypeScript loader. */
  readonly coldChild: string;
}

export const buildAll = async (): Promise<BuiltBundles> => {
  const functions = {} as Record<FunctionName, BuiltBundle>;
  const floors = {} as Record<FunctionName, BuiltBundle>;
  for (const name of functionNames) {
    functions[name] = await bundle(`functions/${name}.ts`, `${benchOut}/functions/${name}`);
    floors[name] = await bundle(`bench/floors/${name}.ts`, `${benchOut}/floors/${name}`);
  }
  const peer = await bundle('bench/peer/express-app.ts', `${benchOut}/peer`);
  const coldChild = `${benchOut}/cold-child.mjs`;
  await build({
    absWorkingDir: projectRoot,
    entryPoints: ['bench/cold-child.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: coldChild,
    logLevel: 'warning',
  });
  return { functions, floors, peer, coldChild };
};
