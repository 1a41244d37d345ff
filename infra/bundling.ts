/**
 * How every function is bundled, in one place: the CDK stack hands `functionBundling` to
 * NodejsFunction, and the benchmark (bench/) builds with `esbuildOptions`, the same settings
 * translated the way aws-cdk-lib's NodejsFunction translates them into an esbuild command line.
 * Change a setting here and both follow.
 */

import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The `bundling` props of every ServiceFunction. */
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
} as const satisfies BundlingOptions;

/**
 * What the functions used to run with, and the benchmark still measures for comparison: Node decodes the
 * whole map at every cold start. The functions leave it unset and map a stack only when one is logged.
 */
export const sourceMapNodeOptions = '--enable-source-maps';

/**
 * The esbuild build NodejsFunction runs for `functionBundling` (aws-cdk-lib 2.276,
 * `Bundling.buildEsbuildArgs`): `--bundle <entry> --target --platform=node --format --outfile=<dir>/index.mjs
 * --minify --sourcemap --sources-content=false --main-fields --banner:js`, no externals because the SDK is bundled, run from
 * the project root. `metafile` only adds a report; it does not change the output.
 */
export const esbuildOptions = (input: { projectRoot: string; entry: string; outdir: string }): BuildOptions => ({
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
  metafile: true,
  logLevel: 'warning',
});
