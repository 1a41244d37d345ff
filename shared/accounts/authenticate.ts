import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseQuery, refuseUnknownParameters } from '../http/query';
import { bearerToken, verifyPlatformToken } from '../platform-token';
import { routeKey, routes } from '../routes';
import type { PlatformSecrets } from '../secrets';

/** The query parameters of the route API Gateway matched (`Route.query`): none unless the table names some. */
const queryTaken = (matchedRouteKey: string): readonly string[] =>
  routes.find((route) => routeKey(route) === matchedRouteKey)?.query ?? [];

/**
 * The platform user of an API request (`Authorization: Bearer <platform token>`). Once the caller is known,
 * a query parameter the route does not take is a 400 `unknown_parameter` (a query too long or not UTF-8, its
 * own 400), so a misplaced or misspelt parameter is never silently ignored. Every API route calls this first.
 */
export const authenticate = async (
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'rawQueryString' | 'routeKey'>,
  secrets: PlatformSecrets,
  now: number,
): Promise<string> => {
  const { platformUserId } = await verifyPlatformToken(bearerToken(event.headers), secrets, now);
  // Most requests have no query: nothing to refuse, and nothing to parse on a cold start's first request.
  if (event.rawQueryString)
    refuseUnknownParameters(parseQuery(event.rawQueryString), event.routeKey, queryTaken(event.routeKey));
  return platformUserId;
};
