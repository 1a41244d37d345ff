import { readFile } from 'node:fs/promises';
import { serveDemo } from './demo/serve-demo';
import type { LocalPages } from './gateway';
import { serveResultPages } from './pages';

/** The service's OpenAPI description, served locally only (the stack has no such route). */
export const openApiPagePath = '/openapi.yaml';
const openApiFile = new URL('../docs/openapi.yaml', import.meta.url);

const serveOpenApi: LocalPages = async (request, response, url) => {
  if (url.pathname !== openApiPagePath || request.method !== 'GET') return false;
  const text = await readFile(openApiFile);
  response.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'cache-control': 'no-cache' }).end(text);
  return true;
};

/** Every local-only page the gateway serves in front of the route table: the demo platform, success and failure, the OpenAPI description. */
export const serveLocalPages: LocalPages = async (request, response, url) =>
  (await serveOpenApi(request, response, url)) ||
  (await serveDemo(request, response, url)) ||
  serveResultPages(request, response, url);
