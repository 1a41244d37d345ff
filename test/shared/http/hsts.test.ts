/**
 * Strict-Transport-Security on every answer in AWS (API Gateway serves HTTPS only and marks the
 * request with x-forwarded-proto: https), successes and refusals alike; never over the local
 * gateway's plain HTTP (x-forwarded-proto: http).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/api-gateway-event';
import { badRequest } from '../../../shared/errors';
import { httpHandler } from '../../../shared/http/handler';
import { jsonResponse, redirectResponse } from '../../../shared/http/responses';
import { createLogger } from '../../../shared/logger';
import { createMetrics } from '../../../shared/metrics';
import type { RouteCaller } from '../../../shared/routes';

const hsts = 'max-age=63072000; includeSubDomains';

const event = (headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({
    routeKey: 'GET /probe',
    rawPath: '/probe',
    headers,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-hsts' },
  }) as unknown as APIGatewayProxyEventV2;

const answer = async (caller: RouteCaller, serve: () => Promise<ReturnType<typeof jsonResponse>>, headers = {}) => {
  const logger = createLogger('probe', () => undefined, 'error');
  const handler = httpHandler(
    { method: 'GET', path: '/probe', function: 'accounts', caller },
    { logger, metrics: createMetrics(logger) },
    serve,
  );
  return (await handler(event(headers), lambdaContext('probe', 10, 'lambda-hsts'))) as {
    statusCode: number;
    headers: Record<string, string>;
  };
};

const outcomes = [
  ['a JSON answer', 'api', async () => jsonResponse(200, { ok: true })],
  ['a redirect', 'browser', async () => redirectResponse('https://connect.stripe.com/oauth/authorize')],
  [
    'a refusal page',
    'browser',
    async () => {
      throw badRequest('invalid_parameter', 'type must be standard or express.');
    },
  ],
  [
    'a JSON failure',
    'api',
    async () => {
      throw new Error('boom');
    },
  ],
] as const;

describe('Strict-Transport-Security', () => {
  it.each(outcomes)('is on %s over HTTPS, and when the protocol is not said', async (_, caller, serve) => {
    for (const headers of [{ 'x-forwarded-proto': 'https' }, {}]) {
      const response = await answer(caller, serve, headers);
      expect(response.headers['strict-transport-security']).toBe(hsts);
    }
  });

  it.each(outcomes)('is not on %s over plain HTTP (the local gateway)', async (_, caller, serve) => {
    const response = await answer(caller, serve, { 'x-forwarded-proto': 'http' });
    expect(response.headers).not.toHaveProperty('strict-transport-security');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
