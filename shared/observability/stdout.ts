/**
 * Where log and EMF lines go: file descriptor 1, written synchronously, the way pino's destination
 * writes. Lambda sends stdout and stderr to the same log group; one stream keeps tests simple.
 *
 * Not `process.stdout.write`: Node builds `process.stdout` on first use, which costs 2–3 ms of CPU at
 * the first line of every container when stdout is a pipe, as in Lambda (docs/performance.md). A
 * descriptor another part of the process made non-blocking can refuse a write (EAGAIN); what is left
 * of the line then goes through `process.stdout`, which queues it.
 */
import { writeSync } from 'node:fs';

export type LineWriter = (line: string) => void;

const toDescriptor: LineWriter = (line) => {
  const data = Buffer.from(`${line}\n`);
  let written = 0;
  try {
    while (written < data.length) written += writeSync(1, data, written);
  } catch {
    process.stdout.write(data.subarray(written));
  }
};

/**
 * Where a process hosting the functions sends their lines instead: a global, so that every copy of this
 * module sees it, the ones inside bundles included (the bench runs bundles in its own process).
 */
const hostWriter = Symbol.for('connect-onboarding.writeLine');
const host = globalThis as { [hostWriter]?: LineWriter };

/** Writes one line (no newline in `line`) to stdout. */
export const writeLine: LineWriter = (line) => (host[hostWriter] ?? toDescriptor)(line);

/**
 * Sends every line of this process elsewhere: the test setup through `process.stdout.write`, where the log
 * guard reads them; the bench nowhere. `undefined` restores fd 1.
 */
export const useLineWriter = (writer: LineWriter | undefined): void => {
  host[hostWriter] = writer;
};
