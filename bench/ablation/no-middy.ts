/**
 * Stands in for shared/http/handler.ts in an ablation variant (bench/ablate.ts): each route's function is
 * called directly, without middy and the three middlewares (per-invocation log keys, metrics flushing and the
 * `ColdStart` line, security headers and error answers). A thrown error becomes a bare 500.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { HttpHandler, Serve } from '../../shared/http/handler';
import type { Observability } from '../../shared/observability/observability';
import { type FunctionName, type Route, type RoutesOf, routeKey, routeTable } from '../../shared/routes';

export const correlationIdPath = 'requestContext.requestId';

const bare =
  (serve: Serve): HttpHandler =>
  async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
    try {
      return await serve(event, context);
    } catch {
      return { statusCode: 500, body: '' };
    }
  };

export const httpHandler = (_route: Route, _observability: Observability, serve: Serve): HttpHandler => bare(serve);

export const soleRouteHandler = (_name: string, _observability: Observability, serve: Serve): HttpHandler =>
  bare(serve);

export const routesHandler = <F extends FunctionName>(
  _functionName: F,
  _observability: Observability,
  serves: Readonly<Record<RoutesOf<F>, Serve>>,
): HttpHandler => {
  const byKey = new Map(
    (Object.entries(serves) as [RoutesOf<F>, Serve][]).map(([name, serve]) => [
      routeKey(routeTable[name] as Route),
      bare(serve),
    ]),
  );
  return async (event, context) => {
    const handler = byKey.get(event.routeKey);
    if (!handler) throw new Error(`No route ${event.routeKey}.`);
    return handler(event, context);
  };
};
