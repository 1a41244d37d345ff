/**
 * cfn-lint (https://github.com/aws-cloudformation/cfn-lint) on the synthesized template, bundling
 * skipped: no error and no warning. A finding the stack keeps on purpose is ignored on its
 * resource with a reason (infra/service-function.ts), never here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synth } from './synth';

const cfnLint = (() => {
  try {
    return execFileSync('which', ['cfn-lint'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

if (!cfnLint) console.warn('cfn-lint is not installed (pip install cfn-lint): the template lint is skipped');

describe.skipIf(!cfnLint)('cfn-lint on the synthesized template', () => {
  it('finds nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
    try {
      const file = join(dir, 'ConnectOnboarding.template.json');
      writeFileSync(file, JSON.stringify(synth().template.toJSON(), null, 1));
      const run = spawnSync(cfnLint ?? 'cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });

      expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
