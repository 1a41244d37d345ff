import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Logger } from '../logger';
import type { RouteCaller } from '../routes';
import type { HttpResponse } from './responses';
import { serviceMiddleware } from './service-middleware';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * Wraps a route's plain function in the middleware every route shares. Handlers stay a screen long
 * and carry no try/catch: errors they throw become responses in one place.
 */
export const httpHandler = (
  caller: RouteCaller,
  logger: Logger,
  serve: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
): HttpHandler =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(serviceMiddleware({ caller, logger }))
    .handler(serve) as unknown as HttpHandler;
