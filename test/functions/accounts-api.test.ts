import { describe, expect, it } from 'vitest';
import { createDocumentClient, useDocumentClient } from '../../shared/clients/dynamodb';
import { type RouteName, routes, routeTable } from '../../shared/routes';
import { useLocalStack } from '../support/local-stack';
import {
  apiError,
  badTokens,
  callApi,
  connectAccount,
  seedAccount,
  storedAccount,
  stripeCalls,
  tokenMessages,
  viewOf,
} from '../support/platform-api';
import { rawRequest } from '../support/raw-http';

const stack = useLocalStack();

const api = (method: 'GET' | 'POST', path: string, token?: string) => callApi(stack, method, path, token);
const as = (user: string) => stack.mintTicket(user);
const listed = (body: Record<string, unknown>) =>
  (body.data as { accountId: string }[]).map((account) => account.accountId);

/** Seeds `count` accounts for a user, one minute apart, oldest first; returns their ids. */
const seedMany = async (user: string, count: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const item = await seedAccount(stack, {
      platformUserId: user,
      type: index % 2 ? 'express' : 'standard',
      connectedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    });
    ids.push(String(item.accountId));
  }
  return ids;
};

/** Every route of the platform API (the route table's `api` callers), on an account id of the right shape. */
const apiRoutes = routes
  .filter((route) => route.caller === 'api')
  .map((route) => [route.method, route.path.replace('{accountId}', 'acct_1')] as const);

describe('authentication of the platform API', () => {
  it('covers every API route of the table', () => {
    expect(apiRoutes).toHaveLength(7);
  });

  it('refuses no, expired, other-audience, wrongly signed and unsigned tokens on every API route with 401', async () => {
    for (const [, token, code] of await badTokens()) {
      for (const [method, path] of apiRoutes) {
        expect(await api(method, path, token), `${method} ${path} with ${code}`).toMatchObject({
          status: 401,
          body: apiError('authentication_error', code, tokenMessages[code] ?? ''),
        });
      }
    }
  });

  it('takes the token only from a Bearer Authorization header', async () => {
    const token = await as('basic_user');
    const response = await fetch(`${stack.gatewayUrl}/accounts`, { headers: { authorization: `Basic ${token}` } });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(
      apiError('authentication_error', 'missing_token', tokenMessages.missing_token ?? ''),
    );
  });
});

/** The API routes over one account (`/accounts/{accountId}…`), by name. */
type AccountRoute = {
  [N in RouteName]: (typeof routeTable)[N] extends { caller: 'api'; path: `/accounts/{accountId}${string}` }
    ? N
    : never;
}[RouteName];

/**
 * A request each of them accepts but for whose account it is, so that ownership is the only refusal left. A new
 * account route does not compile until it has an entry, and then its test below proves it answers another user 403.
 */
const acceptedBodies: { readonly [N in AccountRoute]: unknown } = {
  getAccount: undefined,
  createLoginLink: undefined,
  deauthorize: undefined,
  confirmAccount: { confirmation: 'A'.repeat(22) },
  createAccountLink: { type: 'account_onboarding' },
  createAccountSession: { components: { account_onboarding: { enabled: true } } },
};

describe('ownership on the platform API', () => {
  it('names every route over one account, and only those, among the routes it checks', () => {
    expect(Object.keys(acceptedBodies).sort()).toEqual(
      Object.entries(routeTable)
        .filter(([, route]) => route.caller === 'api' && route.path.startsWith('/accounts/{accountId}'))
        .map(([name]) => name)
        .sort(),
    );
  });

  it("answers another user's account 403 not_your_account on every route over one account, before asking Stripe", async () => {
    const item = await seedAccount(stack, { platformUserId: 'owner_of_all', type: 'express' });
    const accountId = String(item.accountId);
    const intruder = await as('intruder');
    await stack.emulator.webhooksIdle(10_000);
    const stripeRequests = stack.emulator.requestLog().length;

    for (const [name, body] of Object.entries(acceptedBodies)) {
      const route = routeTable[name as AccountRoute];
      expect(
        await callApi(stack, route.method, route.path.replace('{accountId}', accountId), intruder, body),
        `${route.method} ${route.path}`,
      ).toMatchObject({
        status: 403,
        body: apiError(
          'permission_error',
          'not_your_account',
          `The account ${accountId} is not one of your connected accounts.`,
        ),
      });
    }
    expect(stack.emulator.requestLog().length).toBe(stripeRequests);
    expect(await storedAccount(stack, accountId)).toEqual(item);
  });
});

describe('query parameters of the platform API', () => {
  it('refuses, on every route, a parameter it does not take, saying which it takes, once the caller is known', async () => {
    const token = await as('query_user');
    for (const [method, path] of apiRoutes) {
      const takes = path === '/accounts' ? 'Supported: limit, cursor.' : 'It takes none.';

      expect(await api(method, `${path}?type=account_update`, token), `${method} ${path}`).toMatchObject({
        status: 400,
        body: apiError(
          'invalid_request_error',
          'unknown_parameter',
          `The request has a parameter that ${method} ${path.replace('acct_1', '{accountId}')} does not support. ${takes}`,
        ),
      });
    }
  });

  it('answers a caller without a valid token 401 first, whatever its query', async () => {
    for (const [method, path] of apiRoutes) {
      expect(await api(method, `${path}?type=account_update`), `${method} ${path}`).toMatchObject({
        status: 401,
        body: { error: { code: 'missing_token' } },
      });
    }
  });

  it('refuses a query string that is not percent-encoded UTF-8, or too long, on a route that takes none', async () => {
    const token = await as('query_user');

    expect(await api('GET', '/accounts/acct_1?%ff', token)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_query' } },
    });
    expect(await api('GET', `/accounts/acct_1?x=${'a'.repeat(9000)}`, token)).toMatchObject({
      status: 400,
      body: { error: { code: 'query_too_long' } },
    });
  });
});

describe('request bodies of the platform API', () => {
  it('refuses a body on the routes that take none (login links, deauthorize), before asking Stripe or changing anything', async () => {
    const standard = await connectAccount(stack, 'standard', 'body_user');
    const express = await connectAccount(stack, 'express', 'body_user');
    const token = await as('body_user');
    const post = (path: string, body?: unknown) => callApi(stack, 'POST', path, token, body);
    const takesNone = apiError(
      'invalid_request_error',
      'unknown_field',
      'The request body has a field this route does not take (it takes none).',
    );

    // A parameter Stripe's own login link once took, and a field a caller may think picks the account.
    expect(
      await post(`/accounts/${express}/login_links`, { redirect_url: 'https://platform.example/back' }),
    ).toMatchObject({ status: 400, body: takesNone });
    expect(await post(`/accounts/${standard}/deauthorize`, { account: 'acct_other' })).toMatchObject({
      status: 400,
      body: takesNone,
    });
    expect(await post(`/accounts/${standard}/deauthorize`, 'account=acct_other')).toMatchObject({
      status: 400,
      body: apiError('invalid_request_error', 'invalid_body', 'The request body is not valid JSON.'),
    });
    expect(stripeCalls(stack, 'POST', `/v1/accounts/${express}/login_links`)).toBe(0);
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(0);
    expect(await storedAccount(stack, standard)).toMatchObject({ status: 'connected' });

    // No body, or an empty object, names no field: both are served.
    expect((await post(`/accounts/${express}/login_links`, {})).status).toBe(200);
    expect((await post(`/accounts/${standard}/deauthorize`)).status).toBe(200);
  });
  it('says a body is not UTF-8, rather than that a value in it is wrong', async () => {
    const token = await as('body_user');
    const notUtf8 = Buffer.concat([Buffer.from('{"type":"account_onboarding'), Buffer.from([0xff]), Buffer.from('"}')]);

    // Without a text Content-Type the body reaches the function as its bytes (base64), as API Gateway sends it.
    const response = await rawRequest(stack.gatewayUrl, {
      method: 'POST',
      path: '/accounts/acct_1/account_links',
      headers: { authorization: `Bearer ${token}` },
      body: notUtf8,
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual(
      apiError('invalid_request_error', 'invalid_body', 'The request body is not valid UTF-8.'),
    );
  });
  // JSON.parse would keep the last of the two, silently dropping `account_update`.
  it('refuses a body that gives a field twice, as it refuses a query parameter given twice', async () => {
    const response = await rawRequest(stack.gatewayUrl, {
      method: 'POST',
      path: '/accounts/acct_1/account_links',
      headers: { authorization: `Bearer ${await as('body_user')}`, 'content-type': 'application/json' },
      body: '{"type":"account_update","type":"account_onboarding"}',
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual(
      apiError('invalid_request_error', 'invalid_body', 'The request body gives a field more than once.'),
    );
  });
});

describe('GET /accounts/{accountId}', () => {
  it("returns the owner its record as docs/openapi.yaml's Account describes it, without internal fields, never cached", async () => {
    const item = await seedAccount(stack, { platformUserId: 'reader', type: 'standard' });

    const result = await api('GET', `/accounts/${String(item.accountId)}`, await as('reader'));

    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual(viewOf(item));
  });

  it('returns an account connected through the real flow as stored by the callback', async () => {
    const accountId = await connectAccount(stack, 'express', 'flow_reader');

    const { body } = await api('GET', `/accounts/${accountId}`, await as('flow_reader'));

    expect(body).toEqual(viewOf((await storedAccount(stack, accountId)) ?? {}));
    expect(body).toMatchObject({
      accountId,
      platformUserId: 'flow_reader',
      type: 'express',
      scope: 'express',
      livemode: false,
      status: 'connected',
    });
  });

  it('refuses another user (403), an unknown account (404) and a malformed id (400)', async () => {
    const item = await seedAccount(stack, { platformUserId: 'owner_1', type: 'standard' });
    const accountId = String(item.accountId);

    expect(await api('GET', `/accounts/${accountId}`, await as('someone_else'))).toMatchObject({
      status: 403,
      body: apiError(
        'permission_error',
        'not_your_account',
        `The account ${accountId} is not one of your connected accounts.`,
      ),
    });
    expect(await api('GET', '/accounts/acct_unknown123', await as('owner_1'))).toMatchObject({
      status: 404,
      body: apiError('not_found_error', 'account_not_found', 'No connected account acct_unknown123 is known here.'),
    });
    for (const bad of ['not-an-account', 'acct_', 'acct_a-b', `acct_${'a'.repeat(65)}`, 'ACCT_abc']) {
      expect(await api('GET', `/accounts/${bad}`, await as('owner_1')), bad).toMatchObject({
        status: 400,
        body: apiError(
          'invalid_request_error',
          'invalid_account_id',
          'The account id must look like acct_ followed by letters and digits.',
        ),
      });
    }
  });

  it('still shows a deauthorized account to its owner, with its status and time', async () => {
    const item = await seedAccount(stack, { platformUserId: 'former', type: 'standard', status: 'deauthorized' });

    const { status, body } = await api('GET', `/accounts/${String(item.accountId)}`, await as('former'));

    expect(status).toBe(200);
    expect(body).toEqual(viewOf(item));
    expect(body).toMatchObject({ status: 'deauthorized', deauthorizedAt: item.connectedAt });
  });
});

describe('GET /accounts', () => {
  it('lists only the token user’s accounts, newest connection first, across pages with a cursor', async () => {
    const ids = await seedMany('lister', 5);
    await seedAccount(stack, { platformUserId: 'not_the_lister', type: 'standard' });
    const token = await as('lister');

    const first = await api('GET', '/accounts?limit=2', token);
    const second = await api('GET', `/accounts?limit=2&cursor=${String(first.body.next_cursor)}`, token);
    const third = await api('GET', `/accounts?limit=2&cursor=${String(second.body.next_cursor)}`, token);

    expect(first.body).toMatchObject({
      object: 'list',
      has_more: true,
      next_cursor: expect.stringMatching(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/),
    });
    expect(second.body).toMatchObject({ object: 'list', has_more: true, next_cursor: expect.any(String) });
    expect(third.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect([...listed(first.body), ...listed(second.body), ...listed(third.body)]).toEqual([...ids].reverse());
  });

  it('answers whole records in the list, and no cursor when a page ends exactly at the last account', async () => {
    const newest = await seedAccount(stack, {
      platformUserId: 'exact',
      type: 'express',
      connectedAt: '2026-02-02T00:00:00.000Z',
    });
    const oldest = await seedAccount(stack, {
      platformUserId: 'exact',
      type: 'standard',
      connectedAt: '2026-01-01T00:00:00.000Z',
    });

    expect(await api('GET', '/accounts?limit=2', await as('exact'))).toMatchObject({
      status: 200,
      body: { object: 'list', data: [viewOf(newest), viewOf(oldest)], has_more: false, next_cursor: null },
    });
  });

  it('skips accounts pending confirmation on every page, in one query while only a few are among the newest', async () => {
    const confirmed = await seedMany('with_pending', 4);
    // An onboarding left unfinished stays pending for good: three of them, newer than every confirmed account.
    for (const minute of [0, 1, 2]) {
      await seedAccount(stack, {
        platformUserId: 'with_pending',
        type: 'express',
        connectedAt: new Date(Date.UTC(2026, 0, 2, 0, minute)).toISOString(),
        pending: { hash: 'a'.repeat(64), expiresAt: Date.now() + 60_000 },
      });
    }
    const client = createDocumentClient();
    const send = client.send.bind(client);
    let queries = 0;
    client.send = ((command: Parameters<typeof send>[0]) => {
      if (command.constructor.name === 'QueryCommand') queries += 1;
      return send(command);
    }) as typeof client.send;
    useDocumentClient(client);
    try {
      const token = await as('with_pending');
      const first = await api('GET', '/accounts?limit=2', token);
      const queriesForFirstPage = queries;
      const second = await api('GET', `/accounts?limit=2&cursor=${String(first.body.next_cursor)}`, token);

      expect(queriesForFirstPage).toBe(1);
      expect({ first: listed(first.body), second: listed(second.body), more: second.body.has_more }).toEqual({
        first: [confirmed[3], confirmed[2]],
        second: [confirmed[1], confirmed[0]],
        more: false,
      });
    } finally {
      useDocumentClient(undefined);
    }
  });

  it('defaults to 25 per page and allows up to 100', async () => {
    await seedMany('many', 26);
    const token = await as('many');

    const byDefault = await api('GET', '/accounts', token);
    const all = await api('GET', '/accounts?limit=100', token);

    expect(listed(byDefault.body)).toHaveLength(25);
    expect(byDefault.body.has_more).toBe(true);
    expect(listed(all.body)).toHaveLength(26);
    expect(all.body.has_more).toBe(false);
  });

  it('refuses a cursor issued to another user, and tampered or made-up cursors, with 400 invalid_cursor', async () => {
    const [, second = ''] = await seedMany('cursor_owner', 3);
    const { body } = await api('GET', '/accounts?limit=1', await as('cursor_owner'));
    const cursor = String(body.next_cursor);
    const [payload = '', signature = ''] = cursor.split('.');
    const forgedPayload = Buffer.from(JSON.stringify([second, '2026-01-01T00:01:00.000Z'])).toString('base64url');
    const invalid = apiError(
      'invalid_request_error',
      'invalid_cursor',
      'The cursor is not one this API returned for this user; list again without it.',
    );

    for (const [user, bad] of [
      ['cursor_thief', cursor],
      ['cursor_owner', `${forgedPayload}.${signature}`],
      ['cursor_owner', payload],
      ['cursor_owner', `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`],
      ['cursor_owner', `${cursor}.extra`],
      [
        'cursor_owner',
        Buffer.from(
          JSON.stringify({
            accountId: second,
            platformUserId: 'cursor_owner',
            connectedAt: '2026-01-01T00:01:00.000Z',
          }),
        ).toString('base64url'),
      ],
      ['cursor_owner', 'not a cursor'],
    ] as const) {
      expect(await api('GET', `/accounts?cursor=${encodeURIComponent(bad)}`, await as(user)), bad).toMatchObject({
        status: 400,
        body: invalid,
      });
    }
    expect((await api('GET', `/accounts?cursor=${cursor}`, await as('cursor_owner'))).status).toBe(200);
  });

  it.each([
    ['limit=0', 'invalid_limit', 'limit must be a whole number from 1 to 100.'],
    ['limit=101', 'invalid_limit', 'limit must be a whole number from 1 to 100.'],
    ['limit=2.5', 'invalid_limit', 'limit must be a whole number from 1 to 100.'],
    ['limit=-1', 'invalid_limit', 'limit must be a whole number from 1 to 100.'],
    ['limit=1&limit=2', 'duplicate_parameter', 'The parameter limit was given more than once.'],
    [
      'starting_after=acct_1',
      'unknown_parameter',
      'The request has a parameter that GET /accounts does not support. Supported: limit, cursor.',
    ],
  ])('refuses %s with 400 %s', async (query, code, message) => {
    expect(await api('GET', `/accounts?${query}`, await as('limits'))).toMatchObject({
      status: 400,
      body: apiError('invalid_request_error', code, message),
    });
  });

  it('answers an empty list to a user without accounts', async () => {
    const result = await api('GET', '/accounts', await as('nobody'));

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ object: 'list', data: [], has_more: false, next_cursor: null });
  });

  it('answers 503 when the store is unreachable', async () => {
    useDocumentClient(createDocumentClient({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', AWS_REGION: 'local' }));
    const result = await api('GET', '/accounts', await as('nobody'));
    useDocumentClient(undefined);

    expect(result).toMatchObject({
      status: 503,
      body: apiError(
        'service_unavailable_error',
        'store_unavailable',
        'Our database is not answering right now. Nothing was changed; please try again shortly.',
      ),
    });
  });
});
