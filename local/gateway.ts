/**
 * The local gateway: serves the route table from shared/routes.ts by turning each HTTP request
 * into an API Gateway HTTP API event for the same handler exports the stack deploys.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { documentClient } from '../shared/clients/dynamodb';
import type { HttpHandler } from '../shared/http/handler';
import { type FunctionName, functionSpecs, type Route, routeKey, routes } from '../shared/routes';
import { secondsMs } from '../shared/time';
import {
  apiGatewayPath,
  lambdaContext,
  MalformedRequestError,
  requestUrl,
  toApiGatewayEvent,
} from './api-gateway-event';
import { handlerLoaders } from './handlers';
import { readBodyUpTo } from './read-body';
import { asFunction, guardTableAccess } from './table-access';

/** API Gateway's own payload limit for HTTP APIs. */
const maxBodyBytes = 10 * 1024 * 1024;

/** HTTP API's quota on the request line and the header values together (Node's own parser allows 16 KiB). */
const maxRequestLineAndHeaderValueBytes = 10_240;

const requestLineAndHeaderValueBytes = (request: IncomingMessage): number =>
  request.rawHeaders.reduce(
    (total, field, index) => (index % 2 === 1 ? total + Buffer.byteLength(field) : total),
    Buffer.byteLength(`${request.method} ${request.url} HTTP/${request.httpVersion}`),
  );

export type LocalPages = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface GatewayOptions {
  readonly port?: number;
  readonly hostname?: string;
  /** Local-only pages (demo, success/failure) tried before the route table; return true if served. */
  readonly localPages?: LocalPages;
  /** Replace a function's handler (tests). */
  readonly handlers?: Partial<Record<FunctionName, HttpHandler>>;
  /** A shorter timeout (seconds) than the route table gives a function (tests of a slow Stripe). */
  readonly functionTimeouts?: Partial<Record<FunctionName, number>>;
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

/** The route of `method` and `path`, a path already decoded as API Gateway decodes it (`apiGatewayPath`). */
const match = (compiled: readonly CompiledRoute[], method: string, path: string) => {
  for (const { route, pattern, names } of compiled) {
    const found = route.method === method ? pattern.exec(path) : null;
    if (!found) continue;
    const pathParameters: Record<string, string> = {};
    names.forEach((name, index) => {
      pathParameters[name] = found[index + 1] ?? '';
    });
    return { route, pathParameters };
  }
  return undefined;
};

const sendJson = (response: ServerResponse, status: number, message: string): void => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
};

const headersTooLarge = [431, 'Request Header Fields Too Large: the request line and headers are too long.'] as const;

const clientErrorAnswers: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: headersTooLarge,
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout: the request did not arrive in time.'],
};

/**
 * What Node's HTTP parser refuses before any handler runs (bytes that are not HTTP, oversized
 * headers, invalid header characters): a JSON answer like every other refusal, then the
 * connection closes. Without this listener Node answers a bare status line.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] = clientErrorAnswers[error.code ?? ''] ?? [
    400,
    'Bad Request: the request is not valid HTTP/1.1.',
  ];
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
};

/**
 * Sends a function's result as API Gateway's HTTP API does (payload format 2.0). A result without `statusCode` is
 * the body itself (a string as it is, anything else as JSON), 200 and JSON. Each of `cookies` becomes a
 * `set-cookie` line, before any Set-Cookie the headers give, which is sent too.
 */
const send = (response: ServerResponse, result: APIGatewayProxyResultV2): void => {
  if (typeof result !== 'object' || result === null || !('statusCode' in result) || result.statusCode === undefined) {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  const setCookies = [...(result.cookies ?? [])];
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (name.toLowerCase() === 'set-cookie') setCookies.push(String(value));
    else headers[name] = String(value);
  }
  if (setCookies.length > 0) headers['set-cookie'] = setCookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  response.writeHead(result.statusCode, headers).end(body);
};

/**
 * The handler's answer, unless its function's timeout comes first: then, as Lambda ends the invocation,
 * the gateway answers as it does for a failed function (the handler's work goes on, unheard, here).
 */
const endedAt = async <T>(timeoutSeconds: number, answer: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${timeoutSeconds} seconds`)),
      secondsMs(timeoutSeconds),
    );
  });
  try {
    return await Promise.race([answer, timedOut]);
  } finally {
    clearTimeout(timer);
  }
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

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let path = '(unparsed)';
    try {
      const url = requestUrl(request);
      path = url.pathname;
      if (options.localPages && (await options.localPages(request, response, url))) return;
      const rawPath = apiGatewayPath(url);
      if (requestLineAndHeaderValueBytes(request) > maxRequestLineAndHeaderValueBytes)
        return sendJson(response, ...headersTooLarge);
      const found = match(compiled, request.method ?? 'GET', rawPath);
      if (!found) return sendJson(response, 404, 'Not Found');
      const body = await readBodyUpTo(request, maxBodyBytes);
      if (!body) return sendJson(response, 413, 'Request Entity Too Large');
      const event = toApiGatewayEvent({
        request,
        url,
        rawPath,
        routeKey: routeKey(found.route),
        pathParameters: found.pathParameters,
        body,
        ...(options.forceBase64Bodies ? { forceBase64: true } : {}),
      });
      const spec = functionSpecs[found.route.function];
      const handler = await handlerFor(found.route.function);
      const timeoutSeconds = options.functionTimeouts?.[spec.name] ?? spec.timeoutSeconds;
      // As in AWS, the function may touch only the tables its spec grants (./table-access.ts).
      guardTableAccess(documentClient());
      send(
        response,
        await endedAt(
          timeoutSeconds,
          asFunction(spec.name, () =>
            handler(event, lambdaContext(spec.name, timeoutSeconds, event.requestContext.requestId)),
          ),
        ),
      );
    } catch (error) {
      if (error instanceof MalformedRequestError) return sendJson(response, 400, error.message);
      // What API Gateway answers when the function itself fails.
      process.stderr.write(`local gateway: ${request.method} ${path} failed: ${(error as Error).message}\n`);
      if (!response.headersSent) sendJson(response, 500, 'Internal Server Error');
      else response.destroy();
    }
  };

  // No request may stop the gateway: whatever escapes `serve` (a failed write) only ends this exchange.
  const server = createServer({ requireHostHeader: false }, (request, response) => {
    serve(request, response).catch(() => response.destroy());
  });
  server.on('clientError', answerClientError);
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
