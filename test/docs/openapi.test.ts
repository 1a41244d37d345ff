/**
 * docs/openapi.yaml describes exactly the route table, and its checker is not vacuous: the
 * integration tests' responses are checked by test/support/openapi-guard.ts.
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes';
import { openApi, responseProblems } from '../support/openapi';

const operations = Object.entries(openApi.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
    .map((method) => `${method.toUpperCase()} ${path}`),
);

const json = { 'content-type': 'application/json; charset=utf-8' } as Record<string, string>;
const check = (method: string, path: string, status: number, body: unknown, headers = json) =>
  responseProblems({
    method,
    url: `http://localhost:3000${path}`,
    status,
    header: (name) => headers[name],
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('docs/openapi.yaml', () => {
  it('is OpenAPI 3.1 with an operation for every route of the route table, and no other', () => {
    expect(openApi.openapi).toBe('3.1.0');
    expect(operations.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('documents exactly the query parameters each API route takes (Route.query), the others being refused', () => {
    type Parameter = { name?: string; in?: string; $ref?: string };
    const documented = (route: (typeof routes)[number]) => {
      const operation = openApi.paths[route.path]?.[route.method.toLowerCase()] as { parameters?: Parameter[] };
      return (operation?.parameters ?? []).filter((parameter) => parameter.in === 'query').map((p) => p.name);
    };
    for (const route of routes.filter((candidate) => candidate.caller === 'api')) {
      expect(documented(route).sort(), `${route.method} ${route.path}`).toEqual([...(route.query ?? [])].sort());
    }
  });

  it('accepts responses as the service sends them', () => {
    expect(
      check('POST', '/accounts/acct_1/login_links', 200, { object: 'login_link', created: 1, url: 'https://x.test/l' }),
    ).toEqual([]);
    expect(
      check('GET', '/accounts/acct_1', 404, {
        error: { type: 'not_found_error', code: 'account_not_found', message: 'No such account.' },
      }),
    ).toEqual([]);
    expect(
      check('GET', '/connect/authorize', 302, '', { location: 'https://connect.stripe.com/oauth/authorize' }),
    ).toEqual([]);
  });

  it('names what is wrong with a response that does not match', () => {
    expect(check('GET', '/accounts', 200, { object: 'list', data: [] })).toEqual([
      'GET /accounts → 200: data must have required property \'has_more\', data must have required property \'next_cursor\' in {"object":"list","data":[]}',
    ]);
    expect(check('GET', '/accounts', 418, {})).toEqual([
      'GET /accounts → 418: status not documented for GET /accounts',
    ]);
    expect(check('GET', '/connect/authorize', 302, '', {})).toEqual([
      'GET /connect/authorize → 302: no Location header',
    ]);
    expect(check('POST', '/webhooks/stripe', 200, 'ok', { 'content-type': 'text/plain' })).toEqual([
      "POST /webhooks/stripe → 200: content-type 'text/plain', documented: application/json",
    ]);
    // Not a documented operation: not ours to judge (the demo page, the emulator, API Gateway's 404).
    expect(check('GET', '/v1/accounts/acct_1', 500, 'x')).toEqual([]);
  });
});

describe('GET /openapi.yaml on the local gateway', () => {
  it('serves the description (a local page: the stack has no such route)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { startGateway } = await import('../../local/gateway');
    const { serveLocalPages } = await import('../../local/local-pages');
    const gateway = await startGateway({ port: 0, hostname: '127.0.0.1', localPages: serveLocalPages });
    try {
      const response = await fetch(`${gateway.url}/openapi.yaml`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
      expect(await response.text()).toBe(await readFile(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'));
      expect(routes.some((route) => route.path === '/openapi.yaml')).toBe(false);
    } finally {
      await gateway.close();
    }
  });
});
