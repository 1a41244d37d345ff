import { describe, expect, it } from 'vitest';
import { serveLocalPages } from '../../local/local-pages';
import { useLocalStack } from '../support/local-stack';
import { skipOpenApiChecks } from '../support/openapi-guard';

const hostile = '<img src=x onerror=alert(1)>';

// The accounts handler below answers what docs/openapi.yaml does not allow, on purpose (the demo must survive it).
skipOpenApiChecks();

const stack = useLocalStack({
  gateway: {
    localPages: serveLocalPages,
    // The demo must escape whatever the API answers, however odd.
    handlers: {
      accounts: async (event) =>
        event.headers.authorization?.includes('.')
          ? {
              statusCode: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify([{ accountId: `acct_1${hostile}`, type: hostile, status: 'connected' }]),
            }
          : { statusCode: 401, body: '{}' },
    },
  },
});

describe('local demo platform', () => {
  it('renders the API answer escaped, with Connect links carrying a fresh ticket and return_to', async () => {
    const response = await fetch(`${stack.gatewayUrl}/?user=alice`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).not.toContain(hostile);
    expect(html).toContain('acct_1&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(
      /href="\/connect\/authorize\?type=standard&amp;ticket=eyJ[\w.-]+&amp;return_to=http%3A%2F%2Flocalhost%3A\d+%2Flocal%2Fconnected%3Fuser%3Dalice"/,
    );
  });

  it('refuses a user name that is not a plain identifier', async () => {
    const response = await fetch(`${stack.gatewayUrl}/?user=${encodeURIComponent(hostile)}`);

    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(hostile);
  });

  it('sends a browser that opened 127.0.0.1 to the localhost origin the callback returns to', async () => {
    const response = await fetch(`${stack.gatewayUrl.replace('localhost', '127.0.0.1')}/?user=alice`, {
      redirect: 'manual',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${stack.gatewayUrl}/?user=alice`);
  });

  it('refuses a Disconnect posted from another origin and calls nothing', async () => {
    const response = await fetch(`${stack.gatewayUrl}/demo/disconnect`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=alice&account=acct_123',
      redirect: 'manual',
    });

    expect(response.status).toBe(400);
    expect(stack.emulator.requestLog()).not.toContainEqual(expect.objectContaining({ path: '/oauth/deauthorize' }));
  });

  it('refuses an Open dashboard link with a malformed account and creates no login link', async () => {
    const response = await fetch(
      `${stack.gatewayUrl}/demo/dashboard?user=alice&account=${encodeURIComponent(hostile)}`,
      {
        redirect: 'manual',
      },
    );

    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(hostile);
    expect(stack.emulator.requestLog()).not.toContainEqual(
      expect.objectContaining({ method: 'POST', path: expect.stringMatching(/login_links$/) }),
    );
  });
});

describe('local result pages', () => {
  it.each([
    [
      '/local/connected?account=acct_9&user=bob',
      'The platform could not confirm this account for you: the link back from Stripe carried no confirmation.',
      'href="/?user=bob"',
    ],
    [
      `/local/connected?account=acct_9&confirmation=${'A'.repeat(22)}&user=bob`,
      'The platform could not confirm this account for you: No connected account acct_9 is known here.',
      'account_not_found',
    ],
    ['/local/failed?error=state_expired', 'This connection link expired', 'href="/"'],
    [`/local/failed?error=${encodeURIComponent(hostile)}`, 'The connection did not complete.', '&lt;img'],
  ])('explains %s in plain words with a link back', async (path, words, fragment) => {
    const html = await (await fetch(`${stack.gatewayUrl}${path}`)).text();

    expect(html).toContain(words);
    expect(html).toContain(fragment);
    expect(html).not.toContain(hostile);
  });
});
