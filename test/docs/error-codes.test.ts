/**
 * Every error code the service answers with (shared/errors.ts) is explained somewhere in docs/, so that a
 * platform developer who meets one can look it up; and the platform API's table in docs/routes.md names only
 * codes that exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../shared/errors';

const docsDir = new URL('../../docs/', import.meta.url);
const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => readFileSync(new URL(name, docsDir), 'utf8'))
  .join('\n');
const named = new Set([...docs.matchAll(/`([a-z_]+)`/g)].map(([, code]) => code));

describe('error codes in the docs', () => {
  it('explains every code the service can answer with', () => {
    expect(errorCodes.filter((code) => !named.has(code))).toEqual([]);
  });

  it("docs/routes.md's platform API table names no code that does not exist", () => {
    const table = readFileSync(new URL('routes.md', docsDir), 'utf8')
      .split('\n')
      .filter((line) => /^\| [2-5]\d\d +\|/.test(line));
    const codes = table.flatMap((line) => [...(line.split('|')[3] ?? '').matchAll(/`([a-z_]+)`/g)].map(([, c]) => c));

    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => !(errorCodes as readonly string[]).includes(code ?? ''))).toEqual([]);
  });
});
