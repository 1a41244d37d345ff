/**
 * Property-based hostile input against the routes through the gateway: whatever arrives, the answer
 * is never a 5xx, never shows a stack trace or a secret, and a refused request writes nothing.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { serviceConfig } from '../../shared/config';
import { stateCookieName } from '../../shared/http/cookies';
import { routes } from '../../shared/routes';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import { type HandledEventType, handledEventTypes } from '../../shared/webhooks/event-types';
import { useLocalStack } from '../support/local-stack';
import { connectAccount, createdAtStripeOnly, platformStripe } from '../support/platform-api';
import { type RawResponse, rawRequest } from '../support/raw-http';
import { capabilityUpdatedEvent } from '../support/webhooks';

const stack = useLocalStack();
let tried = 0;
const runs = { numRuns: 150 };

afterAll(async () => {
  process.stdout.write(`hostile-input: ${tried} inputs tried\n`);
});

const itemCount = async (table: string) =>
  (await createDocumentClient().send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;

const secrets = Object.values(localDefaults as Record<string, unknown>).filter(
  (value): value is string => typeof value === 'string' && value.length > 20,
);

/** Posts a body signed with the local endpoint secret, as Stripe does. */
const postSigned = (payload: string) =>
  rawRequest(stack.gatewayUrl, {
    method: 'POST',
    path: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: localDefaults.webhookSecret }),
    },
    body: payload,
  });

const expectHarmless = (response: RawResponse) => {
  expect(response.status).toBeLessThan(500);
  expect(response.body).not.toMatch(/\n\s+at |node_modules|Error:/);
  for (const secret of secrets) expect(response.body).not.toContain(secret);
};

const adversarial = fc.constantFrom(
  '//evil.example',
  '/\\evil.example',
  'javascript:alert(1)',
  'https://evil.example',
  '%00',
  '%ff%fe',
  '%E0%A4%A',
  '\r\nSet-Cookie: x=1',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'x'.repeat(10_000),
  'a'.repeat(43),
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'standard',
  'express',
);
const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), adversarial);
const key = fc.oneof(
  fc.constantFrom(
    'type',
    'ticket',
    'return_to',
    'stripe_user[email]',
    'stripe_user[url]',
    'suggested_capabilities[]',
    'state',
    'code',
    'error',
    'account',
    'limit',
    'cursor',
  ),
  fc.string({ maxLength: 20 }),
);
/** Encoded pairs, sometimes left raw so invalid percent-escapes and bytes reach the handler. */
const queryString = fc
  .array(fc.tuple(key, value, fc.boolean()), { maxLength: 8 })
  .map((pairs) =>
    pairs
      .map(([name, text, raw]) =>
        raw
          ? `${name}=${text}`
          : `${encodeURIComponent(name.toWellFormed())}=${encodeURIComponent(text.toWellFormed())}`,
      )
      .join('&'),
  );
/** Percent-encodes what may not stand in a request line, byte by byte (lone surrogates included). */
const safePath = (query: string) =>
  query.replace(/[^\x21-\x7e]/gu, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
  );
const cookieHeader = fc.oneof(
  fc.string(),
  fc.constant(`${stateCookieName('a'.repeat(43))}=${'a'.repeat(43)}`),
  fc.constant(`${stateCookieName('a'.repeat(43))}=; ${stateCookieName('a'.repeat(43))}=x`),
);

/**
 * Seconds for genuine account.updated events, each newer than any snapshot stored before it (a hostile
 * event dated now included) and within the signature tolerance: an event of a stored second would be
 * settled by reading the account at Stripe, not by its payload.
 */
let lastGenuineSecond = 0;
const newerSecond = (): number => {
  lastGenuineSecond = Math.max(lastGenuineSecond, Math.floor(Date.now() / 1000)) + 1;
  return lastGenuineSecond;
};

/** An `account.updated` of `accountId` (to sign and post) carrying `object`, of a second newer than any stored. */
const newerAccountUpdated = (accountId: string, id: string, object: Record<string, unknown>): string =>
  JSON.stringify({
    id,
    object: 'event',
    api_version: stripeApiVersion,
    type: 'account.updated',
    created: newerSecond(),
    livemode: false,
    account: accountId,
    data: { object },
  });

describe('hostile input', () => {
  it('GET /connect/authorize never fails or stores a state when it refuses', async () => {
    const ticket = await stack.mintTicket('fuzz_user');
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), cookieHeader, async (query, withTicket, cookie) => {
        tried += 1;
        const before = await itemCount(stack.tables.states);
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'GET',
          path: `/connect/authorize?${safePath(query)}${withTicket ? `&ticket=${ticket}` : ''}`,
          headers: { cookie: cookie.replace(/[^\x20-\x7e]/g, '') },
        });
        expectHarmless(response);
        if (response.status !== 302) expect(await itemCount(stack.tables.states)).toBe(before);
      }),
      runs,
    );
  });

  it('GET /connect/callback never fails and never stores an account for a forged callback', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, cookieHeader, async (query, cookie) => {
        tried += 1;
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'GET',
          path: `/connect/callback?${safePath(query)}`,
          headers: { cookie: cookie.replace(/[^\x20-\x7e]/g, '') },
        });
        expectHarmless(response);
        // A request line past the server's limit is refused before any handler runs (431).
        if (response.status === 431) return;
        expect(response.status).toBe(302);
        expect(String(response.headers.location)).toMatch(/\/local\/failed\?error=[a-z_]+$/);
      }),
      runs,
    );
    expect(await itemCount(stack.tables.accounts)).toBe(0);
  });

  it('POST /webhooks/stripe refuses any unsigned or badly signed body and records nothing', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.json(),
      fc.constant(`${'['.repeat(50_000)}${']'.repeat(50_000)}`),
    );
    const signature = fc.oneof(
      fc.string(),
      fc.constant(`t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(body, signature, async (payload, header) => {
        tried += 1;
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'POST',
          path: '/webhooks/stripe',
          headers: { 'content-type': 'application/json', 'stripe-signature': header.replace(/[^\x20-\x7e]/g, '') },
          body: payload,
        });
        expectHarmless(response);
        expect(response.status).toBe(400);
      }),
      runs,
    );
    expect(await itemCount(stack.tables.events)).toBe(0);
  });

  it('POST /webhooks/stripe answers 400 or 200, never 5xx, for correctly signed hostile bodies', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.constant(`${'['.repeat(50_000)}${']'.repeat(50_000)}`),
      fc
        .record({
          id: fc.string(),
          type: fc.string(),
          created: fc.integer(),
          livemode: fc.boolean(),
          data: fc.anything(),
        })
        .map((event) => JSON.stringify(event)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        tried += 1;
        const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: localDefaults.webhookSecret });
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'POST',
          path: '/webhooks/stripe',
          headers: { 'content-type': 'application/json', 'stripe-signature': header },
          body: payload,
        });
        expectHarmless(response);
        expect([200, 400]).toContain(response.status);
      }),
      runs,
    );
  });

  it('POST /webhooks/stripe: prototype-named keys anywhere in any handled event, or a created far ahead, never fail and never freeze the account', async () => {
    const accountId = await connectAccount(stack, 'standard', 'fuzz_proto_user');
    const account = JSON.parse(JSON.stringify(await platformStripe(stack).accounts.retrieve(accountId))) as Record<
      string,
      unknown
    >;
    // The emulator's own capability.updated (it is delivered too, and applies): its object as Stripe sends it.
    const triggered = await stack.emulator.trigger('capability.updated', accountId);
    const capability = triggered.data.object;
    // Its delivery re-reads the account, stamped with the handler's clock: let it land before the property runs.
    while (!stack.emulator.deliveries().some((delivery) => delivery.eventId === triggered.id))
      await new Promise((resolve) => setTimeout(resolve, 25));
    const application = { id: localDefaults.stripeClientId, object: 'application', name: 'Local Platform' };
    /** What Stripe sends as each handled type's data (its object, and for account.updated what changed). */
    const dataOf: Record<HandledEventType, Record<string, unknown>> = {
      'account.updated': {
        object: account,
        previous_attributes: {
          capabilities: { card_payments: 'inactive' },
          requirements: { currently_due: ['external_account'] },
          business_profile: { url: null },
        },
      },
      'capability.updated': { object: capability, previous_attributes: { status: 'inactive' } },
      'account.application.authorized': { object: application },
      // Its own (never connected) account: a deauthorization that applies would end the property's account.
      'account.application.deauthorized': { object: application },
    };
    const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
    const toleranceSeconds = serviceConfig().webhookToleranceSeconds;
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    const created = fc.oneof(
      fc.integer({ min: 0, max: 3600 }).map((ago) => ({ ahead: false, at: () => nowSeconds() - ago })),
      fc
        .oneof(fc.integer({ min: toleranceSeconds + 1, max: 4_102_444_800 }), fc.constant(Number.MAX_SAFE_INTEGER))
        .map((ahead) => ({ ahead: true, at: () => nowSeconds() + ahead })),
    );
    /** Own keys of every object in a JSON value (`__proto__` too, as JSON.parse makes it), each with a JSON value. */
    const withKeysEverywhere = (value: unknown, keys: readonly [string, unknown][]): unknown => {
      if (Array.isArray(value)) return value.map((item) => withKeysEverywhere(item, keys));
      if (typeof value !== 'object' || value === null) return value;
      const copy: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) copy[name] = withKeysEverywhere(item, keys);
      for (const [name, item] of keys)
        Object.defineProperty(copy, name, { value: item, enumerable: true, writable: true, configurable: true });
      return copy;
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...handledEventTypes),
        fc.array(fc.tuple(prototypeKey, fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 }),
        created,
        fc.constantFrom(stripeApiVersion, '2017-04-06', null),
        async (type, keys, when, apiVersion) => {
          tried += 1;
          const connected = type === 'account.application.deauthorized' ? 'acct_fuzzneverconnected' : accountId;
          const legacy = apiVersion === '2017-04-06';
          const event = withKeysEverywhere(
            {
              id: `evt_fuzz${tried}${Date.now()}`,
              object: 'event',
              api_version: apiVersion,
              type,
              created: when.at(),
              livemode: false,
              ...(legacy ? { user_id: connected } : { account: connected }),
              data: dataOf[type],
            },
            keys,
          );
          const hostile = await postSigned(JSON.stringify(event));
          expectHarmless(hostile);
          expect(hostile.status).toBe(200);
          if (when.ahead)
            expect(JSON.parse(hostile.body)).toEqual({
              received: true,
              status: 'ignored',
              reason: 'created_in_future',
            });

          // A genuine snapshot newer than anything a hostile event could have stored still applies.
          const marker = `fuzz_${tried}`;
          const genuine = await postSigned(
            newerAccountUpdated(accountId, `evt_genuine${tried}${Date.now()}`, {
              ...account,
              requirements: { ...(account.requirements as object), currently_due: [marker] },
            }),
          );
          expect(JSON.parse(genuine.body)).toEqual({ received: true, status: 'processed' });
          const stored = await createDocumentClient().send(
            new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }),
          );
          expect(stored.Item?.requirements?.currentlyDue).toEqual([marker]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('POST /webhooks/stripe stores the state of an account.updated whatever number its current_deadline holds', async () => {
    const accountId = await connectAccount(stack, 'standard', 'fuzz_deadline_user');
    const deadline = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(1e17, 1e-200, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1_800_000_000),
    );
    await fc.assert(
      fc.asyncProperty(deadline, async (currentDeadline) => {
        tried += 1;
        const marker = `deadline_${tried}`;
        const response = await postSigned(
          newerAccountUpdated(accountId, `evt_deadline${tried}${Date.now()}`, {
            id: accountId,
            object: 'account',
            charges_enabled: false,
            payouts_enabled: false,
            details_submitted: false,
            requirements: { currently_due: [marker], current_deadline: currentDeadline },
          }),
        );
        expectHarmless(response);
        expect(JSON.parse(response.body)).toEqual({ received: true, status: 'processed' });
        const stored = await createDocumentClient().send(
          new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }),
        );
        expect(stored.Item?.requirements?.currentlyDue).toEqual([marker]);
        // As JSON carries it: NaN and the infinities become null, -0 becomes 0.
        const sent: unknown = JSON.parse(JSON.stringify(currentDeadline));
        const isTime = typeof sent === 'number' && Number.isSafeInteger(sent) && sent >= 0;
        expect(stored.Item?.requirements?.currentDeadline).toBe(isTime ? sent : null);
      }),
      { numRuns: 40 },
    );
  });

  const eventSecond = () => Math.floor(Date.now() / 1000);
  /**
   * A time of Stripe's in an event's object (an Account's `created`, a Capability's `requested_at`) as sent, and
   * whether the event is worth a retry for an account not stored here: only if that time is minutes before it.
   */
  const timeInObject = fc.oneof(
    fc.integer({ min: 0, max: 600 }).map((before) => ({ young: true, at: (event: number): unknown => event - before })),
    fc
      .integer({ min: 1200, max: 2_000_000_000 })
      .map((before) => ({ young: false, at: (event: number) => event - before })),
    // Nothing is created or requested after an event about it: not waited for, however far ahead.
    fc
      .oneof(fc.integer({ min: 1, max: 4_102_444_800 }), fc.constant(Number.MAX_SAFE_INTEGER))
      .map((ahead) => ({ young: false, at: (event: number) => event + ahead })),
    fc
      .oneof(fc.double(), fc.string(), fc.constant(null), fc.constant(-1), fc.constant(1e300))
      .map((value) => ({ young: false, at: () => value })),
  );

  it('POST /webhooks/stripe asks Stripe to retry an account.updated for an account not stored here only while that account is young, whatever its created holds', async () => {
    await fc.assert(
      fc.asyncProperty(timeInObject, async (created) => {
        tried += 1;
        const accountId = `acct_fuzzunstored${tried}`;
        const event = eventSecond();
        const response = await postSigned(
          JSON.stringify({
            id: `evt_fuzzunstored${tried}${Date.now()}`,
            object: 'event',
            api_version: stripeApiVersion,
            type: 'account.updated',
            created: event,
            livemode: false,
            account: accountId,
            data: {
              object: {
                id: accountId,
                object: 'account',
                created: created.at(event),
                charges_enabled: false,
                payouts_enabled: false,
                details_submitted: false,
              },
            },
          }),
        );
        if (created.young) {
          expect(response.status).toBe(503);
          expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'account_pending' } });
          return;
        }
        expectHarmless(response);
        expect(JSON.parse(response.body)).toEqual({ received: true, status: 'ignored', reason: 'unknown_account' });
      }),
      { numRuns: 60 },
    );
  });

  it('POST /webhooks/stripe asks Stripe to retry a capability.updated for an account not stored here only while the capability is young, whatever its requested_at holds, and never for an account Stripe does not let us read', async () => {
    const unstored = await createdAtStripeOnly(stack);
    // An account Stripe does not let us read (not ours, or deauthorized) is not waited for, however young.
    const account = fc.constantFrom({ id: unstored, readable: true }, { id: 'acct_fuzznotours01', readable: false });
    await fc.assert(
      fc.asyncProperty(timeInObject, account, async (requested, { id: accountId, readable }) => {
        tried += 1;
        const event = eventSecond();
        const response = await postSigned(
          JSON.stringify(
            capabilityUpdatedEvent({
              id: `evt_fuzzcapability${tried}${Date.now()}`,
              accountId,
              created: event,
              requestedAt: requested.at(event),
            }),
          ),
        );
        if (readable && requested.young) {
          expect(response.status).toBe(503);
          expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'account_pending' } });
          return;
        }
        expectHarmless(response);
        expect(JSON.parse(response.body)).toEqual({
          received: true,
          status: 'ignored',
          reason: readable ? 'unknown_account' : 'account_inaccessible',
        });
      }),
      { numRuns: 60 },
    );
  });

  it('POST platform API routes answer any body with a 400, or go on to the account (404), never a 5xx', async () => {
    const token = await stack.mintTicket('fuzz_body_user');
    const posts = routes.filter((route) => route.caller === 'api' && route.method === 'POST');
    const body = fc.oneof(
      fc.json(),
      fc
        .jsonValue()
        .map((value) => JSON.stringify({ type: 'account_onboarding', components: value, confirmation: value })),
      fc.string(),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`),
      fc.constant(`{"__proto__":{"type":"account_onboarding"},"constructor":1}`),
      fc.constant('{"type":"account_onboarding","type":"account_update"}'),
    );
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', undefined);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), body, contentType, async (route, payload, type) => {
        tried += 1;
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'POST',
          path: route.path.replace('{accountId}', 'acct_fuzzbody1'),
          headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
          body: payload,
        });
        expectHarmless(response);
        expect([400, 404]).toContain(response.status);
        const { error } = JSON.parse(response.body) as { error: { code: string } };
        if (response.status === 404) expect(error.code).toBe('account_not_found');
      }),
      runs,
    );
  });

  it('answers any Host header with a route answer or a 400, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (host) => {
        tried += 1;
        const response = await rawRequest(stack.gatewayUrl, {
          method: 'GET',
          path: '/accounts',
          headers: { host: host.replace(/[^\x20-\x7e]/g, '') },
        });
        expectHarmless(response);
        expect([400, 401]).toContain(response.status);
        if (response.status === 400)
          expect(response.body).toBe('{"message":"Bad Request: the Host header is not a valid host name."}');
      }),
      runs,
    );
    expect((await rawRequest(stack.gatewayUrl, { method: 'GET', path: '/accounts' })).status).toBe(401);
  });

  it('never shows an attacker-chosen parameter name or the allowed return_to origins on its 400 page', async () => {
    const ticket = await stack.mintTicket('echo_user');
    const authorize = 'The request has a parameter that /connect/authorize does not support.';
    for (const [path, message, hidden] of [
      [`/connect/authorize?%3Cscript%3Ealert(1)%3C%2Fscript%3E=1&type=standard&ticket=${ticket}`, authorize, 'script'],
      [`/connect/authorize?type=standard&${'Z'.repeat(300)}=1&ticket=${ticket}`, authorize, 'ZZZZ'],
      [
        `/connect/authorize?type=standard&ticket=${ticket}&stripe_user%5B%3Cb%3E%5D=x`,
        'A stripe_user parameter',
        '&lt;b',
      ],
      [
        `/connect/authorize?type=standard&ticket=${ticket}&return_to=https%3A%2F%2Fphish.example%2F`,
        'return_to must be a page this service allows.',
        stack.gatewayUrl,
      ],
    ] as const) {
      tried += 1;
      const response = await rawRequest(stack.gatewayUrl, { method: 'GET', path });
      expect(response.status, path).toBe(400);
      expect(response.body, path).toContain(message);
      expect(response.body, path).not.toContain(hidden);
    }
  });

  it('sends no Strict-Transport-Security over the local gateway, even to a client that claims https', async () => {
    const response = await rawRequest(stack.gatewayUrl, {
      method: 'GET',
      path: '/accounts',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(response.status).toBe(401);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers).not.toHaveProperty('strict-transport-security');
  });

  it('answers wrong methods and unknown paths with 404 like API Gateway', async () => {
    for (const [method, path] of [
      ['PUT', '/connect/authorize'],
      ['DELETE', '/accounts/acct_1'],
      ['GET', '/webhooks/stripe'],
      ['GET', '/../../etc/passwd'],
      ['POST', '/connect/callback'],
      // An encoded slash in {accountId} is decoded before routing (twice for %252F): no route, not an account id.
      ['GET', '/accounts/acct_1%2Fconfirm'],
      ['GET', '/accounts/acct_1%252Fconfirm'],
    ] as const) {
      tried += 1;
      const response = await rawRequest(stack.gatewayUrl, { method, path });
      expect(response).toMatchObject({ status: 404, body: '{"message":"Not Found"}' });
    }
  });
});
