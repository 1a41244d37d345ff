/**
 * A missing or malformed setting is a clear answer, not a crash loop: every request gets a 503
 * naming the setting (HTML for browsers, JSON for the API), and each is logged once, at ERROR,
 * with the name. Config and secrets are read lazily, so the function keeps serving 503s until fixed.
 */
import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { browserCookieName, stateCookieName } from '../../shared/http/cookies';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';

const stack = useLocalStack({ env: { SUCCESS_URL: '' } });

const logsOf = (requestId: string | null) =>
  capturedServiceLines()
    .filter((line) => line.startsWith('{"level":'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.correlation_id === requestId);

const failedLog = (service: string, message: string) => [
  expect.objectContaining({
    level: 'ERROR',
    message: 'request failed',
    service,
    status: 503,
    errorCode: 'configuration_error',
    // A failing request's error carries its stack, pointing into our sources.
    error: {
      name: 'ConfigurationError',
      message,
      stack: expect.arrayContaining([expect.stringMatching(/shared\/.+\.ts:\d+:\d+\)$/)]),
    },
  }),
];

describe('a misconfigured deployment', () => {
  it('answers every browser request with a 503 page naming the missing variable, and logs each once', async () => {
    const ticket = await stack.mintTicket('user_config');
    // The browser routes of the functions that read the settings (the callback's own test follows); each asked twice.
    const requests = [
      ['authorize', `/connect/authorize?type=standard&ticket=${ticket}`],
      ['onboard', `/connect/onboard?type=express&ticket=${ticket}`],
      ['onboard', '/connect/onboard/refresh?account=acct_1'],
      ['onboard', '/connect/onboard/return?account=acct_1'],
    ] as const;
    for (const [service, path] of requests) {
      for (const attempt of [1, 2]) {
        const response = await fetch(`${stack.gatewayUrl}${path}`, {
          redirect: 'manual',
          headers: { cookie: `${browserCookieName}=${'I'.repeat(43)}` },
        });
        const page = await response.text();

        expect({ path, attempt, status: response.status, type: response.headers.get('content-type') }).toEqual({
          path,
          attempt,
          status: 503,
          type: expect.stringContaining('text/html'),
        });
        expect(page, path).toContain('The service is misconfigured: SUCCESS_URL is not set.');
        expect(page, path).toContain('Error code: configuration_error');
        expect(logsOf(response.headers.get('x-request-id')), path).toEqual(
          failedLog(service, 'The service is misconfigured: SUCCESS_URL is not set.'),
        );
      }
    }
  });

  it("clears the flow's state cookie on the callback's 503 too, so no half-used binding lingers", async () => {
    const response = await fetch(`${stack.gatewayUrl}/connect/callback?code=ac_1&state=${'s'.repeat(43)}`, {
      redirect: 'manual',
      headers: { cookie: `${stateCookieName('s'.repeat(43))}=${'b'.repeat(43)}` },
    });

    expect(response.status).toBe(503);
    expect(response.headers.getSetCookie()).toEqual([
      `${stateCookieName('s'.repeat(43))}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`,
    ]);
  });

  it('answers the API with a 503 JSON error naming a secret field that is too short', async () => {
    const saved = process.env.PLATFORM_TOKEN_SECRET;
    process.env.PLATFORM_TOKEN_SECRET = 'too-short';
    try {
      const response = await fetch(`${stack.gatewayUrl}/accounts`, {
        headers: { authorization: `Bearer ${await stack.mintTicket('user_config')}` },
      });

      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 503,
        body: {
          error: {
            type: 'service_unavailable_error',
            code: 'configuration_error',
            message: 'The service is misconfigured: secret field platformTokenSecret is shorter than 32 characters.',
          },
        },
      });
      expect(logsOf(response.headers.get('x-request-id'))).toEqual(
        failedLog(
          'accounts',
          'The service is misconfigured: secret field platformTokenSecret is shorter than 32 characters.',
        ),
      );
    } finally {
      process.env.PLATFORM_TOKEN_SECRET = saved ?? localDefaults.platformTokenSecret;
    }
  });

  it('answers the API with a 503 naming a previous platform token secret that is the current one, never its value', async () => {
    process.env.PREVIOUS_PLATFORM_TOKEN_SECRET = localDefaults.platformTokenSecret;
    try {
      const response = await fetch(`${stack.gatewayUrl}/accounts`, {
        headers: { authorization: `Bearer ${await stack.mintTicket('user_config')}` },
      });
      const message =
        'The service is misconfigured: secret field previousPlatformTokenSecret is the same as platformTokenSecret: ' +
        'set the new value as platformTokenSecret.';

      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 503,
        body: { error: { type: 'service_unavailable_error', code: 'configuration_error', message } },
      });
      expect(logsOf(response.headers.get('x-request-id'))).toEqual(failedLog('accounts', message));
    } finally {
      process.env.PREVIOUS_PLATFORM_TOKEN_SECRET = '';
    }
  });
});
