/**
 * `npm install` on a fresh clone prints no warning of ours: no peer-dependency conflict (ERESOLVE)
 * and no dependency install script left unreviewed in package.json's `allowScripts`. A dry run
 * resolves the same tree from package-lock.json without touching node_modules (about a second).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** npm's stdout and stderr, as one text. */
const npm = (...args: string[]): string => {
  const run = spawnSync('npm', args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return `${run.stdout}${run.stderr}`;
};

describe('npm install', () => {
  it('resolves the locked tree without a warning', () => {
    const output = npm('install', '--dry-run', '--no-audit', '--no-fund');
    expect(output.split('\n').filter((line) => /^npm (warn|error)/i.test(line))).toEqual([]);
  });

  it('leaves no dependency install script unreviewed', () => {
    expect(JSON.parse(npm('install-scripts', 'ls', '--json'))).toEqual({ allowScripts: [] });
  });
});
