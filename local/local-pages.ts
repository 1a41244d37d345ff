import { serveDemo } from './demo/serve-demo';
import type { LocalPages } from './gateway';
import { serveResultPages } from './pages';

/** Every local-only page the gateway serves in front of the route table: the demo platform, success and failure. */
export const serveLocalPages: LocalPages = async (request, response, url) =>
  (await serveDemo(request, response, url)) || serveResultPages(request, response, url);
