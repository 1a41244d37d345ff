/**
 * Turns a Node HTTP request into the event API Gateway's HTTP API (payload format 2.0) delivers:
 * lower-cased headers with repeats joined by commas, cookies split out of the Cookie header,
 * repeated query keys joined by commas in `queryStringParameters`, and non-text bodies base64.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { secondsMs } from '../shared/time';

/**
 * The media types whose bodies API Gateway's HTTP API delivers as text, as live captures show: every other body,
 * a form's (`application/x-www-form-urlencoded`), a `+json` type's and one without a Content-Type, arrives base64.
 */
const textContentType = /^\s*(text\/[^;\s]+|application\/(json|xml|javascript))\s*(;|$)/i;

export interface EventInput {
  readonly request: IncomingMessage;
  readonly url: URL;
  /** The path as API Gateway hands it on (`apiGatewayPath`). */
  readonly rawPath: string;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
  readonly body: Buffer;
  /** Deliver every non-empty body base64-encoded, as API Gateway does for binary media types. */
  readonly forceBase64?: boolean;
}

/** A request the gateway refuses before any route sees it, as API Gateway does: 400 with `message`. */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}

/** RFC 3986 host (IP literal, IPv4 or registered name) with an optional port. */
const hostPattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(:\d{1,5})?$/;

const base = 'http://localhost';

const undecodablePath = 'Bad Request: the path is not valid percent-encoded UTF-8.';

const hostHeaders = (request: IncomingMessage): string[] =>
  request.rawHeaders.filter((_, index) => index % 2 === 1 && request.rawHeaders[index - 1]?.toLowerCase() === 'host');

/**
 * The request's URL, or a MalformedRequestError that says what is wrong: one well-formed Host
 * (required by HTTP/1.1), a target that is a path (origin-form), and a path that decodes as UTF-8.
 * Only the path and query are taken from the request; the host never decides what is parsed.
 */
export const requestUrl = (request: IncomingMessage): URL => {
  const hosts = hostHeaders(request);
  if (hosts.length > 1) throw new MalformedRequestError('Bad Request: the request has more than one Host header.');
  const host = hosts[0];
  if (host === undefined && request.httpVersion === '1.1')
    throw new MalformedRequestError('Bad Request: an HTTP/1.1 request needs a Host header.');
  if (host !== undefined && !hostPattern.test(host))
    throw new MalformedRequestError('Bad Request: the Host header is not a valid host name.');
  const target = request.url ?? '';
  // URL parsing reads `//host` and `/\\host` as another host: only a plain path is taken.
  const path = target.split('?', 1)[0] ?? '';
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\') || !URL.canParse(target, base))
    throw new MalformedRequestError('Bad Request: the request target must be a path starting with a single /.');
  const url = new URL(target, base);
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw new MalformedRequestError(undecodablePath);
  }
  return url;
};

/**
 * The path as API Gateway's HTTP API routes it and hands it on (`rawPath`, `requestContext.http.path`), as live
 * captures of its events show: percent-decoded, cut at a `?` that decoding revealed, then decoded once more
 * (`%252F` is a `/`). A path whose second decoding fails is refused. `url` comes from `requestUrl`.
 */
export const apiGatewayPath = (url: URL): string => {
  const decoded = decodeURIComponent(url.pathname).split('?', 1)[0] ?? '';
  try {
    return decodeURIComponent(decoded);
  } catch {
    throw new MalformedRequestError(undecodablePath);
  }
};

/** A time as API Gateway writes `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
const requestTime = (at: Date): string => {
  const [, day, month, year, time] = at.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
};

const joinedQuery = (params: URLSearchParams): Record<string, string> | undefined => {
  const joined: Record<string, string> = {};
  for (const [key, value] of params) joined[key] = key in joined ? `${joined[key]},${value}` : value;
  return Object.keys(joined).length > 0 ? joined : undefined;
};

export const toApiGatewayEvent = ({
  request,
  url,
  rawPath,
  routeKey,
  pathParameters,
  body,
  forceBase64 = false,
}: EventInput): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] ?? '').toLowerCase();
    const value = request.rawHeaders[index + 1] ?? '';
    if (name === 'cookie') {
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter(Boolean),
      ];
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  // As API Gateway does (it says https), whatever the client sent: the responses depend on it (HSTS).
  headers['x-forwarded-proto'] = 'http';
  // API Gateway passes the client's address on, and no X-Forwarded-For the client sent.
  const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-for'] = sourceIp;
  const base64 = body.length > 0 && (forceBase64 || !textContentType.test(headers['content-type'] ?? ''));
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(joinedQuery(url.searchParams) ? { queryStringParameters: joinedQuery(url.searchParams) } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: base64 ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded: base64,
  };
};

/** A Lambda context with the function's real timeout, which middy reads to end work early. */
export const lambdaContext = (functionName: string, timeoutSeconds: number, requestId: string): Context => {
  const deadline = Date.now() + secondsMs(timeoutSeconds);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
