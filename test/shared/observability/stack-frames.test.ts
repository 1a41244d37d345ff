import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../bench/paths';
import { esbuildOptions } from '../../../infra/bundling';
import { projectPath } from '../../../shared/observability/stack-frames';

const fixture = 'test/shared/observability/log-an-error.ts';

/** The 1-based line and column of `text` in a source file of the repo, its first occurrence after `after`. */
const positionOf = (file: string, text: string, after = ''): { line: number; column: number } => {
  const lines = readFileSync(`${projectRoot}/${file}`, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.includes(after));
  const index = lines.findIndex((line, at) => at >= start && line.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return { line: index + 1, column: (lines[index] ?? '').indexOf(text) + 1 };
};

interface LoggedError {
  readonly level: string;
  readonly message: string;
  readonly error: { name: string; message: string; stack?: string[] };
}

describe('stack frames of logged errors in a deployed bundle', () => {
  // Inside the project, as CDK bundles into cdk.out/: the map names sources relative to it.
  let outdir = '';
  let logged: LoggedError[] = [];

  beforeAll(async () => {
    outdir = mkdtempSync(`${projectRoot}/test-output-stack-frames-`);
    await build(esbuildOptions({ projectRoot, entry: fixture, outdir }));
    // The environment Lambda gets from the stack: no NODE_OPTIONS, so Node itself maps nothing.
    const { stdout } = await promisify(execFile)(process.execPath, [`${outdir}/index.mjs`], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'INFO' },
    });
    logged = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LoggedError);
  });

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('names the TypeScript file, line and column where a shared function failed', () => {
    const thrown = positionOf('shared/config.ts', "throw configError(variable, 'is not set')", 'const tableName');
    const [configFailure] = logged;

    expect(configFailure).toMatchObject({
      level: 'ERROR',
      message: 'request failed',
      error: { message: 'The service is misconfigured: ACCOUNTS_TABLE is not set.' },
    });
    expect(configFailure?.error.stack).toContainEqual(
      `at tableName (shared/config.ts:${thrown.line}:${thrown.column + 'throw '.length})`,
    );
  });

  it('maps every frame of our code, with its original function name, and keeps the message out of the stack', () => {
    const thrown = positionOf(fixture, "throw new Error('failed");
    const called = positionOf(fixture, 'failInThisFile();');
    const failure = logged[2];

    expect(failure).toMatchObject({ level: 'ERROR', error: { name: 'Error', message: 'failed for [redacted]' } });
    expect(failure?.error.stack?.slice(0, 2)).toEqual([
      `at failInThisFile (${fixture}:${thrown.line}:${thrown.column + 'throw '.length})`,
      `at ${fixture}:${called.line}:${called.column}`,
    ]);
    expect(JSON.stringify(logged)).not.toContain('index.mjs');
    expect(JSON.stringify(logged)).not.toContain('sk_test_123abc');
  });

  it('logs a refusal (below ERROR) by name and message only', () => {
    expect(logged.filter((line) => line.level === 'WARN').map((line) => line.error)).toEqual([
      // The configuration error's own class, whatever shared/errors.ts names it; only its stack is left out.
      { name: logged[0]?.error.name, message: 'The service is misconfigured: ACCOUNTS_TABLE is not set.' },
      { name: 'Error', message: 'failed for [redacted]' },
    ]);
  });
});

describe('projectPath', () => {
  it('shows a source from the project root, a dependency from node_modules', () => {
    expect(projectPath('../../shared/logger.ts')).toBe('shared/logger.ts');
    expect(projectPath('../../node_modules/@smithy/core/dist-es/index.js')).toBe(
      'node_modules/@smithy/core/dist-es/index.js',
    );
  });
});
