/**
 * The local gateway: serves the route table from shared/routes.ts by turning each HTTP request
 * into an API Gateway HTTP API event for the same handler exports the stack deploys.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { HttpHandler } from '../shared/http/handler';
import { type FunctionName, functionSpecs, type Route, routeKey, routes } from '../shared/routes';
import { lambdaContext, toApiGatewayEvent } from './api-gateway-event';
import { handlerLoaders } from './handlers';
import { readBodyUpTo } from './read-body';

/** API Gateway's own payload limit for HTTP APIs. */
const maxBodyBytes = 10 * 1024 * 1024;

export type LocalPages = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface GatewayOptions {
  readonly port?: number;
  readonly hostname?: string;
  /** Local-only pages (demo, success/failure) tried before the route table; return true if served. */
  readonly localPages?: LocalPages;
  /** Replace a function's handler (tests). */
  readonly handlers?: Partial<Record<FunctionName, HttpHandler>>;
  readonly forceBase64Bodies?: boolean;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const compile = (route: Route): CompiledRoute => {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
};

const match = (compiled: readonly CompiledRoute[], method: string, path: string) => {
  for (const { route, pattern, names } of compiled) {
    const found = route.method === method ? pattern.exec(path) : null;
    if (!found) continue;
    const pathParameters: Record<string, string> = {};
    names.forEach((name, index) => {
      const raw = found[index + 1] ?? '';
      try {
        pathParameters[name] = decodeURIComponent(raw);
      } catch {
        pathParameters[name] = raw;
      }
    });
    return { route, pathParameters };
  }
  return undefined;
};

const sendJson = (response: ServerResponse, status: number, message: string): void => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
};

const send = (response: ServerResponse, result: APIGatewayProxyResultV2): void => {
  if (typeof result !== 'object' || result === null) {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string> | undefined) };
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  response.writeHead(result.statusCode ?? 200, headers).end(body);
};

export const startGateway = async (options: GatewayOptions = {}): Promise<RunningGateway> => {
  const compiled = routes.map(compile);
  const loaded = new Map<FunctionName, HttpHandler>(
    Object.entries(options.handlers ?? {}) as [FunctionName, HttpHandler][],
  );
  const handlerFor = async (name: FunctionName): Promise<HttpHandler> => {
    const existing = loaded.get(name);
    if (existing) return existing;
    const { handler } = await handlerLoaders[name]();
    loaded.set(name, handler);
    return handler;
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    try {
      if (options.localPages && (await options.localPages(request, response, url))) return;
      const found = match(compiled, request.method ?? 'GET', url.pathname);
      if (!found) return sendJson(response, 404, 'Not Found');
      const body = await readBodyUpTo(request, maxBodyBytes);
      if (!body) return sendJson(response, 413, 'Request Entity Too Large');
      const event = toApiGatewayEvent({
        request,
        url,
        routeKey: routeKey(found.route),
        pathParameters: found.pathParameters,
        body,
        ...(options.forceBase64Bodies ? { forceBase64: true } : {}),
      });
      const spec = functionSpecs[found.route.function];
      const handler = await handlerFor(found.route.function);
      send(
        response,
        await handler(event, lambdaContext(spec.name, spec.timeoutSeconds, event.requestContext.requestId)),
      );
    } catch (error) {
      // What API Gateway answers when the function itself fails.
      process.stderr.write(`local gateway: ${request.method} ${url.pathname} failed: ${(error as Error).message}\n`);
      if (!response.headersSent) sendJson(response, 500, 'Internal Server Error');
    }
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
};
