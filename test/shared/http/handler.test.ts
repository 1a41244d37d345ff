import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/api-gateway-event';
import { badRequest, ServiceError, StoreUnavailableError, tooManyRequests } from '../../../shared/errors';
import { httpHandler, routesHandler, soleRouteHandler } from '../../../shared/http/handler';
import { jsonResponse } from '../../../shared/http/responses';
import { createLogger } from '../../../shared/logger';
import { createMetrics } from '../../../shared/metrics';
import type { Route } from '../../../shared/routes';
import { capturedServiceLines } from '../../support/log-guard';

const event = (requestId: string): APIGatewayProxyEventV2 =>
  ({
    routeKey: 'POST /probe',
    rawPath: '/probe',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId },
  }) as unknown as APIGatewayProxyEventV2;

/** A route of an API caller, outside the service's table. */
const probeRoute: Route = { method: 'POST', path: '/probe', function: 'webhook', caller: 'api' };

/** A handler wired like every function, its log lines, and the EMF lines printed while it ran. */
const setup = (serve: () => Promise<ReturnType<typeof jsonResponse>>) => {
  const lines: string[] = [];
  const logger = createLogger('probe', (line) => lines.push(line), 'info');
  const metrics = createMetrics(logger);
  const handler = httpHandler(probeRoute, { logger, metrics }, serve);
  const invoke = async (requestId: string, timeoutSeconds = 10) => {
    const before = capturedServiceLines().length;
    const response = await handler(
      event(requestId),
      lambdaContext('probe-function', timeoutSeconds, `lambda-${requestId}`),
    );
    const emf = capturedServiceLines()
      .slice(before)
      .filter((line) => line.startsWith('{"_aws":'))
      .map(
        (line) =>
          JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } } & Record<
            string,
            unknown
          >,
      );
    return { response, emf };
  };
  return {
    lines,
    parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    invoke,
    logger,
    metrics,
  };
};

const lambdaKeys = (requestId: string, coldStart: boolean) => ({
  cold_start: coldStart,
  function_name: 'probe-function',
  function_arn: 'arn:aws:lambda:local:000000000000:function:probe-function',
  function_memory_size: expect.anything(),
  function_request_id: `lambda-${requestId}`,
  correlation_id: requestId,
  requestId,
  route: 'POST /probe',
});

describe('httpHandler', () => {
  // Lambda sets this; Powertools reports cold_start only for on-demand environments.
  beforeEach(() => vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'));
  afterEach(() => vi.unstubAllEnvs());

  it('logs with the Lambda context and the API Gateway request id, clears them after each invocation, and flushes metrics', async () => {
    const probe = setup(async () => {
      probe.logger.info('serving', { ticket: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig' });
      probe.metrics.count('LoginLinkCreated');
      return jsonResponse(200, { ok: true });
    });

    const first = await probe.invoke('req-1');
    const second = await probe.invoke('req-2');
    probe.logger.info('between invocations');

    expect(probe.parsed()).toEqual([
      {
        level: 'INFO',
        message: 'serving',
        service: 'probe',
        timestamp: expect.any(String),
        ...lambdaKeys('req-1', true),
        ticket: '[redacted]',
      },
      {
        level: 'INFO',
        message: 'serving',
        service: 'probe',
        timestamp: expect.any(String),
        ...lambdaKeys('req-2', false),
        ticket: '[redacted]',
      },
      expect.not.objectContaining({ correlation_id: expect.anything(), requestId: expect.anything() }),
    ]);
    expect(first.response).toMatchObject({ statusCode: 200, headers: { 'x-request-id': 'req-1' } });
    expect([
      first.emf.map((line) => line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name),
      second.emf.map((line) => line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name),
    ]).toEqual([['ColdStart', 'LoginLinkCreated'], ['LoginLinkCreated']]);
    expect(first.emf[0]).toMatchObject({
      service: 'connect-onboarding',
      function_name: 'probe-function',
      ColdStart: 1,
    });
  });

  it('logs a refused request once, with its errorCode, and still flushes what was counted', async () => {
    const probe = setup(async () => {
      probe.metrics.count('WebhookEventDuplicate');
      throw new ServiceError('invalid_request', 'signature_mismatch', 'No signature matches.');
    });

    const { response, emf } = await probe.invoke('req-3');

    expect(response).toMatchObject({ statusCode: 400 });
    expect(probe.parsed()).toEqual([
      {
        level: 'INFO',
        message: 'request refused',
        service: 'probe',
        timestamp: expect.any(String),
        ...lambdaKeys('req-3', true),
        status: 400,
        errorCode: 'signature_mismatch',
        error: { name: 'ServiceError', message: 'No signature matches.' },
      },
    ]);
    expect(emf.map((line) => Object.keys(line).filter((key) => key !== '_aws'))).toEqual([
      ['service', 'function_name', 'ColdStart'],
      ['service', 'WebhookEventDuplicate'],
    ]);
  });

  it('answers a limit with Retry-After in whole seconds, and no other error with it', async () => {
    const limited = setup(async () => {
      throw tooManyRequests('too_many_unfinished_accounts', 'Not before tomorrow.', 86_400);
    });
    const refused = setup(async () => {
      throw badRequest('invalid_limit', 'No.');
    });

    const limit = (await limited.invoke('req-limit')).response as { statusCode: number; headers: object };
    const other = (await refused.invoke('req-other')).response as { headers: object };

    expect(limit.statusCode).toBe(429);
    expect(limit.headers).toMatchObject({ 'retry-after': '86400' });
    expect(other.headers).not.toHaveProperty('retry-after');
  });

  it('logs a deliberate 503 (asking Stripe to retry) as a warning and a fault as an error', async () => {
    const deferred = setup(async () => {
      throw new ServiceError('unavailable', 'account_pending', 'Not connected here yet.', {
        expose: true,
        deliberate: true,
      });
    });
    const failing = setup(async () => {
      throw new StoreUnavailableError(new Error('unreachable'));
    });

    const answers = [(await deferred.invoke('req-4')).response, (await failing.invoke('req-5')).response];

    expect(answers).toMatchObject([{ statusCode: 503 }, { statusCode: 503 }]);
    expect(deferred.parsed()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'request deferred',
        status: 503,
        errorCode: 'account_pending',
      }),
    ]);
    expect(failing.parsed()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'request failed',
        status: 503,
        errorCode: 'store_unavailable',
      }),
    ]);
  });

  it('answers a handler still running near the deadline with a 503 that says so, before Lambda would end it', async () => {
    const hung = setup(() => new Promise(() => undefined));
    const timeoutSeconds = 0.6;
    const started = performance.now();

    const { response } = await hung.invoke('req-hung', timeoutSeconds);

    expect(performance.now() - started).toBeLessThan(timeoutSeconds * 1000);
    expect(response).toMatchObject({
      statusCode: 503,
      body: JSON.stringify({
        error: {
          type: 'service_unavailable_error',
          code: 'service_timeout',
          message: 'This took longer than the service allows. Please try again.',
        },
      }),
    });
    expect(hung.parsed()).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'request failed', status: 503, errorCode: 'service_timeout' }),
    ]);
  });
});

describe('soleRouteHandler', () => {
  const logger = createLogger('probe', () => undefined, 'info');
  const observability = { logger, metrics: createMetrics(logger) };
  const serve = async () => jsonResponse(200, { served: true });

  it("serves the one route of a function, and does not compile for a function's route that has siblings", async () => {
    const webhook = soleRouteHandler('webhook', observability, serve);
    // @ts-expect-error the onboard function serves three routes: they need routesHandler, which dispatches on the route
    const onboard = soleRouteHandler('startOnboarding', observability, serve);

    expect(typeof onboard).toBe('function');
    const response = await webhook(
      { ...event('sole'), routeKey: 'POST /webhooks/stripe' },
      lambdaContext('probe-function', 10, 'lambda-sole'),
    );
    expect(response).toMatchObject({ statusCode: 200, body: '{"served":true}' });
  });
});

describe('routesHandler', () => {
  const logger = createLogger('probe', () => undefined, 'info');
  const observability = { logger, metrics: createMetrics(logger) };
  const refuse = async (): Promise<ReturnType<typeof jsonResponse>> => {
    throw badRequest('unknown_parameter', 'The parameter x is not supported.');
  };
  const handler = routesHandler('login-link', observability, { dashboard: refuse, createLoginLink: refuse });
  const invoke = (routeKey: string) =>
    handler(
      { ...event('req-routes'), routeKey } as APIGatewayProxyEventV2,
      lambdaContext('probe-function', 10, 'lambda-req-routes'),
    );

  it("serves each of a function's routes for the caller the route table gives it", async () => {
    const [page, api] = [
      await invoke('GET /connect/dashboard'),
      await invoke('POST /accounts/{accountId}/login_links'),
    ];

    expect(page).toMatchObject({ statusCode: 400, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(api).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        error: {
          type: 'invalid_request_error',
          code: 'unknown_parameter',
          message: 'The parameter x is not supported.',
        },
      }),
    });
  });

  it('refuses a route the function does not serve, and does not compile without one it does', async () => {
    await expect(invoke('GET /accounts')).rejects.toThrowError('The login-link function does not serve GET /accounts.');
    // @ts-expect-error createLoginLink, the function's other route in the table, is missing.
    routesHandler('login-link', observability, { dashboard: refuse });
  });
});
