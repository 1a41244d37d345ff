import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/clients/dynamodb';

/** A DynamoDB endpoint that leaves the first `hung` requests unanswered and answers the rest with an item. */
const endpointHanging = async (hung: number) => {
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(String(request.headers['x-amz-target']));
    request.resume();
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close };
};

let closing: (() => Promise<void>) | undefined;
afterEach(async () => {
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
});
