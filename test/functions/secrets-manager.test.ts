/**
 * The AWS path of the secrets: SECRET_ID set, the real Secrets Manager client talking to a local
 * stand-in. A Secrets Manager outage at cold start is a clear 503, and the function recovers on
 * its own once Secrets Manager answers again — no redeploy.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
let secretsManager: Server;
let failing = true;
const requests: string[] = [];

beforeAll(async () => {
  secretsManager = createServer((request, response) => {
    requests.push(String(request.headers['x-amz-target']));
    request.resume();
    if (failing) {
      response
        .writeHead(500, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'InternalServiceError', message: 'down' }));
      return;
    }
    const secret = {
      secretKey: localDefaults.stripeSecretKey,
      clientId: localDefaults.stripeClientId,
      webhookSecrets: localDefaults.webhookSecret,
      platformTokenSecret: localDefaults.platformTokenSecret,
    };
    response
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      .end(JSON.stringify({ Name: 'connect-onboarding/stripe', SecretString: JSON.stringify(secret) }));
  });
  await new Promise<void>((done) => secretsManager.listen(0, '127.0.0.1', () => done()));
  const { port } = secretsManager.address() as AddressInfo;
  stack = await startLocalStack({
    env: {
      SECRET_ID: 'connect-onboarding/stripe',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
});

afterAll(async () => {
  await stack?.close();
  secretsManager?.close();
});

describe('secrets from Secrets Manager', () => {
  it('answers 503 while Secrets Manager is down at cold start, then recovers without a redeploy and caches', async () => {
    const ticket = await stack.mintTicket('secret_user');
    const down = await fetch(`${stack.gatewayUrl}/accounts`, { headers: { authorization: `Bearer ${ticket}` } });

    failing = false;
    const recovered = await fetch(`${stack.gatewayUrl}/accounts`, { headers: { authorization: `Bearer ${ticket}` } });
    const again = await fetch(`${stack.gatewayUrl}/accounts`, { headers: { authorization: `Bearer ${ticket}` } });

    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      error: {
        type: 'service_unavailable_error',
        code: 'secrets_unavailable',
        message: 'The service cannot read its configuration right now. Please try again shortly.',
      },
    });
    expect(recovered.status).toBe(200);
    expect(again.status).toBe(200);
    // The SDK's own retries during the outage, then one successful read.
    expect(requests.every((target) => target === 'secretsmanager.GetSecretValue')).toBe(true);
    expect(requests.length).toBeGreaterThan(1);
    // Once read, the secret is served from the container's cache: the third request asked nobody.
    const afterRecovery = requests.length;
    await fetch(`${stack.gatewayUrl}/accounts`, { headers: { authorization: `Bearer ${ticket}` } });
    expect(requests.length).toBe(afterRecovery);
  });
});
