/**
 * The local gateway against malformed requests, sent byte for byte over a raw socket: each gets a
 * JSON refusal that says what is wrong, and the gateway goes on serving the next request.
 */
import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../local/gateway';
import type { HttpHandler } from '../../shared/http/handler';

let gateway: RunningGateway;

/** Echoes what the route received, so a test sees the event the gateway built. */
const echo: HttpHandler = async (event: APIGatewayProxyEventV2) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    rawPath: event.rawPath,
    path: event.requestContext.http.path,
    pathParameters: event.pathParameters ?? null,
  }),
});

beforeAll(async () => {
  gateway = await startGateway({
    handlers: {
      accounts: echo,
      deauthorize: async () => {
        throw new Error('the function failed');
      },
      'login-link': async () => ({ statusCode: 302, headers: { location: 'https://x.example/\r\nset-cookie: a=b' } }),
      // A function's answer without statusCode: API Gateway takes the whole of it as a JSON body.
      authorize: async () => ({ message: 'hello', body: 'not the body' }) as never,
      callback: async () => ({
        statusCode: 200,
        headers: { 'Set-Cookie': 'header=1' },
        cookies: ['first=1', 'second=2'],
        body: 'ok',
      }),
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** The payload of a chunked body: size lines in hex, each followed by that many characters. */
const unchunked = (body: string): string => {
  let payload = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, end), 16);
    if (!size) return payload;
    payload += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 4 + size);
  }
};

/** Writes `bytes` as they are and reads the answer until the gateway closes the connection. */
const send = (bytes: string | Buffer): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const socket = connect(gateway.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      const headers = head.toLowerCase();
      resolve({
        status: Number(head.split(' ')[1]),
        headers,
        body: headers.includes('transfer-encoding: chunked') ? unchunked(body) : body,
      });
    });
    socket.end(bytes);
  });

const get = (target: string, headers = 'Host: localhost\r\n') =>
  send(`GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);

/** What the echo route answers when API Gateway hands it `path` and `accountId`. */
const echoed = (path: string, accountId: string) =>
  JSON.stringify({ rawPath: path, path, pathParameters: { accountId } });

const stillServes = async () => {
  expect(await get('/accounts/acct_%41bc')).toMatchObject({
    status: 200,
    body: echoed('/accounts/acct_Abc', 'acct_Abc'),
  });
};

describe('local gateway', () => {
  it.each([
    [
      'a Host that is not a host name',
      () => get('/accounts', 'Host: [\r\n'),
      'the Host header is not a valid host name.',
    ],
    [
      'a Host with a path',
      () => get('/accounts', 'Host: evil.example/x\r\n'),
      'the Host header is not a valid host name.',
    ],
    [
      'two Host headers',
      () => get('/accounts', 'Host: localhost\r\nHost: evil.example\r\n'),
      'the request has more than one Host header.',
    ],
    ['no Host header in HTTP/1.1', () => get('/accounts', ''), 'an HTTP/1.1 request needs a Host header.'],
    [
      'an absolute URL as target',
      () => get('http://evil.example/accounts'),
      'the request target must be a path starting with a single /.',
    ],
    [
      'a scheme-relative target',
      () => get('//evil.example/accounts'),
      'the request target must be a path starting with a single /.',
    ],
    [
      'a backslash target',
      () => get('/\\evil.example/accounts'),
      'the request target must be a path starting with a single /.',
    ],
    [
      'an asterisk target',
      () => send('OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      'the request target must be a path starting with a single /.',
    ],
    ['a path with a cut escape', () => get('/accounts/acct_%E0%A4%A'), 'the path is not valid percent-encoded UTF-8.'],
    [
      'a path with an invalid UTF-8 escape',
      () => get('/accounts/%ff%fe'),
      'the path is not valid percent-encoded UTF-8.',
    ],
    [
      'bytes that are not HTTP',
      () => send('\u0000\u0001\u0002 nonsense\r\n\r\n'),
      'the request is not valid HTTP/1.1.',
    ],
    [
      'a header with a control character',
      () => get('/accounts', 'Host: localhost\r\nX-A: a\u0001b\r\n'),
      'the request is not valid HTTP/1.1.',
    ],
  ])('answers 400 with a JSON message to %s, and serves the next request', async (_, request, why) => {
    const answer = await request();
    expect(answer).toMatchObject({ status: 400, body: JSON.stringify({ message: `Bad Request: ${why}` }) });
    expect(answer.headers).toContain('content-type: application/json');
    await stillServes();
  });

  // As live captures of API Gateway HTTP API events show: the path is decoded before routing, cut at a decoded `?`,
  // and decoded once more; what fails that second decoding is refused.
  it.each([
    ['decodes the path before routing', '/accounts/acct_%41bc', '/accounts/acct_Abc'],
    ['decodes an encoded slash into a separator', '/accounts/acct_1%2Fx', undefined],
    ['cuts the path at a decoded question mark', '/accounts/acct_1%3Fx', '/accounts/acct_1'],
    ['decodes what the first decoding left encoded', '/accounts/acct_%2541', '/accounts/acct_A'],
    ['keeps a decoded hash', '/accounts/acct_1%23x', '/accounts/acct_1#x'],
  ])('%s, as API Gateway does', async (_, target, path) => {
    const answer = await get(target);
    if (path === undefined) {
      expect(answer).toMatchObject({ status: 404, body: JSON.stringify({ message: 'Not Found' }) });
      return;
    }
    expect(answer).toMatchObject({ status: 200, body: echoed(path, path.slice('/accounts/'.length)) });
  });

  it('answers 400 to a path whose second decoding fails', async () => {
    expect(await get('/accounts/acct_%25zz')).toMatchObject({
      status: 400,
      body: JSON.stringify({ message: 'Bad Request: the path is not valid percent-encoded UTF-8.' }),
    });
    await stillServes();
  });

  it("answers 431 past API Gateway's 10,240 bytes of request line and header values, and serves up to them", async () => {
    // `GET /accounts HTTP/1.1` (22 bytes), then the values localhost (9), close (5) and X-Big's.
    const withBig = (size: number) => get('/accounts', `Host: localhost\r\nX-Big: ${'a'.repeat(size)}\r\n`);
    expect(await withBig(10_240 - 22 - 9 - 5)).toMatchObject({ status: 200 });
    expect(await withBig(10_240 - 22 - 9 - 5 + 1)).toMatchObject({
      status: 431,
      body: JSON.stringify({
        message: 'Request Header Fields Too Large: the request line and headers are too long.',
      }),
    });
    await stillServes();
  });

  it('answers 431 with a JSON message to oversized headers, and serves the next request', async () => {
    expect(await get('/accounts', `Host: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n`)).toMatchObject({
      status: 431,
      body: JSON.stringify({
        message: 'Request Header Fields Too Large: the request line and headers are too long.',
      }),
    });
    await stillServes();
  });

  it('answers a function result without statusCode as API Gateway infers it: 200, JSON, the whole result', async () => {
    const answer = await get('/connect/authorize');
    expect(answer).toMatchObject({ status: 200, body: JSON.stringify({ message: 'hello', body: 'not the body' }) });
    expect(answer.headers).toContain('content-type: application/json');
  });

  it('sends both the cookies array and a Set-Cookie header, each cookie its own set-cookie line', async () => {
    const answer = await get('/connect/callback');
    expect(answer.status).toBe(200);
    expect(answer.headers.match(/^set-cookie: .*$/gm)).toEqual([
      'set-cookie: first=1',
      'set-cookie: second=2',
      'set-cookie: header=1',
    ]);
  });

  it('answers 500 when the function fails or answers a header Node cannot send, and serves the next request', async () => {
    expect(
      await send(
        'POST /accounts/acct_1/deauthorize HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      ),
    ).toMatchObject({
      status: 500,
      body: JSON.stringify({ message: 'Internal Server Error' }),
    });
    expect(await get('/connect/dashboard')).toMatchObject({
      status: 500,
      body: JSON.stringify({ message: 'Internal Server Error' }),
    });
    await stillServes();
  });

  it('survives a client that drops the connection in the middle of a body', async () => {
    await new Promise<void>((done) => {
      const socket = connect(gateway.port, '127.0.0.1', () => {
        socket.write(
          'POST /accounts/acct_1/deauthorize HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nabc',
        );
        socket.destroy();
        done();
      });
    });
    await stillServes();
  });
});
