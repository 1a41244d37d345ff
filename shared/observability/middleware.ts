/**
 * The two middy middlewares that wire logs and metrics into every handler (shared/http/handler.ts), as
 * Powertools' `injectLambdaContext` and `logMetrics` do: the Lambda context and the request's correlation
 * id on every line of the invocation, cleared after it; stored counts flushed after every invocation,
 * failed or not, and `ColdStart` counted on a container's first.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ServiceLogger } from '../logger';
import type { CreatedMetrics } from '../metrics';

/** The value at a dotted path of the event, e.g. `requestContext.requestId`. */
const atPath = (path: string, data: unknown): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      data,
    );

export const lambdaContextLogging = (
  logger: ServiceLogger,
  { correlationIdPath }: { readonly correlationIdPath: string },
): MiddlewareObj<APIGatewayProxyEventV2> => {
  const lambdaContextLoggingBefore: MiddlewareObj<APIGatewayProxyEventV2>['before'] = (request) => {
    const correlationId = atPath(correlationIdPath, request.event);
    logger.startInvocation(request.context, typeof correlationId === 'string' ? correlationId : undefined);
  };
  const lambdaContextLoggingAfter: MiddlewareObj<APIGatewayProxyEventV2>['after'] = () => logger.endInvocation();
  return { before: lambdaContextLoggingBefore, after: lambdaContextLoggingAfter, onError: lambdaContextLoggingAfter };
};

export const metricsFlushing = (metrics: CreatedMetrics): MiddlewareObj<APIGatewayProxyEventV2> => {
  const metricsFlushingBefore: MiddlewareObj<APIGatewayProxyEventV2>['before'] = (request) =>
    metrics.countColdStart(request.context.functionName);
  const metricsFlushingAfter: MiddlewareObj<APIGatewayProxyEventV2>['after'] = () => metrics.flush();
  return { before: metricsFlushingBefore, after: metricsFlushingAfter, onError: metricsFlushingAfter };
};
