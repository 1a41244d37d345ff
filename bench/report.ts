/** The shape of bench/results.json and its readable table (bench/results.md, stdout, docs/performance.md). */
import type { FunctionName } from '../shared/routes';
import type { BuiltBundle } from './build';
import type { ColdPair } from './cold';
import { type CostLine, type CostModel, coldStartShare, onboardingRequests } from './cost';
import type { LatencyRun } from './latency';
import type { SourceMapCost } from './source-maps';
import { formatMs, ratio } from './stats';
import type { Measured, TargetLine } from './targets';

export interface BenchResults extends Measured {
  readonly generatedAt: string;
  readonly machine: {
    node: string;
    cpus: number;
    cpuModel: string;
    platform: string;
    store: string;
    /** 1-minute load average when measuring began and ended: other work on the machine shows here. */
    loadAverage: { before: number; after: number };
  };
  readonly settings: {
    coldRuns: number;
    sourceMapRuns: number;
    peerRuns: number;
    warmup: number;
    iterations: number;
    throughputEvents: number;
    throughputRounds: number;
    throughputSlices: number;
    concurrency: readonly number[];
  };
  readonly bundles: Readonly<Record<FunctionName, { ours: BuiltBundle; floor: BuiltBundle }>>;
  /** The same bundles started with NODE_OPTIONS=--enable-source-maps, and what a first logged error pays instead. */
  readonly sourceMaps: Readonly<Partial<Record<FunctionName, SourceMapCost>>>;
  readonly latency: Readonly<Record<string, { function: FunctionName; inProcess: LatencyRun; gateway: LatencyRun }>>;
  /** The Express peer: its bundle, and its cold start with each function's first request (`ours` side) against that floor. */
  readonly peer: { readonly bundle: BuiltBundle; readonly cold: Readonly<Partial<Record<FunctionName, ColdPair>>> };
  readonly targets: readonly TargetLine[];
  /** Computed from the measurements when latency, cold starts and round trips were all measured. */
  readonly costs: CostModel | undefined;
  readonly runtimeSeconds: number;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const pair = (a: number, b: number): string => `${formatMs(a)} / ${formatMs(b)}`;
const statuses = (counts: Readonly<Record<string, number>>): string => Object.keys(counts).join(', ');
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** The largest packages in a bundle, e.g. `stripe 412 KB`. */
const topPackages = (bundle: BuiltBundle, count = 4): string =>
  Object.entries(bundle.packages)
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(', ');

const dollars = (value: number): string => `$${value.toFixed(value < 1 ? 4 : 2)}`;
const units = (value: number): string => (value >= 1e5 ? `${(value / 1e6).toFixed(2)}M` : value.toFixed(0));

const costTable = (lines: readonly CostLine[]): string =>
  table(
    [
      'workload',
      'function (MB)',
      'billed ms: warm, cold',
      'Lambda GB-s',
      'DynamoDB RRU / WRU',
      'Secrets Manager calls',
      'Lambda $',
      'DynamoDB $',
      'HTTP API $',
      'Secrets $',
      'total $',
    ],
    lines.map((cost) => [
      cost.what,
      cost.function ? `${cost.function} (${cost.memoryMb})` : 'several',
      typeof cost.warmMs === 'number' ? `${cost.warmMs}, ${cost.coldMs}` : 'as its routes',
      cost.gbSeconds.toFixed(0),
      `${units(cost.readUnits)} / ${units(cost.writeUnits)}`,
      cost.secretsCalls.toFixed(0),
      dollars(cost.dollars.lambda),
      dollars(cost.dollars.dynamodb),
      dollars(cost.dollars.apiGateway),
      dollars(cost.dollars.secretsManager),
      `**${dollars(cost.dollars.total)}**`,
    ]),
  );

const costSections = (results: BenchResults): string[] => {
  const { costs, peer } = results;
  if (!costs)
    return ['### Cost model', 'Not computed: a route of the table has no warm latency or no cold start in this run.'];
  const peerRows = Object.entries(peer.cold).map(([name, run]) => [
    name,
    pair(run.ours.init.p50, run.ours.init.p90),
    pair(run.ours.total.p50, run.ours.total.p90),
    `${run.pairedRatio.totalCpu}×, ${run.pairedRatio.total}×`,
  ]);
  return [
    `### Cost model (list prices ${costs.prices.region}, ${costs.prices.asOf}; ${coldStartShare * 100}% cold starts)`,
    `Lambda arm64 $${costs.prices.lambdaArmPerGbSecond}/GB-s + $${costs.prices.lambdaPerRequest * 1e6}/M requests, init billed; ` +
      `DynamoDB on-demand $${costs.prices.dynamoDbPerWriteUnit * 1e6}/M WRU, $${costs.prices.dynamoDbPerReadUnit * 1e6}/M RRU; ` +
      `HTTP API $${costs.prices.httpApiPerRequest * 1e6}/M; Secrets Manager $${costs.prices.secretsManagerPerCall * 1e4}/10k calls (one per cold start). ` +
      'Warm ms: measured in-process p50; cold ms: measured init + first request p50; units: what the store reported for the counted operations. ' +
      `An onboarding: ${onboardingRequests.map(([key, , count]) => `${count} × ${key}`).join(', ')}.`,
    '#### Ours: one function per handler',
    costTable(costs.ours),
    `#### The peer: one Express function (serverless-http) for every route, bundle ${kb(peer.bundle.bytes)}`,
    "Measured: its bundle started cold (init) with each function's request. Assumed: warm requests and the first request " +
      'after init cost what ours cost (the same work), and the same memory and cold-start share.',
    table(
      ['first request of', 'peer init', 'peer total (floor work)', 'peer / floor: CPU total, wall total'],
      peerRows,
    ),
    costTable(costs.peer),
  ];
};

export const renderMarkdown = (results: BenchResults): string => {
  const names = Object.keys(results.cold) as FunctionName[];
  const { machine, settings } = results;
  const sections = [
    `Run ${results.generatedAt} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node} (${machine.platform}), store: ${machine.store}, ` +
      `load average ${machine.loadAverage.before.toFixed(1)} → ${machine.loadAverage.after.toFixed(1)}; ` +
      `${settings.coldRuns} cold processes per bundle, ${settings.iterations} warm requests per route, ${results.runtimeSeconds} s in all.`,
    '### Bundles and cold starts (ms, p50 / p90 wall time unless marked; ratios are medians of paired runs)',
    table(
      [
        'function',
        'bundle',
        'floor bundle',
        'init',
        'first request',
        'total',
        'floor init',
        'floor total',
        'CPU total, ours / floor',
        'ours/floor CPU: init, total',
        'ours/floor wall: init, total',
        'largest packages',
      ],
      names.flatMap((name) => {
        const pairOf = results.cold[name];
        if (!pairOf) return [];
        const { ours, floor, pairedRatio } = pairOf;
        const bundles = results.bundles[name];
        return [
          [
            name,
            kb(bundles.ours.bytes),
            kb(bundles.floor.bytes),
            pair(ours.init.p50, ours.init.p90),
            pair(ours.firstRequest.p50, ours.firstRequest.p90),
            pair(ours.total.p50, ours.total.p90),
            pair(floor.init.p50, floor.init.p90),
            pair(floor.total.p50, floor.total.p90),
            `${formatMs(ours.totalCpu.p50)} / ${formatMs(floor.totalCpu.p50)}`,
            `${pairedRatio.initCpu}×, ${pairedRatio.totalCpu}×`,
            `${pairedRatio.init}×, ${pairedRatio.total}×${statuses(ours.statuses) === '501' ? ' (501 stub)' : ''}`,
            topPackages(bundles.ours),
          ],
        ];
      }),
    ),
    '### Source maps: at every cold start, or at the first logged error (ms, p50 / p90 unless marked)',
    table(
      [
        'function',
        'map beside the bundle',
        'init as deployed (no flag)',
        'init with --enable-source-maps',
        'CPU init, as deployed / with the flag',
        'with the flag / as deployed: CPU init, CPU total, wall init, wall total',
        'first logged error: read + decode the map, wall / CPU (once per container)',
      ],
      names.flatMap((name) => {
        const maps = results.sourceMaps[name];
        const deployed = results.cold[name]?.ours;
        if (!maps || !deployed) return [];
        const { pairedRatio, firstLoggedError } = maps;
        return [
          [
            name,
            kb(firstLoggedError.mapBytes),
            pair(deployed.init.p50, deployed.init.p90),
            pair(maps.enableSourceMaps.init.p50, maps.enableSourceMaps.init.p90),
            `${formatMs(deployed.initCpu.p50)} / ${formatMs(maps.enableSourceMaps.initCpu.p50)}`,
            `${pairedRatio.initCpu}×, ${pairedRatio.totalCpu}×, ${pairedRatio.init}×, ${pairedRatio.total}×`,
            `${formatMs(firstLoggedError.wallMs)} / ${formatMs(firstLoggedError.cpuMs)}`,
          ],
        ];
      }),
    ),
    '### Warm latency per route (ms, p50 / p99)',
    table(
      ['route', 'function', 'status', 'in-process', 'through the local gateway'],
      Object.entries(results.latency).map(([key, run]) => [
        `\`${key}\``,
        run.function,
        statuses(run.inProcess.statuses),
        pair(run.inProcess.latency.p50, run.inProcess.latency.p99),
        pair(run.gateway.latency.p50, run.gateway.latency.p99),
      ]),
    ),
    '### Round trips per request (counted)',
    table(
      ['request', 'status', 'DynamoDB', 'operations', 'read / write units', 'Stripe', 'Stripe calls'],
      Object.entries(results.roundTrips).map(([key, trips]) => [
        key.startsWith('webhook:') ? key : `\`${key}\``,
        String(trips.status),
        String(trips.dynamodb),
        Object.entries(trips.operations)
          .map(([operation, count]) => `${operation}×${count}`)
          .join(', ') || '–',
        `${trips.units.read} / ${trips.units.write}${trips.units.unreported ? ` (+${trips.units.unreported} unreported)` : ''}`,
        String(trips.stripe),
        trips.stripeCalls.join(', ') || '–',
      ]),
    ),
    '### Webhook throughput against the store (events/s)',
    table(
      [
        'concurrency',
        'webhook events/s (account.updated)',
        'raw conditional puts/s',
        'webhook / raw put, by round (median)',
        'raw in-place account updates/s',
        'webhook / raw update',
        'raw put+update transactions/s (rarer events)',
        'failures',
      ],
      results.throughput.map((run) => [
        String(run.concurrency),
        String(run.webhook.perSecond),
        String(run.rawPut.perSecond),
        `${run.webhookShareOfPutByRound.map((share) => `${Math.round(share * 100)}%`).join(', ')} (${Math.round(run.webhookShareOfPut * 100)}%)`,
        String(run.rawAccountUpdate.perSecond),
        `${Math.round(ratio(run.webhook.perSecond, run.rawAccountUpdate.perSecond) * 100)}%`,
        String(run.rawTransaction.perSecond),
        String(run.webhook.failures),
      ]),
    ),
    ...costSections(results),
    '### Targets',
    results.targets.map((line) => `- ${line.pass ? 'PASS' : 'FAIL'} ${line.target}: ${line.measured}`).join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
};
