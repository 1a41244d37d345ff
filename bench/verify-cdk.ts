/**
 * `npx tsx bench/verify-cdk.ts`: proves the benchmark measures what the stack deploys. Synthesizes
 * one ServiceFunction per handler with real bundling (CDK running esbuild, ~10 s) and compares each
 * asset's index.mjs byte for byte with the bundle bench/build.ts writes. Run it after `npm run bench`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { ServiceFunction } from '../infra/service-function';
import { functionNames, functionSpecs } from '../shared/routes';
import { benchOut } from './paths';

const outdir = `${benchOut}/cdk-verify`;
const app = new App({ outdir });
const stack = new Stack(app, 'BenchVerify');
for (const name of functionNames) new ServiceFunction(stack, name, { spec: functionSpecs[name], environment: {} });
app.synth();

const assets = readdirSync(outdir)
  .filter((entry) => entry.startsWith('asset.'))
  .map((entry) => readFileSync(`${outdir}/${entry}/index.mjs`));
let identical = 0;
for (const name of functionNames) {
  const file = `${benchOut}/functions/${name}/index.mjs`;
  const ours = existsSync(file) ? readFileSync(file) : undefined;
  const same = ours !== undefined && assets.some((asset) => asset.equals(ours));
  if (same) identical += 1;
  process.stdout.write(`${same ? 'identical' : 'DIFFERENT'}  ${name}\n`);
}
process.exitCode = identical === functionNames.length ? 0 : 1;
