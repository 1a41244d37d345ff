/**
 * How every function is bundled, in one place: the CDK stack hands `functionBundling` to
 * NodejsFunction, and the benchmark (bench/) builds with `esbuildOptions`, the same settings
 * translated the way aws-cdk-lib's NodejsFunction translates them into an esbuild command line.
 * Change a setting here and both follow.
 */

import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Imports the bundles resolve to a file of ours instead: `node:stream/web` and `node:stream/promises`,
 * which @middy/core 6 loads at import for its streaming mode, and `node:timers`, whose import loads
 * `timers/promises`, cost ~4.5 ms of every cold start (each stand-in in infra/shims/ says why it is
 * faithful). middy 7 moved streaming into a module of its own, but needs Node 22 (docs/stack.md).
 */
export const bundleAliases = {
  'node:stream/web': './infra/shims/stream-web.ts',
  'node:stream/promises': './infra/shims/stream-promises.ts',
  'node:timers': './infra/shims/timers.ts',
} as const;

/**
 * Values fixed at build time, from the function's environment. A notice bus is opt-in (`eventBusArn`);
 * without one `EVENT_BUS_NAME` can never be set, so it is built in as `undefined` and esbuild drops the
 * EventBridge client, which otherwise costs callback, deauthorize and webhook ~16 KB and ~5% of their
 * cold start (docs/performance.md). A stack with a bus sets the variable and bundles the client.
 */
export const bundleDefines = (environment: Readonly<Record<string, string>>): Record<string, string> =>
  environment.EVENT_BUS_NAME ? {} : { 'process.env.EVENT_BUS_NAME': 'undefined' };

/** The `bundling` props every ServiceFunction shares (its own adds `define`, see {@link bundlingFor}). */
export const functionBundling = {
  minify: true,
  // The .map ships beside index.mjs and is read only when an error is logged (shared/observability/stack-frames.ts).
  // Its mappings are all that needs; the sources' text would triple its size.
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  // ESM output has no `require`; some dependencies (CJS) still call it.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Bundled and minified, the SDK loads faster than the runtime's own copy (docs/stack.md, "Traps we met").
  bundleAwsSDK: true,
  esbuildArgs: { '--alias': Object.entries(bundleAliases).map(([from, to]) => `${from}=${to}`) },
} as const satisfies BundlingOptions;

/** The `bundling` props of one ServiceFunction with this environment. */
export const bundlingFor = (environment: Readonly<Record<string, string>>): BundlingOptions => ({
  ...functionBundling,
  define: bundleDefines(environment),
});

/**
 * What the functions used to run with, and the benchmark still measures for comparison: Node decodes the
 * whole map at every cold start. The functions leave it unset and map a stack only when one is logged.
 */
export const sourceMapNodeOptions = '--enable-source-maps';

/**
 * The esbuild build NodejsFunction runs for `functionBundling` (aws-cdk-lib 2.276,
 * `Bundling.buildEsbuildArgs`): `--bundle <entry> --target --platform=node --format --outfile=<dir>/index.mjs
 * --minify --sourcemap --sources-content=false --define --main-fields --banner:js --alias`, no externals because the SDK is
 * bundled, run from the project root. `metafile` only adds a report; it does not change the output. `environment` is the
 * function's (default: none, as locally and in a stack without a notice bus).
 */
export const esbuildOptions = (input: {
  projectRoot: string;
  entry: string;
  outdir: string;
  environment?: Readonly<Record<string, string>>;
}): BuildOptions => ({
  absWorkingDir: input.projectRoot,
  entryPoints: [input.entry],
  bundle: true,
  target: functionBundling.target,
  platform: 'node',
  format: functionBundling.format,
  outfile: `${input.outdir}/${functionBundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js'}`,
  minify: functionBundling.minify,
  sourcemap: functionBundling.sourceMap,
  sourcesContent: functionBundling.sourcesContent,
  external: [],
  banner: { js: functionBundling.banner },
  mainFields: [...functionBundling.mainFields],
  define: bundleDefines(input.environment ?? {}),
  alias: { ...bundleAliases },
  metafile: true,
  logLevel: 'warning',
});
