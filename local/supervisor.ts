/**
 * The supervisor of the local processes: whatever ends this process (Ctrl-C, SIGTERM, SIGHUP, an
 * uncaught error, a normal exit), the child processes it started end with it. A supervised child
 * is spawned `detached`, in its own process group, so a Ctrl-C in the terminal reaches only this
 * process (which stops things in order) and the whole group of the child is signalled, including
 * anything the child started itself.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || !running(child)) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the signal.
  }
};

/** Nothing can be awaited in an 'exit' listener: the children get SIGKILL, which they cannot outlive. */
const killChildrenNow = (): void => {
  for (const child of children) signalGroup(child, 'SIGKILL');
};

let exitHookInstalled = false;
const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killChildrenNow);
};

/**
 * Ends `child` (spawned with `detached: true`) whenever this process exits.
 * @example
 * superviseChild(spawn('java', args, { detached: true, stdio: 'ignore' }));
 */
export const superviseChild = (child: ChildProcess): void => {
  installExitHook();
  children.add(child);
  child.once('exit', () => children.delete(child));
};

/** Asks a supervised child's process group to stop (SIGTERM) and waits until the child has exited. */
export const stopChild = async (child: ChildProcess): Promise<void> => {
  if (!running(child)) return;
  const exited = new Promise((done) => child.once('exit', done));
  signalGroup(child, 'SIGTERM');
  await exited;
};

export interface ProcessSupervisor {
  /** Registers what to close on a stop signal; closed in reverse order of registration. */
  onStop(close: () => Promise<void>): void;
}

/** How long a stop signal waits for things to close before exiting anyway (children are killed then). */
const stopGraceMs = 5000;

/**
 * Makes this process a supervisor: a stop signal closes what was registered (bounded by a grace
 * period; a second signal exits at once), an uncaught error exits 1, and every supervised child
 * ends in all cases.
 */
export const superviseProcess = (name: string): ProcessSupervisor => {
  installExitHook();
  const closers: (() => Promise<void>)[] = [];
  let stopping = false;

  const stop = async (): Promise<void> => {
    for (const close of closers.toReversed()) await close();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`${name}: ${signal}, stopping...\n`);
    setTimeout(() => {
      process.stderr.write(`${name}: did not stop within ${stopGraceMs / 1000} s; exiting anyway\n`);
      process.exit(1);
    }, stopGraceMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name}: stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // An unhandled rejection arrives here too (Node's default --unhandled-rejections=throw).
  process.on('uncaughtException', (error) => {
    process.stderr.write(`${name}: stopping after an unexpected error: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
  return {
    onStop: (close) => {
      closers.push(close);
    },
  };
};
