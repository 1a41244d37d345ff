/**
 * docs/routes.md's table lists exactly the routes of the route table
 * (shared/routes.ts), docs/api-accounts.md's those of the functions it covers, and docs/observability.md names every function as a log line's `service`: a route or
 * function added, moved or removed there shows up as a failure here until the docs say so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type FunctionName, functionNames, routeKey, routes } from '../../shared/routes';

const routesIn = (file: string) =>
  readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    .split('\n')
    .flatMap((line) => /^\| `(GET|POST) ([^`?]+)[^`]*` +\|/.exec(line)?.slice(1, 3).join(' ') ?? []);

describe('the route tables in the docs', () => {
  const table = routes.map(routeKey).sort();

  it('docs/routes.md lists every route of shared/routes.ts once, and no other', () => {
    expect(routesIn('docs/routes.md').sort()).toEqual(table);
  });

  it('docs/api-accounts.md lists every route of the functions it covers (accounts, login-link, deauthorize)', () => {
    const covered: readonly FunctionName[] = ['accounts', 'login-link', 'deauthorize'];

    expect(routesIn('docs/api-accounts.md').sort()).toEqual(
      routes
        .filter((route) => covered.includes(route.function))
        .map(routeKey)
        .sort(),
    );
  });

  it("docs/observability.md names every function as a log line's service", () => {
    const row = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| `service`'));
    const named = [...(row?.split('|')[2] ?? '').matchAll(/`([a-z-]+)`/g)].map(([, name]) => name);

    expect(named.sort()).toEqual([...functionNames].sort());
  });
});
