/**
 * Cold starts counted in instructions rather than milliseconds. Each function's bundle and its floor start
 * cold exactly as in the bench's cold phase (the same harness, environment and first request), under
 * Valgrind's callgrind, which counts the instructions every thread of the process executes in user space.
 * Unlike time, the count hardly moves with the machine's load or speed, so it shows what our code costs
 * beyond the floor to a fraction of a percent where the timed medians are only good to several
 * (docs/performance.md, "Counting instructions"). It is a second view, not the target: the target is time.
 *
 *   npx tsx bench/instructions.ts [function ...]      (needs valgrind: apt-get install valgrind)
 *   npx tsx bench/instructions.ts --ablate webhook    the ablation variants of one function (bench/ablation/)
 *
 * Each process runs ~50× slower under Valgrind (about 15 s per start). Writes bench/out/instructions.json
 * (or instructions-ablate-<function>.json).
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { build } from 'esbuild';
import { esbuildOptions } from '../infra/bundling';
import { useLineWriter } from '../shared/observability/stdout';
import { type FunctionName, functionNames } from '../shared/routes';
import { buildVariant, variants } from './ablation/variants';
import { buildAll } from './build';
import { beyondHarness, callgrindTotal, inclusiveCost, randomSeedFunction } from './callgrind';
import { coldEnvironment } from './cold';
import type { ColdResult } from './cold-child';
import { createFixtures } from './fixtures';
import { invoker, loadBundles } from './invoke';
import { inParallel, oneAtATime } from './jobs';
import { benchOut, projectRoot } from './paths';
import { toEvent } from './requests';
import { coldScenarioFor, seededScenarios } from './scenarios';
import { startBenchStack } from './stack';
import { quantile, twoDecimals } from './stats';

/** Starts of each bundle; the counts of one bundle differ by well under 1% (the spread is printed). */
const runs = 2;
/** Valgrind runs one process on one core: as many at once as there are cores. */
const parallel = Math.max(1, cpus().length);

const usage = 'usage: npx tsx bench/instructions.ts [function ...] | --ablate <function>';
const args = process.argv.slice(2);
/** `--ablate <function>`: count that function's ablation variants (bench/ablation/variants.ts) instead. */
const ablated = args[0] === '--ablate' ? (args[1] as FunctionName) : undefined;
const requested = [...new Set(ablated ? [ablated] : args)] as FunctionName[];
const unknown = requested.filter((name) => !functionNames.includes(name));
if (unknown.length > 0 || (args[0] === '--ablate' && args.length !== 2)) {
  process.stderr.write(`${unknown.length > 0 ? `unknown function ${unknown.join(', ')}; ` : ''}${usage}\n`);
  process.exit(2);
}
for (const tool of ['valgrind', 'callgrind_annotate']) {
  // Only whether it runs at all: callgrind_annotate answers --version with exit status 255.
  if (spawnSync(tool, ['--version']).error) {
    process.stderr.write(`${tool} is not installed: apt-get install valgrind\n`);
    process.exit(2);
  }
}

/** A start takes ~15 s under valgrind; one that takes this long is stuck. */
const startTimeoutMs = 5 * 60_000;

const scratch = `${benchOut}/callgrind`;
/** `BENCH_KEEP_CALLGRIND=1` keeps each start's callgrind.out in bench/out/callgrind/ (for callgrind_annotate). */
const keepOutputs = process.env.BENCH_KEEP_CALLGRIND === '1';

/** A module that loads nothing and answers at once: what the harness costs by itself. */
const buildHarnessOnly = async (): Promise<string> => {
  const outdir = `${benchOut}/harness-only`;
  await build({
    ...esbuildOptions({ projectRoot, entry: 'harness-only.ts', outdir }),
    entryPoints: undefined,
    stdin: {
      contents: "export const handler = async () => ({ statusCode: 200, body: '' });",
      resolveDir: projectRoot,
      sourcefile: 'harness-only.ts',
      loader: 'ts',
    },
  });
  return `${outdir}/index.mjs`;
};

/** Instructions of one cold start (whole process), less the random hash seed's share (bench/callgrind.ts). */
const countColdStart = (
  out: string,
  harness: string,
  bundle: string,
  event: APIGatewayProxyEventV2,
  environment: Readonly<Record<string, string>>,
): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = fork(harness, [], {
      execPath: 'valgrind',
      execArgv: ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, process.execPath],
      env: coldEnvironment(environment),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.resume();
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let result: ColdResult | undefined;
    child.once('message', (message) => {
      result = message as ColdResult;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), startTimeoutMs);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      try {
        if (!result) throw new Error(`cold start of ${bundle} under valgrind gave no answer:\n${stderr}`);
        // An error answer is another, cheaper code path than the one the floor takes: never count it.
        if (result.status >= 400) throw new Error(`cold start of ${bundle} answered ${result.status}`);
        const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        });
        resolve(callgrindTotal(readFileSync(out, 'utf8')) - inclusiveCost(annotated, randomSeedFunction));
      } catch (error) {
        reject(error);
      } finally {
        if (!keepOutputs) rmSync(out, { force: true });
      }
    });
    child.send({ bundle, event });
  });

interface Counted {
  /** A function, or (with --ablate) a variant of one. */
  readonly row: string;
  /** Millions of instructions beyond the harness, median of the runs, and each run's. */
  readonly floor: number;
  readonly ours: number;
  readonly floorRuns: readonly number[];
  readonly oursRuns: readonly number[];
}

const millions = (count: number): number => Math.round(count / 1e5) / 10;

/**
 * One start to count: `row` names what it measures, `side` which of its bundles this start loads, and `event` makes
 * its request when it starts (a signature or a token made minutes earlier would have expired by then).
 */
interface Step {
  readonly row: string;
  readonly side: 'ours' | 'floor' | 'harness';
  readonly bundle: string;
  readonly event: () => Promise<APIGatewayProxyEventV2>;
}

const main = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const names = requested.length > 0 ? requested : functionNames;
  const built = await buildAll();
  const harnessOnly = await buildHarnessOnly();
  const rows: { row: string; name: FunctionName; ours: string }[] = ablated
    ? await Promise.all(
        variants.map(async (variant, index) => ({
          row: variant.label,
          name: ablated,
          ours: (await buildVariant(ablated, variant, index)).file,
        })),
      )
    : names.map((name) => ({ row: name, name, ours: built.functions[name].file }));
  mkdirSync(scratch, { recursive: true });
  const stack = await startBenchStack();
  useLineWriter(() => undefined);
  try {
    const invoke = invoker(await loadBundles(built.functions, 'instructions'));
    const scenarios = await seededScenarios(createFixtures(stack, invoke));
    const eventOf = (name: FunctionName) => {
      const scenario = coldScenarioFor(scenarios, name);
      return oneAtATime(async () => toEvent(await scenario.next()));
    };
    const events = new Map(rows.map(({ name }) => [name, eventOf(name)]));
    // Each scenario's request once, in this process, before counting: a first visit can differ from the rest
    // (onboarding's creates the account the later ones reuse), as it never does in the bench's cold phase.
    for (const [name, event] of events) await invoke(name, await event());
    const plan: Step[] = [];
    const harnessEvent = events.get('accounts') ?? eventOf('accounts');
    for (let run = 0; run < runs; run += 1) {
      plan.push({ row: 'harness', side: 'harness', bundle: harnessOnly, event: harnessEvent });
      for (const { row, name, ours } of rows) {
        const event = events.get(name) ?? harnessEvent;
        plan.push({ row, side: 'ours', bundle: ours, event });
        plan.push({ row, side: 'floor', bundle: built.floors[name].file, event });
      }
    }
    process.stdout.write(`${plan.length} cold starts under valgrind, ${parallel} at a time…\n`);
    const counts = await inParallel(
      parallel,
      plan.map(
        (step, index) => async () =>
          countColdStart(
            `${scratch}/callgrind.out.${index}.${step.row.replace(/\W+/g, '-')}.${step.side}`,
            built.coldChild,
            step.bundle,
            await step.event(),
            stack.environment,
          ),
      ),
    );
    const of = (row: string, side: Step['side']): number[] =>
      plan.flatMap((step, index) => (step.row === row && step.side === side ? [counts[index] as number] : []));
    const harness = quantile(of('harness', 'harness'), 0.5);
    const counted: Counted[] = rows.map(({ row }) => {
      const beyond = (side: Step['side']) => of(row, side).map((count) => beyondHarness(count, harness));
      return {
        row,
        floor: millions(quantile(beyond('floor'), 0.5)),
        ours: millions(quantile(beyond('ours'), 0.5)),
        floorRuns: beyond('floor').map(millions),
        oursRuns: beyond('ours').map(millions),
      };
    });
    const lines = [
      `Cold start (init + first request) in millions of instructions beyond the harness (${millions(harness)} M), ` +
        `${runs} starts each${ablated ? `, variants of ${ablated}` : ''}, ${new Date().toISOString()}, Node ${process.version}.`,
      '',
      `| ${ablated ? 'variant' : 'function'} | floor | ours | ours − floor | ours / floor | runs: floor; ours |`,
      '|---|---|---|---|---|---|',
      ...counted.map(
        (row) =>
          `| ${row.row} | ${row.floor.toFixed(1)} | ${row.ours.toFixed(1)} | ${(row.ours - row.floor).toFixed(1)} | ` +
          `${twoDecimals(row.ours / row.floor).toFixed(2)}× (${(row.ours / row.floor).toFixed(3)}) | ` +
          `${row.floorRuns.join(', ')}; ${row.oursRuns.join(', ')} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeFileSync(
      `${benchOut}/${ablated ? `instructions-ablate-${ablated}` : 'instructions'}.json`,
      `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, harness: millions(harness), rows: counted }, null, 2)}\n`,
    );
  } finally {
    useLineWriter(undefined);
    await stack.close();
    if (keepOutputs) process.stdout.write(`callgrind outputs kept in ${scratch}/ (callgrind.out.<start>)\n`);
    else rmSync(scratch, { recursive: true, force: true });
  }
};

await main();
