import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/api-gateway-event';
import {
  createDocumentClient,
  documentClientFor,
  dynamoDbTimeouts,
  useDocumentClient,
} from '../../../shared/clients/dynamodb';
import { httpHandler } from '../../../shared/http/handler';
import { jsonResponse } from '../../../shared/http/responses';
import { createLogger } from '../../../shared/logger';
import { createMetrics } from '../../../shared/metrics';
import { pause } from '../../../shared/time';

/** A DynamoDB endpoint that leaves the first `hung` requests unanswered and answers the rest with an item. */
const endpointHanging = async (hung: number) => {
  const seen: string[] = [];
  /** How many of the requests were dropped by the client (their connection closed before an answer). */
  let dropped = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(String(request.headers['x-amz-target']));
    request.resume();
    response.on('close', () => {
      if (!response.writableFinished) dropped += 1;
    });
    if (seen.length <= hung) return;
    response
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ Item: { accountId: { S: 'acct_1' } } }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    dropped: () => dropped,
    close,
  };
};

let closing: (() => Promise<void>) | undefined;
afterEach(async () => {
  useDocumentClient(undefined);
  await closing?.();
  closing = undefined;
});

describe('createDocumentClient', () => {
  it('gives up on an attempt DynamoDB leaves unanswered and tries again, instead of waiting out the function', async () => {
    const endpoint = await endpointHanging(1);
    closing = endpoint.close;
    const client = createDocumentClient({ DYNAMODB_ENDPOINT: endpoint.url });

    const read = await client.send(new GetCommand({ TableName: 'accounts', Key: { accountId: 'acct_1' } }));

    expect(read.Item).toEqual({ accountId: 'acct_1' });
    // Without a request timeout the first attempt would wait for the socket's five minutes, and no second would come.
    expect(endpoint.seen).toEqual(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.GetItem']);
  });

  it("stops a request's calls once middy has answered it for running out of time: nothing is sent again later", async () => {
    const endpoint = await endpointHanging(Number.POSITIVE_INFINITY);
    closing = endpoint.close;
    useDocumentClient(createDocumentClient({ DYNAMODB_ENDPOINT: endpoint.url }));
    const logger = createLogger('probe', () => undefined, 'info');
    const handler = httpHandler(
      { method: 'POST', path: '/probe', function: 'webhook', caller: 'api' },
      { logger, metrics: createMetrics(logger) },
      async (_event, _lambda, { signal }) => {
        await documentClientFor(signal).send(new GetCommand({ TableName: 'accounts', Key: { accountId: 'acct_1' } }));
        return jsonResponse(200, {});
      },
    );
    const event = { routeKey: 'POST /probe', headers: {}, requestContext: { requestId: 'req-hung' } };

    const response = await handler(event as unknown as APIGatewayProxyEventV2, lambdaContext('probe', 0.6, 'hung'));

    expect(response).toMatchObject({ statusCode: 503 });
    await expect.poll(endpoint.dropped).toBe(1);
    // Past the attempt's own timeout: an attempt left running would have been sent again by now.
    await pause(dynamoDbTimeouts.requestTimeout + 500);
    expect(endpoint.seen).toHaveLength(1);
  });
});
