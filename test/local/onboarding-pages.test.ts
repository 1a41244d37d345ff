import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPagePaths } from '../../local/environment';
import { serveResultPages } from '../../local/pages';
import { httpCall } from '../emulator/helpers';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (!serveResultPages(request, response, new URL(request.url ?? '/', 'http://local.invalid')))
      response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('local failure page', () => {
  it('explains onboarding_incomplete plainly and says the same account continues', async () => {
    const page = await httpCall(`${base}${localPagePaths.failure}?error=onboarding_incomplete&account=acct_1`);

    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<p id="reason">You left Stripe before submitting everything it asked for, so your account is not ready for payments yet. What you entered is kept.</p>',
    );
    expect(page.text).toContain(
      'Continue onboarding from the platform whenever you are ready: you will pick up the same account where you left it.',
    );
  });
});
