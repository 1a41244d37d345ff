/** docs/design-stores.md's table of named conditions lists every part of `accountConditions`, with its expression. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountConditions } from '../../shared/stores/accounts-repo';

const rows = readFileSync(new URL('../../docs/design-stores.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split('|').map((cell) => cell.trim().replace(/^`|`$/g, '')));

describe('docs/design-stores.md, "Named conditions"', () => {
  it('names each condition part with the expression the code writes', () => {
    const documented = Object.fromEntries(rows.map(([, part, expression]) => [part, expression]));

    expect(documented).toEqual(expect.objectContaining(accountConditions));
  });
});
