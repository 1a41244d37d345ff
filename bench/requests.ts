/**
 * One request to a route, described once and delivered two ways: as the API Gateway HTTP API
 * event a handler receives (in-process), or over HTTP through the local gateway.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Route, routeKey } from '../shared/routes';

export interface BenchRequest {
  readonly route: Route;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** `name=value` pairs, as API Gateway splits the Cookie header. */
  readonly cookies?: readonly string[];
  readonly body?: string;
}

export const pathOf = (request: BenchRequest): string =>
  request.route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(request.pathParameters?.[name] ?? ''),
  );

/** The event API Gateway (payload format 2.0) would deliver for this request. */
export const toEvent = (request: BenchRequest): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = { host: 'bench.local', 'user-agent': 'bench', ...request.headers };
  if (request.body !== undefined) headers['content-type'] ??= 'application/json';
  const now = new Date();
  const path = pathOf(request);
  return {
    version: '2.0',
    routeKey: routeKey(request.route),
    rawPath: path,
    rawQueryString: request.query ?? '',
    ...(request.cookies ? { cookies: [...request.cookies] } : {}),
    headers,
    ...(request.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(request.query)) } : {}),
    ...(request.pathParameters ? { pathParameters: { ...request.pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: request.route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey: routeKey(request.route),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: false,
  };
};

/** The same request through the local gateway; resolves once the whole answer is read. */
export const sendOverHttp = async (gatewayUrl: string, request: BenchRequest): Promise<number> => {
  const headers: Record<string, string> = { ...request.headers };
  if (request.cookies) headers.cookie = request.cookies.join('; ');
  if (request.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${gatewayUrl}${pathOf(request)}${request.query ? `?${request.query}` : ''}`, {
    method: request.route.method,
    headers,
    redirect: 'manual',
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
};
