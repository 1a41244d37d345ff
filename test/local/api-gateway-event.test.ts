import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiGatewayPath, toApiGatewayEvent } from '../../local/api-gateway-event';

/** Sends one raw request to a throwaway server and converts what arrives, as the gateway does. */
const convert = async (options: {
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
  forceBase64?: boolean;
}) => {
  let received: IncomingMessage | undefined;
  const server = createServer((incoming, response) => {
    received = incoming;
    response.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done, fail) => {
    const outgoing = request(
      { host: '127.0.0.1', port, method: 'POST', path: options.path, headers: options.headers },
      (response) => {
        response.resume();
        response.on('end', done);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(options.body);
  });
  server.close();
  const incoming = received as IncomingMessage;
  const url = new URL(options.path, `http://localhost:${port}`);
  return toApiGatewayEvent({
    request: incoming,
    url,
    rawPath: apiGatewayPath(url),
    routeKey: 'POST /accounts/{accountId}/login_links',
    pathParameters: { accountId: 'acct_1' },
    body: Buffer.from(options.body ?? ''),
    ...(options.forceBase64 ? { forceBase64: true } : {}),
  });
};

describe('toApiGatewayEvent', () => {
  it('delivers what API Gateway HTTP API (payload 2.0) delivers', async () => {
    const event = await convert({
      path: '/accounts/acct_1/login_links?a=1&a=2&b=x%20y',
      headers: {
        'X-Custom': ['one', 'two'],
        Cookie: 'c1=v1; c2=v2',
        'Content-Type': 'application/json',
        'X-Forwarded-For': '203.0.113.9',
      },
      body: '{"k":1}',
    });

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /accounts/{accountId}/login_links',
      rawPath: '/accounts/acct_1/login_links',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { accountId: 'acct_1' },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/accounts/acct_1/login_links' },
        routeKey: 'POST /accounts/{accountId}/login_links',
        stage: '$default',
      },
    });
    expect(event.headers['x-custom']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // As API Gateway writes it: 12/Mar/2020:19:03:58 +0000, the same instant as timeEpoch to the second.
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const [, day, month, rest] = /^(\d{2})\/(\w{3})\/(\d{4}:.*)$/.exec(event.requestContext.time) ?? [];
    expect(Date.parse(`${day} ${month} ${rest?.replace(':', ' ')}`)).toBe(
      Math.floor(event.requestContext.timeEpoch / 1000) * 1000,
    );
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  // Live captures: only text/*, application/json, application/xml and application/javascript arrive as text.
  it.each([
    ['text/plain; charset=utf-8', false],
    ['application/json; charset=utf-8', false],
    ['Application/JSON', false],
    ['application/xml', false],
    ['application/javascript', false],
    ['application/x-www-form-urlencoded', true],
    ['application/vnd.api+json', true],
    ['application/jsonx', true],
    ['multipart/form-data; boundary=x', true],
    [undefined, true],
  ])('delivers a body sent as %s base64-encoded: %s', async (contentType, base64) => {
    const event = await convert({
      path: '/x',
      headers: contentType === undefined ? {} : { 'Content-Type': contentType },
      body: 'a=1',
    });

    expect(event).toMatchObject({
      body: base64 ? Buffer.from('a=1').toString('base64') : 'a=1',
      isBase64Encoded: base64,
    });
  });

  it('base64-encodes binary bodies, and any body when asked to', async () => {
    const binary = await convert({
      path: '/x',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'hello',
    });
    const forced = await convert({
      path: '/x',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      forceBase64: true,
    });

    expect(binary).toMatchObject({ body: Buffer.from('hello').toString('base64'), isBase64Encoded: true });
    expect(forced).toMatchObject({ body: Buffer.from('{}').toString('base64'), isBase64Encoded: true });
  });
});
