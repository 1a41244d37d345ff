/**
 * Named attacks on the OAuth flow and faults of its dependencies, each asserting what the browser
 * sees and what the tables hold afterwards.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient, useDocumentClient } from '../../shared/clients/dynamodb';
import { stateCookieName } from '../../shared/http/cookies';
import { useLocalStack } from '../support/local-stack';
import { locationOf, TestBrowser } from '../support/test-browser';

const stack = useLocalStack({ env: { STRIPE_TIMEOUT_MS: '2000' } });

const authorizeIn = async (browser: TestBrowser, user: string, flow = 'standard', extra = '') => {
  const response = await browser.get(
    `${stack.gatewayUrl}/connect/authorize?type=${flow}&ticket=${await stack.mintTicket(user)}${extra}`,
  );
  expect(response.status).toBe(302);
  return locationOf(response);
};
const errorOf = (response: Response) => locationOf(response).searchParams.get('error');
const accountOf = (response: Response) => locationOf(response).searchParams.get('account');
const readAccount = async (accountId: string) =>
  (
    await createDocumentClient().send(
      new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }),
    )
  ).Item;
const accountsOf = async (platformUserId: string) =>
  ((await createDocumentClient().send(new ScanCommand({ TableName: stack.tables.accounts }))).Items ?? []).filter(
    (item) => item.platformUserId === platformUserId,
  );
const tokenCalls = () => stack.emulator.requestLog().filter((entry) => entry.path === '/oauth/token').length;

describe('OAuth attacks', () => {
  it('CSRF: a callback carrying a state minted for another browser is refused and connects nothing', async () => {
    const attacker = new TestBrowser();
    const callback = await stack.emulator.decide((await authorizeIn(attacker, 'csrf_attacker')).href, 'allow');
    const victim = new TestBrowser();
    await authorizeIn(victim, 'csrf_victim');

    const response = await victim.get(callback);

    expect(errorOf(response)).toBe('session_mismatch');
    expect(await accountsOf('csrf_victim')).toEqual([]);
  });

  it('replayed state: the second use is refused without a second code exchange', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await authorizeIn(browser, 'replay_user');
    const callback = await stack.emulator.decide(authorizeUrl.href, 'allow');
    const name = stateCookieName(authorizeUrl.searchParams.get('state') ?? '');
    const cookie = browser.cookie(name) ?? '';
    expect(accountOf(await browser.get(callback))).toMatch(/^acct_/);
    const before = tokenCalls();

    browser.setCookie(name, cookie);
    const replay = await browser.get(callback);

    expect(errorOf(replay)).toBe('state_invalid');
    expect(tokenCalls()).toBe(before);
  });

  it('concurrent callbacks with one state: exactly one code exchange and one success', async () => {
    const browser = new TestBrowser();
    const authorizeUrl = await authorizeIn(browser, 'race_user');
    const callback = await stack.emulator.decide(authorizeUrl.href, 'allow');
    const name = stateCookieName(authorizeUrl.searchParams.get('state') ?? '');
    const cookie = `${name}=${browser.cookie(name)}`;
    const before = tokenCalls();

    const results = await Promise.all(
      Array.from({ length: 6 }, () => fetch(callback, { redirect: 'manual', headers: { cookie } })),
    );

    expect(results.filter((response) => accountOf(response)?.startsWith('acct_'))).toHaveLength(1);
    expect(results.filter((response) => errorOf(response) === 'state_invalid')).toHaveLength(5);
    expect(tokenCalls() - before).toBe(1);
  });

  it('state for the other account type: an Express code with a Standard state is refused', async () => {
    const browser = new TestBrowser();
    const standard = await authorizeIn(browser, 'mixup_user', 'standard');
    const express = await authorizeIn(new TestBrowser(), 'mixup_user', 'express');
    express.searchParams.set('state', standard.searchParams.get('state') ?? '');

    const response = await browser.get(await stack.emulator.decide(express.href, 'allow'));

    expect(errorOf(response)).toBe('flow_mismatch');
    expect(await accountsOf('mixup_user')).toEqual([]);
  });

  it('code injection: a victim code used in the attacker session is revoked by Stripe when the victim finishes', async () => {
    const victim = new TestBrowser();
    const victimCallback = new URL(
      await stack.emulator.decide((await authorizeIn(victim, 'inject_victim')).href, 'allow'),
    );
    const attacker = new TestBrowser();
    const attackerAuthorize = await authorizeIn(attacker, 'inject_attacker');
    const injected = new URL(victimCallback);
    injected.searchParams.set('state', attackerAuthorize.searchParams.get('state') ?? '');

    const stolen = await attacker.get(injected.href);
    const accountId = accountOf(stolen) ?? '';
    const victimResult = await victim.get(victimCallback.href);

    // Stripe has no PKCE: the injected code works once. Its second use (the victim's) makes Stripe
    // revoke the connection, and the deauthorization webhook marks the stolen record dead.
    expect(errorOf(victimResult)).toBe('code_reused');
    await expect.poll(async () => (await readAccount(accountId))?.status, { timeout: 5000 }).toBe('deauthorized');
  });

  it('open redirect: return_to off the allowlist is refused before any state exists', async () => {
    const response = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('redirect_user')}&return_to=${encodeURIComponent('https://evil.example/phish')}`,
    );

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Error code: invalid_return_to');
  });

  it.each([
    [
      'alg: none',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: 'connect-onboarding', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url')}.`,
    ],
    [
      'a wrong key',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setAudience('connect-onboarding')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('wrong-key-wrong-key-wrong-key-wrong-key')),
    ],
    [
      'a wrong audience',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setAudience('billing')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(localDefaults.platformTokenSecret)),
    ],
    [
      'an expired token',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setAudience('connect-onboarding')
          .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
          .sign(new TextEncoder().encode(localDefaults.platformTokenSecret)),
    ],
    [
      'a far-future exp',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setAudience('connect-onboarding')
          .setExpirationTime('30d')
          .sign(new TextEncoder().encode(localDefaults.platformTokenSecret)),
    ],
  ])('platform token with %s: 401 and no state', async (_, mint) => {
    const response = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await mint()}`,
    );

    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('faults on the OAuth flow', () => {
  it.each([
    ['a Stripe 500', 'server_error'],
    ['a Stripe timeout', 'timeout'],
    ['connection resets', 'reset'],
  ] as const)('sends the browser to the failure page on %s, storing nothing', async (_, mode) => {
    const browser = new TestBrowser();
    const callback = await stack.emulator.decide((await authorizeIn(browser, `fault_${mode}`)).href, 'allow');
    stack.emulator.injectFault({ method: 'POST', path: '/oauth/token', mode, times: 2 });

    const response = await browser.get(callback);
    stack.emulator.clearFaults();

    expect(errorOf(response)).toBe('stripe_unavailable');
    expect(await accountsOf(`fault_${mode}`)).toEqual([]);
  });

  it('answers 503 with a clear page when DynamoDB is unreachable at authorize, and works again after', async () => {
    const unreachable = createDocumentClient({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', AWS_REGION: 'local' });
    useDocumentClient(unreachable);
    const failed = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('db_down')}`,
    );
    useDocumentClient(undefined);
    const recovered = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('db_down')}`,
    );

    expect(failed.status).toBe(503);
    expect(failed.headers.getSetCookie()).toEqual([]);
    expect(await failed.text()).toContain(
      'Our database is not answering right now. Nothing was changed; please try again shortly.',
    );
    expect(recovered.status).toBe(302);
  });

  it('answers 503 when DynamoDB keeps throttling past the SDK retries, writing no state', async () => {
    const real = createDocumentClient();
    const throttled = Object.create(real) as typeof real;
    throttled.send = (async () => {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      });
    }) as typeof real.send;
    useDocumentClient(throttled);
    const response = await new TestBrowser().get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('db_throttled')}`,
    );
    useDocumentClient(undefined);

    expect(response.status).toBe(503);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.text()).toContain('Error code: store_unavailable');
  });

  it('sends the browser to the failure page when DynamoDB fails during the callback', async () => {
    const browser = new TestBrowser();
    const callback = await stack.emulator.decide((await authorizeIn(browser, 'db_down_callback')).href, 'allow');
    useDocumentClient(createDocumentClient({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', AWS_REGION: 'local' }));

    const response = await browser.get(callback);
    useDocumentClient(undefined);

    expect(errorOf(response)).toBe('service_unavailable');
  });
});
