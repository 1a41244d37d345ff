import type { LocalPages } from './gateway';
import { serveResultPages } from './pages';

/** Every local-only page the gateway serves in front of the route table. */
export const serveLocalPages: LocalPages = (request, response, url) => serveResultPages(request, response, url);
