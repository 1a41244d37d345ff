import { request } from 'node:http';
import { checkAgainstOpenApi } from './openapi-guard';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * An HTTP request with the path and headers exactly as given (fetch would normalise or refuse the
 * invalid bytes, repeated headers and odd methods that hostile input is made of).
 */
export const rawRequest = (
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
        insecureHTTPParser: true,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const response = {
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          if (URL.canParse(options.path, baseUrl)) {
            checkAgainstOpenApi({
              method: options.method,
              url: new URL(options.path, baseUrl).href,
              status: response.status,
              header: (name) => [incoming.headers[name.toLowerCase()] ?? []].flat()[0],
              body: response.body,
            });
          }
          resolve(response);
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
