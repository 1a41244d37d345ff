/**
 * The middleware every handler uses: request-scoped logging, the security headers every answer
 * carries, and the one place errors become responses (JSON for API callers, a small HTML page for
 * browsers). 5xx detail never leaves; stack traces never do.
 */

import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type ErrorKind, ServiceError } from '../errors';
import type { Logger } from '../logger';
import type { RouteCaller } from '../routes';
import { requestRefusedMessage } from '../webhooks/log-messages';
import { type HttpResponse, htmlPage, jsonResponse } from './responses';

export interface ServiceMiddlewareOptions {
  readonly caller: RouteCaller;
  readonly logger: Logger;
  /** Set-Cookie values an error answer to `event` carries (see `HandlerOptions` in ./handler.ts). */
  readonly errorCookies?: (event: APIGatewayProxyEventV2, error: unknown) => readonly string[];
}

const securityHeaders = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The one place an error's kind becomes an HTTP status, and the `type` of its JSON body (in the
 * style of Stripe's API). Nothing below the edge picks a status.
 */
const statusOfKind: Readonly<Record<ErrorKind, { readonly status: number; readonly type: string }>> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  unauthenticated: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  conflict: { status: 409, type: 'conflict_error' },
  gone: { status: 410, type: 'invalid_request_error' },
  too_many_requests: { status: 429, type: 'rate_limit_error' },
  internal: { status: 500, type: 'api_error' },
  upstream_failed: { status: 502, type: 'upstream_error' },
  unavailable: { status: 503, type: 'service_unavailable_error' },
  upstream_timeout: { status: 504, type: 'upstream_error' },
};

/**
 * HSTS (RFC 6797): two years, subdomains included. API Gateway serves HTTPS only, so every answer
 * carries it, except over plain HTTP (§7.2), which only the local gateway speaks and marks with
 * `x-forwarded-proto: http`, the header API Gateway sets to `https`.
 */
const strictTransportSecurity = { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } as const;
const overPlainHttp = (event: Event): boolean => event.headers?.['x-forwarded-proto'] === 'http';

/** The HTTP status the edge answers a service error with. */
export const httpStatusOf = (error: ServiceError): number => statusOfKind[error.kind].status;

const internalError = (): ServiceError =>
  new ServiceError('internal', 'internal_error', 'Something went wrong on our side. Please try again in a minute.');

const asServiceError = (error: unknown): ServiceError => (error instanceof ServiceError ? error : internalError());

const publicMessage = (error: ServiceError): string =>
  error.expose ? error.message : 'Something went wrong on our side. Please try again in a minute.';

const browserTitle = (status: number): string =>
  status === 401 || status === 403
    ? 'You are not signed in for this'
    : status === 410
      ? 'This link is no longer in use'
      : status === 429
        ? 'Not possible right now'
        : status < 500
          ? 'This link did not work'
          : 'Something went wrong';

export const errorResponse = (error: ServiceError, caller: RouteCaller): HttpResponse => {
  const { status, type } = statusOfKind[error.kind];
  const response =
    caller === 'browser'
      ? htmlPage(status, browserTitle(status), [publicMessage(error), `Error code: ${error.code}`])
      : jsonResponse(status, { error: { type, code: error.code, message: publicMessage(error) } });
  if (error.retryAfterSeconds !== undefined) response.headers['retry-after'] = String(error.retryAfterSeconds);
  return response;
};

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyResultV2;

export const serviceMiddleware = ({
  caller,
  logger,
  errorCookies,
}: ServiceMiddlewareOptions): MiddlewareObj<Event, Result> => {
  const serviceMiddlewareBefore = (request: { event: Event; context: { awsRequestId: string } }): void => {
    logger.setContext({
      requestId: request.event.requestContext?.requestId ?? request.context.awsRequestId,
      route: request.event.routeKey,
    });
  };

  const withHeaders = (response: Result | null | undefined, event: Event): Result => {
    const structured: HttpResponse =
      typeof response === 'object' && response !== null
        ? {
            ...response,
            statusCode: response.statusCode ?? 200,
            headers: { ...(response.headers as Record<string, string>) },
          }
        : jsonResponse(200, response ?? null);
    const requestId = event.requestContext?.requestId;
    Object.assign(structured.headers, securityHeaders, requestId ? { 'x-request-id': requestId } : {});
    if (!overPlainHttp(event)) Object.assign(structured.headers, strictTransportSecurity);
    return structured;
  };

  const serviceMiddlewareAfter = (request: { event: Event; response: Result | null }): void => {
    request.response = withHeaders(request.response, request.event);
  };

  const serviceMiddlewareOnError = (request: { event: Event; error: Error | null; response: Result | null }): void => {
    const error = asServiceError(request.error);
    const status = httpStatusOf(error);
    const fields = { status, errorCode: error.code, error: request.error };
    if (status >= 500 && error.deliberate) logger.warn('request deferred', fields);
    else if (status >= 500)
      logger.error('request failed', { ...fields, cause: (request.error as { cause?: unknown } | null)?.cause });
    // Stripe never sends a malformed delivery: a refused webhook is a rolled secret or a forger, worth a warning.
    else if (caller === 'stripe') logger.warn(requestRefusedMessage, fields);
    else logger.info(requestRefusedMessage, fields);
    const response = errorResponse(error, caller);
    const cookies = errorCookies?.(request.event, request.error) ?? [];
    request.response = withHeaders(
      cookies.length > 0 ? { ...response, cookies: [...cookies] } : response,
      request.event,
    );
  };

  return {
    name: 'serviceMiddleware',
    before: serviceMiddlewareBefore,
    after: serviceMiddlewareAfter,
    onError: serviceMiddlewareOnError,
  };
};
