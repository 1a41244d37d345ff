/**
 * One cold start, in a fresh Node process (built to bench/out/cold-child.mjs and run with plain
 * `node`, so no TypeScript loader sits in the measurement). The parent sends the bundle and the
 * event; this process times `await import(bundle)` (init) and the first invocation separately.
 */
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { lambdaContext } from '../local/api-gateway-event';

export interface ColdRequest {
  readonly bundle: string;
  readonly event: APIGatewayProxyEventV2;
}

export interface ColdResult {
  /** Process start until the import begins: Node's boot and this harness, the same for every bundle. */
  readonly bootMs: number;
  readonly initMs: number;
  readonly firstRequestMs: number;
  /**
   * CPU time (user + system, all threads) of the same two steps. Unlike wall time it does not grow
   * while the process waits for a core another process holds, so it stays comparable on a busy machine.
   */
  readonly initCpuMs: number;
  readonly firstRequestCpuMs: number;
  readonly status: number;
}

type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyResultV2>;

const statusOf = (result: APIGatewayProxyResultV2): number =>
  typeof result === 'object' && result !== null ? (result.statusCode ?? 200) : 200;

process.once('message', async ({ bundle, event }: ColdRequest) => {
  const bootMs = performance.now();
  const cpuAtStart = process.cpuUsage();
  const module = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
  const imported = performance.now();
  const cpuAtImport = process.cpuUsage(cpuAtStart);
  const result = await module.handler(event, lambdaContext('bench', 15, event.requestContext.requestId));
  const done = performance.now();
  const cpuAtEnd = process.cpuUsage(cpuAtStart);
  const cpuMs = ({ user, system }: NodeJS.CpuUsage): number => (user + system) / 1000;
  const answer: ColdResult = {
    bootMs,
    initMs: imported - bootMs,
    firstRequestMs: done - imported,
    initCpuMs: cpuMs(cpuAtImport),
    firstRequestCpuMs: cpuMs(cpuAtEnd) - cpuMs(cpuAtImport),
    status: statusOf(result),
  };
  // Keep-alive sockets to DynamoDB would hold the process open; the measurement is over.
  process.send?.(answer, () => process.exit(0));
});
