/**
 * `npm start` as a person runs it, in a child process: however it ends (SIGTERM, an uncaught
 * error, a failed start; Ctrl-C and SIGHUP take SIGTERM's path), DynamoDB Local's Java process
 * ends with it; and a malformed request does not stop it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { freePort, javaAvailable } from '../../local/dynamodb';

interface Started {
  readonly child: ChildProcess;
  readonly gatewayPort: number;
  readonly dynamoDbPort: number;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** `node --import tsx local/start.ts --in-memory` on free ports, as `npm start` runs it. */
const start = async (options: { imports?: string[]; emulatorPort?: number } = {}): Promise<Started> => {
  const gatewayPort = await freePort();
  const dynamoDbPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(options.imports ?? []).flatMap((file) => ['--import', file]),
      'local/start.ts',
      '--in-memory',
    ],
    {
      env: {
        ...process.env,
        PORT: String(gatewayPort),
        STRIPE_EMULATOR_PORT: String(options.emulatorPort ?? (await freePort())),
        DYNAMODB_PORT: String(dynamoDbPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, gatewayPort, dynamoDbPort, exited, output: () => output };
};

const until = async (what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

const running = async (started: Started): Promise<void> =>
  until('npm start to be ready', () => {
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.output()}`);
    return started.output().includes('connect-onboarding is running locally');
  });

/** The pid of the DynamoDB Local Java process listening on `port`, from /proc. */
const javaPid = (port: number): number | undefined => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args.includes(String(port))) return Number(entry);
    } catch {
      // Gone while listing.
    }
  }
  return undefined;
};

/** A process that exited but was not reaped yet (a zombie) counts as gone. */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const javaGone = (pid: number) => until(`java ${pid} to end`, () => !alive(pid), 10_000);

/** A request with `Host: [`, which once threw outside the gateway's error handling and stopped everything. */
const badHostRequest = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.end('GET /accounts HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n');
  });

describe.skipIf(!javaAvailable() || process.platform !== 'linux')('npm start', () => {
  it('survives a malformed request, and SIGTERM stops it and DynamoDB Local', async () => {
    const started = await start();
    await running(started);
    const java = javaPid(started.dynamoDbPort);
    expect(java).toBeDefined();

    expect(await badHostRequest(started.gatewayPort)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect((await fetch(`http://127.0.0.1:${started.gatewayPort}/accounts`)).status).toBe(401);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    await javaGone(java ?? 0);
  }, 90_000);

  it('stops DynamoDB Local when an uncaught error ends the process', async () => {
    const started = await start({ imports: ['./test/local/fixtures/throw-on-sigusr2.ts'] });
    await running(started);
    const java = javaPid(started.dynamoDbPort) ?? 0;
    expect(alive(java)).toBe(true);

    started.child.kill('SIGUSR2');
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('npm start: stopping after an unexpected error: Error: a bug nobody caught');
    await javaGone(java);
  }, 90_000);

  it('stops DynamoDB Local when starting fails after it (the emulator port is taken)', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', () => done()));
    const address = taken.address();
    const emulatorPort = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = await start({ emulatorPort });
      let java: number | undefined;
      await until('DynamoDB Local to start', () => {
        java = javaPid(started.dynamoDbPort);
        return java !== undefined || started.child.exitCode !== null;
      });
      expect(java).toBeDefined();
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain('npm start failed');
      await javaGone(java ?? 0);
    } finally {
      taken.close();
    }
  }, 90_000);
});
