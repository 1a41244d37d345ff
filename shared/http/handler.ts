import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ServiceError } from '../errors';
import { lambdaContextLogging, metricsFlushing } from '../observability/middleware';
import type { Observability } from '../observability/observability';
import { type FunctionName, type Route, type RouteName, type RoutesOf, routeKey, routeTable } from '../routes';
import type { HttpResponse } from './responses';
import { serviceMiddleware } from './service-middleware';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** A route's plain function: the request, and the Lambda context it runs in (its deadline). */
export type Serve = (event: APIGatewayProxyEventV2, lambda: Context) => Promise<HttpResponse>;

export interface HandlerOptions {
  /**
   * Set-Cookie values an error answer to `event` carries: the callback clears its flow's state cookie on every
   * outcome; onboarding keeps the browser binding it made before the failure (`cookiesOf` in ../errors.ts).
   */
  readonly errorCookies?: (event: APIGatewayProxyEventV2, error: unknown) => readonly string[];
}

/**
 * How long before Lambda's deadline middy gives up on a handler and answers: enough to log and return the
 * answer. Stripe calls keep more than this back (shared/stripe/call-budget.ts), so a slow Stripe gets the
 * route's own answer first; this is for what has no timeout of its own (a DynamoDB call that hangs).
 */
export const answerBeforeDeadlineMs = 250;

/** The answer to a handler still running at `answerBeforeDeadlineMs` before the deadline. */
const ranOutOfTime = (): never => {
  throw new ServiceError(
    'unavailable',
    'service_timeout',
    'This took longer than the service allows. Please try again.',
    {
      expose: true,
    },
  );
};

/** API Gateway's request id: the `x-request-id` we answer with and the `requestId` of its access log. */
export const correlationIdPath = 'requestContext.requestId';

/**
 * Wraps a route's plain function in the middleware every route shares. Handlers stay a screen long
 * and carry no try/catch: errors they throw become responses in one place, shaped for the route's
 * caller (from the route table). Middy runs `after` and `onError` hooks in reverse: the service
 * middleware answers first, then metrics are flushed, then the logger's per-request keys are cleared.
 */
export const httpHandler = (
  route: Route,
  { logger, metrics }: Observability,
  serve: Serve,
  options: HandlerOptions = {},
): HttpHandler =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({
    timeoutEarlyInMillis: answerBeforeDeadlineMs,
    timeoutEarlyResponse: ranOutOfTime,
  })
    .use(lambdaContextLogging(logger, { correlationIdPath }))
    .use(metricsFlushing(metrics))
    .use(serviceMiddleware({ caller: route.caller, logger, ...options }))
    .handler(serve) as unknown as HttpHandler;

/** `N` when it is the only route its function serves in the table; `never` when the function serves more. */
type SoleRoute<N extends RouteName> = [RoutesOf<(typeof routeTable)[N]['function']>] extends [N] ? N : never;

/**
 * The handler of a function serving one route, named in the table. Give that function a second route in the
 * table and this call no longer compiles: serve both with `routesHandler`, which dispatches on the route.
 */
export const soleRouteHandler = <N extends RouteName>(
  name: N & SoleRoute<N>,
  observability: Observability,
  serve: Serve,
  options: HandlerOptions = {},
): HttpHandler => httpHandler(routeTable[name], observability, serve, options);

/**
 * The handler of a function serving several routes: one `serve` per route the table gives the
 * function (a missing one does not compile), each wrapped for its own caller, chosen by the route
 * API Gateway matched.
 */
export const routesHandler = <F extends FunctionName>(
  functionName: F,
  observability: Observability,
  serves: Readonly<Record<RoutesOf<F>, Serve>>,
  options: HandlerOptions = {},
): HttpHandler => {
  const byKey = new Map<string, HttpHandler>(
    (Object.entries(serves) as [RoutesOf<F>, Serve][]).map(([name, serve]) => {
      const route: Route = routeTable[name];
      return [routeKey(route), httpHandler(route, observability, serve, options)];
    }),
  );
  return async (event, context) => {
    const handler = byKey.get(event.routeKey);
    if (!handler) throw new Error(`The ${functionName} function does not serve ${event.routeKey}.`);
    return handler(event, context);
  };
};
