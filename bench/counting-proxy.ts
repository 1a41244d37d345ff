/**
 * A loopback HTTP proxy in front of the embedded DynamoDB that counts requests by operation
 * (the `X-Amz-Target` header, e.g. `DynamoDB_20120810.TransactWriteItems`). Counting on the wire
 * sees every round trip a bundle makes, SDK retries included, whatever copy of our code it carries.
 * It also asks the store what each request consumed (`ReturnConsumedCapacity: TOTAL`, added to the
 * request body; the answer is passed through untouched): read and write units as DynamoDB bills them,
 * from the real item sizes, transactions counted twice.
 */
import { Agent, createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Capacity units since the last reset: read and write, as the store reported them. */
export interface CapacityUnits {
  readonly read: number;
  readonly write: number;
  /** Requests whose answer reported none (a failed conditional write): billed as at least one unit, counted here. */
  readonly unreported: number;
}

export interface CountingProxy {
  readonly url: string;
  /** Requests seen since the last reset, by operation. */
  counts(): Readonly<Record<string, number>>;
  units(): CapacityUnits;
  reset(): void;
  close(): Promise<void>;
}

const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** The request body with `ReturnConsumedCapacity: TOTAL` (the store does not check the signature over it). */
const withCapacityReport = (body: Buffer): Buffer => {
  try {
    return Buffer.from(JSON.stringify({ ...JSON.parse(body.toString('utf8')), ReturnConsumedCapacity: 'TOTAL' }));
  } catch {
    return body;
  }
};

/** Units in an answer's `ConsumedCapacity` (one entry, or one per table for a transaction), if it has any. */
const consumedUnits = (answer: Buffer): number | undefined => {
  try {
    const { ConsumedCapacity: consumed } = JSON.parse(answer.toString('utf8')) as {
      ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
    };
    if (consumed === undefined) return undefined;
    return [consumed].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  } catch {
    return undefined;
  }
};

export const startCountingProxy = async (target: string): Promise<CountingProxy> => {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let counts: Record<string, number> = {};
  let units = { read: 0, write: 0, unreported: 0 };
  const server = createServer(async (incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
    counts[operation] = (counts[operation] ?? 0) + 1;
    const body = withCapacityReport(Buffer.concat(await incoming.toArray()));
    const proxied = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, 'content-length': String(body.length) },
        agent,
      },
      async (answer) => {
        const answered = Buffer.concat(await answer.toArray());
        const consumed = consumedUnits(answered);
        const kind = readOperations.has(operation) ? 'read' : 'write';
        if (consumed === undefined) units = { ...units, unreported: units.unreported + 1 };
        else units = { ...units, [kind]: units[kind] + consumed };
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.end(answered);
      },
    );
    proxied.on('error', () => outgoing.destroy());
    proxied.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    units: () => ({ ...units }),
    reset: () => {
      counts = {};
      units = { read: 0, write: 0, unreported: 0 };
    },
    close: () =>
      new Promise<void>((done) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
};
