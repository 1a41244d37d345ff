/**
 * `npm run bench`: builds the bundles as the stack does, starts the service on loopback and
 * measures bundle sizes, cold starts against floor bundles, warm latency (in-process and through
 * the gateway), round trips per request and webhook throughput against the store's own put rate.
 * Writes bench/results.json and bench/results.md and prints the table. Never fails the build on a
 * missed target: the targets are reported, not enforced.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { sourceMapNodeOptions } from '../infra/bundling';
import { useLineWriter } from '../shared/observability/stdout';
import { type FunctionName, functionNames, routeKey } from '../shared/routes';
import { buildAll } from './build';
import { type ColdPair, measureColdPair } from './cold';
import { computeCosts } from './cost';
import { createFixtures } from './fixtures';
import { invoker, loadBundles } from './invoke';
import { measureLatency } from './latency';
import { benchOut, projectRoot } from './paths';
import { type BenchResults, renderMarkdown } from './report';
import { sendOverHttp, toEvent } from './requests';
import { measureRoundTrips, type RoundTrips } from './round-trips';
import { coldScenarioFor, seededScenarios } from './scenarios';
import { invert, measureMapLoad, type SourceMapCost } from './source-maps';
import { startBenchStack } from './stack';
import {
  measureRawAccountUpdates,
  measureRawPuts,
  measureRawTransactions,
  measureWebhookThroughput,
} from './store-load';
import { evaluateTargets } from './targets';
import { combineRuns, summarizeRounds, type ThroughputRound, type ThroughputSummary } from './throughput';

const setting = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const settings = {
  coldRuns: setting('BENCH_COLD_RUNS', 40),
  sourceMapRuns: setting('BENCH_SOURCE_MAP_RUNS', 10),
  peerRuns: setting('BENCH_PEER_RUNS', 6),
  warmup: setting('BENCH_WARMUP', 20),
  iterations: setting('BENCH_ITERATIONS', 200),
  throughputEvents: setting('BENCH_THROUGHPUT_EVENTS', 960),
  throughputRounds: setting('BENCH_THROUGHPUT_ROUNDS', 5),
  throughputSlices: setting('BENCH_THROUGHPUT_SLICES', 4),
  concurrency: [1, 8, 32],
};
/** `BENCH_PHASES=cold` (a comma list) runs part of the bench; a partial run writes to bench/out/ only. */
const phases = new Set((process.env.BENCH_PHASES ?? 'latency,cold,roundtrips,throughput').split(','));
/** `BENCH_FUNCTIONS=accounts,webhook` limits the cold phase to those functions (a partial run, as above). */
const coldFunctions = functionNames.filter((name) =>
  (process.env.BENCH_FUNCTIONS?.split(',') ?? [name]).includes(name),
);
const complete =
  ['latency', 'cold', 'roundtrips', 'throughput'].every((phase) => phases.has(phase)) &&
  coldFunctions.length === functionNames.length;

const progress = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

const main = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const began = performance.now();
  progress('building bundles with infra/bundling.ts');
  const built = await buildAll();
  const stack = await startBenchStack();
  // Handlers log a JSON line per request; the measurement keeps the work (formatting, redaction) but not the terminal.
  useLineWriter(() => undefined);
  try {
    const invoke = invoker(await loadBundles(built.functions, 'warm'));
    const fixtures = createFixtures(stack, invoke);
    const scenarios = await seededScenarios(fixtures);

    const loadBefore = loadavg()[0] ?? 0;
    const latency: Record<string, BenchResults['latency'][string]> = {};
    for (const scenario of phases.has('latency') ? scenarios : []) {
      const key = routeKey(scenario.route);
      progress(`warm latency ${key}`);
      const options = { warmup: settings.warmup, iterations: settings.iterations };
      const inProcess = await measureLatency(
        scenario,
        async (request) => (await invoke(scenario.route.function, toEvent(request))).statusCode ?? 200,
        options,
      );
      const gateway = await measureLatency(scenario, (request) => sendOverHttp(stack.gatewayUrl, request), options);
      latency[key] = { function: scenario.route.function, inProcess, gateway };
    }

    const cold: Partial<Record<FunctionName, ColdPair>> = {};
    const sourceMaps: Partial<Record<FunctionName, SourceMapCost>> = {};
    const peerCold: Partial<Record<FunctionName, ColdPair>> = {};
    for (const name of phases.has('cold') ? coldFunctions : []) {
      progress(`cold starts ${name} (${settings.coldRuns} processes each for ours and the floor)`);
      const scenario = coldScenarioFor(scenarios, name);
      // Once in this process first, as the latency phase would have: a first visit can do more than the rest
      // (onboarding's creates the account every later one reuses), and no cold start should be that one.
      await invoke(name, toEvent(await scenario.next()));
      cold[name] = await measureColdPair({
        harness: built.coldChild,
        ours: built.functions[name].file,
        floor: built.floors[name].file,
        runs: settings.coldRuns,
        environment: stack.environment,
        nextEvent: async () => toEvent(await scenario.next()),
      });
      // What NODE_OPTIONS=--enable-source-maps (how the functions ran before) would cost: the same bundle with it.
      const withFlag = await measureColdPair({
        harness: built.coldChild,
        ours: built.functions[name].file,
        floor: built.functions[name].file,
        floorNodeOptions: sourceMapNodeOptions,
        runs: settings.sourceMapRuns,
        environment: stack.environment,
        nextEvent: async () => toEvent(await scenario.next()),
      });
      sourceMaps[name] = {
        enableSourceMaps: withFlag.floor,
        // ours (as deployed) / with the flag, turned around: how many times slower the flag makes a cold start.
        pairedRatio: invert(withFlag.pairedRatio),
        firstLoggedError: measureMapLoad(`${built.functions[name].file}.map`),
      };
      // The Express peer (every route in one bundle) started cold with this function's request, against the same floor.
      peerCold[name] = await measureColdPair({
        harness: built.coldChild,
        ours: built.peer.file,
        floor: built.floors[name].file,
        runs: settings.peerRuns,
        environment: stack.environment,
        nextEvent: async () => toEvent(await scenario.next()),
      });
    }

    let roundTrips: Record<string, RoundTrips> = {};
    if (phases.has('roundtrips')) {
      progress('round trips');
      // A separate instance of every bundle whose clients are created against the counting proxy.
      process.env.DYNAMODB_ENDPOINT = stack.proxy.url;
      roundTrips = await measureRoundTrips(
        stack,
        scenarios,
        fixtures,
        invoker(await loadBundles(built.functions, 'counted')),
      );
      process.env.DYNAMODB_ENDPOINT = stack.dynamoDbEndpoint;
    }

    const pool = await fixtures.seedAccounts(64);
    const round = async (concurrency: number, perWorker: number): Promise<ThroughputRound> => {
      // The target's two rates in alternating slices: the machine's load drifts over seconds, and both meet the same drift.
      const perSlice = Math.ceil(perWorker / settings.throughputSlices);
      const puts = [];
      const deliveries = [];
      for (let slice = 0; slice < settings.throughputSlices; slice += 1) {
        puts.push(await measureRawPuts(stack, concurrency, perSlice));
        deliveries.push(await measureWebhookThroughput(invoke, fixtures, pool, concurrency, perSlice));
      }
      return {
        rawPut: combineRuns(puts),
        webhook: combineRuns(deliveries),
        rawAccountUpdate: await measureRawAccountUpdates(stack, pool, concurrency, perWorker, fixtures.eventSecond),
        rawTransaction: await measureRawTransactions(stack, pool, concurrency, perWorker),
      };
    };
    const throughput: ThroughputSummary[] = [];
    if (phases.has('throughput')) {
      progress('webhook throughput: one untimed round first (the JVM and V8 compile the hot paths)');
      await round(8, Math.ceil(settings.throughputEvents / 8));
    }
    for (const concurrency of phases.has('throughput') ? settings.concurrency : []) {
      progress(
        `webhook throughput and raw writes at concurrency ${concurrency} (${settings.throughputRounds} paired rounds)`,
      );
      const perWorker = Math.ceil(settings.throughputEvents / concurrency);
      const rounds: ThroughputRound[] = [];
      for (let index = 0; index < settings.throughputRounds; index += 1)
        rounds.push(await round(concurrency, perWorker));
      throughput.push(summarizeRounds(concurrency, rounds));
    }

    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        platform: `${process.platform}-${process.arch}`,
        store: stack.engine,
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
      },
      settings,
      bundles: Object.fromEntries(
        functionNames.map((name) => [name, { ours: built.functions[name], floor: built.floors[name] }]),
      ) as BenchResults['bundles'],
      cold,
      sourceMaps,
      peer: { bundle: built.peer, cold: peerCold },
      latency,
      roundTrips,
      throughput,
      targets: [],
      costs: undefined,
      runtimeSeconds: 0,
    };
    const final: BenchResults = {
      ...results,
      costs: computeCosts({ latency, cold, peerCold, roundTrips }),
      targets: evaluateTargets(results),
      runtimeSeconds: Math.round((performance.now() - began) / 1000),
    };
    const strip = (value: BenchResults) =>
      JSON.parse(JSON.stringify(value).replaceAll(`${projectRoot}/`, '')) as BenchResults;
    const target = complete ? `${projectRoot}/bench/results` : `${benchOut}/partial-results`;
    writeFileSync(`${target}.json`, `${JSON.stringify(strip(final), null, 2)}\n`);
    const markdown = renderMarkdown(strip(final));
    writeFileSync(`${target}.md`, markdown);
    process.stdout.write(markdown);
  } finally {
    useLineWriter(undefined);
    await stack.close();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
