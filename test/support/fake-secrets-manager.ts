/**
 * A stand-in for Secrets Manager over HTTP, for the real AWS SDK client pointed at it
 * (`endpoint` or AWS_ENDPOINT_URL_SECRETS_MANAGER): GetSecretValue and PutSecretValue on
 * secrets held in memory by name, in the service's JSON 1.1 protocol.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  readonly url: string;
  /** The secrets by name, as strings: read and set them directly in tests. */
  readonly secrets: Map<string, string>;
  /** Every call's operation name, e.g. `GetSecretValue`. */
  readonly calls: string[];
  close(): Promise<void>;
}

const send = (response: import('node:http').ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
};

export const startFakeSecretsManager = async (initial: Record<string, string> = {}): Promise<FakeSecretsManager> => {
  const secrets = new Map(Object.entries(initial));
  const calls: string[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
    const operation = String(request.headers['x-amz-target']).replace(/^secretsmanager\./, '');
    calls.push(operation);
    const name = input.SecretId ?? '';
    const current = secrets.get(name);
    if (current === undefined) {
      send(response, 400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      return;
    }
    if (operation === 'GetSecretValue') send(response, 200, { Name: name, SecretString: current });
    else if (operation === 'PutSecretValue') {
      secrets.set(name, input.SecretString ?? '');
      send(response, 200, { Name: name, VersionId: `v${calls.length}` });
    } else send(response, 400, { __type: 'InvalidRequestException', message: `${operation} is not faked` });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secrets,
    calls,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
};
