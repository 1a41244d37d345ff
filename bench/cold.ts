/**
 * Cold starts: each sample is a fresh Node process that imports one bundle and serves one
 * request against the embedded DynamoDB and the emulator (bench/cold-child.ts). Ours and the
 * floor alternate, and which goes first alternates too, so drift on the machine hits both alike.
 */
import { fork } from 'node:child_process';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ColdResult } from './cold-child';
import { medianInterval, quantile, type Summary, summarize, twoDecimals } from './stats';

export interface ColdRun {
  readonly runs: number;
  readonly init: Summary;
  readonly firstRequest: Summary;
  readonly total: Summary;
  /** CPU time of init alone, and of init + first request (see ColdResult). */
  readonly initCpu: Summary;
  readonly totalCpu: Summary;
  readonly statuses: Readonly<Record<string, number>>;
}

const childTimeoutMs = 20_000;

/**
 * A cold process's environment: the function's only, plus PATH and what Lambda itself sets that the code
 * reads (an on-demand container, whose first invocation logs and counts a cold start). Lambda gets no
 * NODE_OPTIONS from the stack, and neither does this process unless `nodeOptions` is given (the source-map
 * comparison).
 */
export const coldEnvironment = (
  environment: Readonly<Record<string, string>>,
  nodeOptions = '',
): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  ...environment,
  ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
});

/** One cold start in a fresh process with {@link coldEnvironment}; its stdout is a pipe, as a Lambda function's is, drained and dropped. */
export const coldStart = (
  harness: string,
  bundle: string,
  event: APIGatewayProxyEventV2,
  environment: Readonly<Record<string, string>>,
  nodeOptions = '',
): Promise<ColdResult> =>
  new Promise((resolve, reject) => {
    const child = fork(harness, [], {
      env: coldEnvironment(environment, nodeOptions),
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      execArgv: [],
    });
    child.stdout?.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs);
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      resolve(message as ColdResult);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!answered) reject(new Error(`cold child for ${bundle} exited with ${code} before answering`));
    });
    child.send({ bundle, event });
  });

/** A cold start as the target reads it: init and the first request together, in wall or CPU time. */
const totalWall = (result: ColdResult): number => result.initMs + result.firstRequestMs;
const totalCpu = (result: ColdResult): number => result.initCpuMs + result.firstRequestCpuMs;

export const summarizeCold = (results: readonly ColdResult[]): ColdRun => {
  const statuses: Record<string, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    runs: results.length,
    init: summarize(results.map((result) => result.initMs)),
    firstRequest: summarize(results.map((result) => result.firstRequestMs)),
    total: summarize(results.map(totalWall)),
    initCpu: summarize(results.map((result) => result.initCpuMs)),
    totalCpu: summarize(results.map(totalCpu)),
    statuses,
  };
};

export interface ColdPairInput {
  readonly harness: string;
  readonly ours: string;
  readonly floor: string;
  readonly runs: number;
  /** NODE_OPTIONS of either side, when it is not the deployed none (the source-map comparison). */
  readonly oursNodeOptions?: string;
  readonly floorNodeOptions?: string;
  readonly environment: Readonly<Record<string, string>>;
  /** A fresh event per process (untimed). */
  readonly nextEvent: () => Promise<APIGatewayProxyEventV2>;
}

export interface ColdPair {
  readonly ours: ColdRun;
  readonly floor: ColdRun;
  /**
   * Median over runs of ours/floor for processes started back to back: robust to the machine's
   * load drifting during the run, which moves both samples of a pair alike. The target uses these.
   */
  readonly pairedRatio: {
    readonly init: number;
    readonly total: number;
    readonly initCpu: number;
    readonly totalCpu: number;
  };
  /**
   * 90% confidence intervals of the two medians the target reads (init + first request, CPU and wall):
   * a ratio whose interval straddles the target is a miss or a pass by the luck of this run.
   */
  readonly pairedInterval: {
    readonly total: readonly [number, number];
    readonly totalCpu: readonly [number, number];
  };
  /** Every pair's ratio of init + first request (two decimals, sorted), so results.json shows the spread. */
  readonly pairRatios: {
    readonly total: readonly number[];
    readonly totalCpu: readonly number[];
  };
}

export const measureColdPair = async (input: ColdPairInput): Promise<ColdPair> => {
  const ours: ColdResult[] = [];
  const floor: ColdResult[] = [];
  for (let run = 0; run < input.runs; run += 1) {
    const order = run % 2 === 0 ? (['ours', 'floor'] as const) : (['floor', 'ours'] as const);
    for (const which of order) {
      const event = await input.nextEvent();
      const result =
        which === 'ours'
          ? await coldStart(input.harness, input.ours, event, input.environment, input.oursNodeOptions)
          : await coldStart(input.harness, input.floor, event, input.environment, input.floorNodeOptions);
      (which === 'ours' ? ours : floor).push(result);
    }
  }
  const ratios = (value: (result: ColdResult) => number): number[] =>
    ours.map((result, index) => value(result) / value(floor[index] ?? result));
  const median = (pairs: readonly number[]): number => twoDecimals(quantile(pairs, 0.5));
  const interval = (pairs: readonly number[]): readonly [number, number] => {
    const [low, high] = medianInterval(pairs);
    return [twoDecimals(low), twoDecimals(high)];
  };
  const sorted = (pairs: readonly number[]): number[] => pairs.map(twoDecimals).sort((a, b) => a - b);
  const wall = ratios(totalWall);
  const cpu = ratios(totalCpu);
  return {
    ours: summarizeCold(ours),
    floor: summarizeCold(floor),
    pairedRatio: {
      init: median(ratios((result) => result.initMs)),
      total: median(wall),
      initCpu: median(ratios((result) => result.initCpuMs)),
      totalCpu: median(cpu),
    },
    pairedInterval: { total: interval(wall), totalCpu: interval(cpu) },
    pairRatios: { total: sorted(wall), totalCpu: sorted(cpu) },
  };
};
