import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Observability } from '../observability/observability';
import type { RouteCaller } from '../routes';
import type { HttpResponse } from './responses';
import { serviceMiddleware } from './service-middleware';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway's request id: the `x-request-id` we answer with and the `requestId` of its access log. */
export const correlationIdPath = 'requestContext.requestId';

/**
 * Wraps a route's plain function in the middleware every route shares. Handlers stay a screen long
 * and carry no try/catch: errors they throw become responses in one place. Middy runs `after` and
 * `onError` hooks in reverse: the service middleware answers first, then metrics are flushed, then
 * the logger's per-request keys are cleared.
 */
export const httpHandler = (
  caller: RouteCaller,
  { logger, metrics }: Observability,
  serve: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
  options: { readonly errorCookies?: readonly string[] } = {},
): HttpHandler =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger.powertools, { correlationIdPath, resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics.powertools, { captureColdStartMetric: true }))
    .use(serviceMiddleware({ caller, logger, ...options }))
    .handler(serve) as unknown as HttpHandler;
