/**
 * The Stripe classifier, fed what the real stripe-node SDK raises: a local server answers each
 * request with an error body shaped as Stripe sends it (API errors `{ error: { type, code?, message } }`,
 * OAuth errors `{ error, error_description }`), with its status and headers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../../shared/stripe/client';
import {
  capabilitiesMessage,
  classifyStripeError,
  codeAlreadyUsedMessage,
  codeOfAnotherClientMessage,
  controlledAccountMessage,
  isSavedFailure,
  noSuchKeyMessage,
  notConnectedMessage,
  notOnboardedMessage,
  refusedParameterMessage,
  revokedAccessMessage,
  type StripeFailure,
  type StripeFailureKind,
  stripeErrorOfResponse,
  stripeFailureKinds,
} from '../../../shared/stripe/errors';

interface RecordedAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const apiError = (status: number, error: Record<string, string>, headers?: Record<string, string>): RecordedAnswer => ({
  status,
  body: { error },
  ...(headers ? { headers } : {}),
});
const oauthError = (status: number, error: string, description: string): RecordedAnswer => ({
  status,
  body: { error, error_description: description },
});

/** Recorded bodies: Stripe's API answers (POST /v1/accounts/{id}/login_links, GET /v1/accounts/{id}). */
const api = {
  rateLimited: apiError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
    message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
  }),
  serverError: apiError(
    500,
    { type: 'api_error', message: 'An unknown error occurred' },
    { 'stripe-should-retry': 'true' },
  ),
  invalidKey: apiError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****1234' }),
  revokedAccess: apiError(401, {
    type: 'invalid_request_error',
    message:
      "The provided key 'sk_test_****1234' does not have access to account 'acct_1Revoked' (or that account does not exist). Application access may have been revoked.",
  }),
  accountInvalid: apiError(403, {
    type: 'invalid_request_error',
    code: 'account_invalid',
    doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
    message:
      "The provided key 'sk_test_****1234' does not have access to account 'acct_1Gone' (or that account does not exist). Application access may have been revoked.",
  }),
  revokedAccessForbidden: apiError(403, {
    type: 'invalid_request_error',
    message:
      "The provided key 'sk_test_****1234' does not have access to account 'acct_1Revoked' (or that account does not exist). Application access may have been revoked.",
  }),
  missingPermission: apiError(403, {
    type: 'invalid_request_error',
    message:
      "The provided key 'rk_test_****1234' does not have the required permissions for this endpoint on account 'acct_1Platform'.",
  }),
  noSuchAccount: apiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'account',
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
    message: "No such account: 'acct_1Missing'",
  }),
  notOnboarded: apiError(400, {
    type: 'invalid_request_error',
    message: 'Cannot create a login link for an account that has not completed onboarding.',
  }),
  noExpressDashboard: apiError(
    400,
    {
      type: 'invalid_request_error',
      message:
        'Cannot create an edit link for the account acct_1Custom, which does not have access to the Express Dashboard.',
    },
    { 'stripe-should-retry': 'false' },
  ),
  idempotencyMismatch: apiError(400, {
    type: 'idempotency_error',
    message:
      'Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 1 if you meant to execute a different request.',
  }),
  keyInUse: apiError(409, {
    type: 'invalid_request_error',
    code: 'idempotency_key_in_use',
    doc_url: 'https://stripe.com/docs/error-codes/idempotency-key-in-use',
    message:
      'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): 1. Please try again later.',
  }),
} as const;

/** Recorded bodies: Stripe's OAuth answers (POST /oauth/token, POST /oauth/deauthorize). */
const oauth = {
  codeDoesNotExist: oauthError(400, 'invalid_grant', 'Authorization code does not exist: ac_123'),
  codeOfAnotherClient: oauthError(400, 'invalid_grant', 'Authorization code provided does not belong to you'),
  noSuchKey: oauthError(401, 'invalid_client', 'No such API key: sk_test_****1234'),
  codeAlreadyUsed: oauthError(
    400,
    'invalid_grant',
    'This authorization code has already been used. All tokens issued with this code have been revoked.',
  ),
  capabilitiesMismatch: oauthError(
    400,
    'invalid_request',
    'The capabilities of account acct_1Express (card_payments) do not match the asserted capabilities (card_payments, transfers).',
  ),
  unknownParameter: oauthError(400, 'invalid_request', 'Unknown parameter: assert_capabilities'),
  invalidScope: oauthError(400, 'invalid_scope', 'Invalid scope parameter provided: admin'),
  unsupportedGrantType: oauthError(400, 'unsupported_grant_type', 'Unsupported grant type: password'),
  clientIdNotYours: oauthError(401, 'invalid_client', 'No such application: ca_123'),
  notConnected: oauthError(
    401,
    'invalid_client',
    'This application is not connected to stripe account acct_1Left, or that account does not exist.',
  ),
  controlledAccount: oauthError(
    400,
    'invalid_client',
    'no_deauth_on_controlled_account: Account acct_1Controlled is controlled by your platform and cannot be disconnected. Use the account rejection API instead (https://docs.stripe.com/api/account/reject).',
  ),
} as const;

let answer: RecordedAnswer | 'hang' = api.serverError;
let server: Server;
let stripe: Stripe;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stripe = createStripeClient('sk_test_1234', { apiBase: new URL(`http://127.0.0.1:${port}`), timeoutMs: 300 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What the SDK throws for an API call answered with `recorded`. */
const apiFailure = async (recorded: RecordedAnswer | 'hang'): Promise<unknown> => {
  answer = recorded;
  return stripe.accounts.createLoginLink('acct_1', {}, { maxNetworkRetries: 0 }).then(
    () => expect.unreachable('Stripe answered with an error'),
    (error: unknown) => error,
  );
};

/** What the SDK throws for an OAuth call answered with `recorded`. */
const oauthFailure = async (recorded: RecordedAnswer): Promise<unknown> => {
  answer = recorded;
  return stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_123' }, { maxNetworkRetries: 0 }).then(
    () => expect.unreachable('Stripe answered with an error'),
    (error: unknown) => error,
  );
};

const classifiedApi = async (recorded: RecordedAnswer | 'hang') => classifyStripeError(await apiFailure(recorded));
const classifiedOAuth = async (recorded: RecordedAnswer) => classifyStripeError(await oauthFailure(recorded));

/** The text of a recorded error: an API error's `message`, an OAuth error's `error_description`. */
const messageOf = ({ body }: RecordedAnswer): string => {
  const { error, error_description } = body as { error: unknown; error_description?: string };
  return typeof error === 'string' ? String(error_description) : String((error as { message?: string }).message);
};

const seen = new Set<StripeFailureKind>();
const expectFailure = (actual: StripeFailure, expected: StripeFailure) => {
  expect(actual).toEqual(expected);
  seen.add(actual.kind);
};

describe('classifyStripeError', () => {
  it('classifies API errors by status, type and code', async () => {
    expectFailure(await classifiedApi(api.rateLimited), { kind: 'rate_limited', status: 429 });
    expectFailure(await classifiedApi(api.invalidKey), { kind: 'credentials_refused', status: 401 });
    expectFailure(await classifiedApi(api.accountInvalid), {
      kind: 'account_not_connected',
      status: 403,
      accountId: 'acct_1Gone',
    });
    expectFailure(await classifiedApi(api.revokedAccessForbidden), {
      kind: 'account_not_connected',
      status: 403,
      accountId: 'acct_1Revoked',
    });
    expectFailure(await classifiedApi(api.missingPermission), { kind: 'permission_denied', status: 403 });
    expectFailure(await classifiedApi(api.noSuchAccount), { kind: 'not_found', status: 404 });
    expectFailure(await classifiedApi(api.idempotencyMismatch), { kind: 'key_reused', status: 400 });
    expectFailure(await classifiedApi(api.keyInUse), { kind: 'key_in_use', status: 409 });
  });

  it("reads Stripe's Stripe-Should-Retry header", async () => {
    expectFailure(await classifiedApi(api.serverError), { kind: 'stripe_unavailable', status: 500, shouldRetry: true });
    expectFailure(await classifiedApi(api.noExpressDashboard), {
      kind: 'invalid_request',
      status: 400,
      shouldRetry: false,
    });
  });

  it('knows a failure Stripe saved under the idempotency key: a 5xx with Stripe-Should-Retry false', () => {
    const failure = (status: number, shouldRetry?: 'true' | 'false') =>
      classifyStripeError(
        stripeErrorOfResponse(
          status,
          { error: { type: 'api_error', message: 'x' } },
          { 'stripe-should-retry': shouldRetry },
        ),
      );

    expect([
      isSavedFailure(failure(500, 'false')),
      isSavedFailure(failure(500, 'true')),
      isSavedFailure(failure(500)),
      isSavedFailure(failure(400, 'false')),
    ]).toEqual([true, false, false, false]);
  });

  it("tells a failure an earlier request left under the key (Stripe's Idempotent-Replayed) from one that happened now", () => {
    const savedFailure = (headers: Record<string, string>) =>
      classifyStripeError(
        stripeErrorOfResponse(
          500,
          { error: { type: 'api_error', message: 'x' } },
          {
            'stripe-should-retry': 'false',
            ...headers,
          },
        ),
      );

    expect(savedFailure({ 'idempotent-replayed': 'true' })).toMatchObject({
      kind: 'stripe_unavailable',
      replayed: true,
    });
    expect(savedFailure({})).not.toHaveProperty('replayed');
  });

  it('tells a revoked connection from our refused key by the 401 message only', async () => {
    expect(revokedAccessMessage.test(messageOf(api.revokedAccess))).toBe(true);
    expectFailure(await classifiedApi(api.revokedAccess), {
      kind: 'account_not_connected',
      status: 401,
      accountId: 'acct_1Revoked',
    });
  });

  it('knows a login link refused for unfinished onboarding by its message only', async () => {
    expect(notOnboardedMessage.test(messageOf(api.notOnboarded))).toBe(true);
    expectFailure(await classifiedApi(api.notOnboarded), { kind: 'not_onboarded', status: 400 });
  });

  it('classifies OAuth errors by their error code, and by message where the code is shared', async () => {
    expect(codeAlreadyUsedMessage.test(messageOf(oauth.codeAlreadyUsed))).toBe(true);
    expect(codeOfAnotherClientMessage.test(messageOf(oauth.codeOfAnotherClient))).toBe(true);
    expect(noSuchKeyMessage.test(messageOf(oauth.noSuchKey))).toBe(true);
    expect(capabilitiesMessage.test(messageOf(oauth.capabilitiesMismatch))).toBe(true);
    expect(refusedParameterMessage.test(messageOf(oauth.unknownParameter))).toBe(true);
    expect(notConnectedMessage.test(messageOf(oauth.notConnected))).toBe(true);
    expect(controlledAccountMessage.test(messageOf(oauth.controlledAccount))).toBe(true);

    expectFailure(await classifiedOAuth(oauth.codeDoesNotExist), { kind: 'invalid_grant', status: 400 });
    // The client id and the key of different accounts or modes: every exchange fails, a deployment fault.
    expectFailure(await classifiedOAuth(oauth.codeOfAnotherClient), { kind: 'invalid_client', status: 400 });
    expectFailure(await classifiedOAuth(oauth.noSuchKey), { kind: 'credentials_refused', status: 401 });
    expectFailure(await classifiedOAuth(oauth.codeAlreadyUsed), { kind: 'code_reused', status: 400 });
    expectFailure(await classifiedOAuth(oauth.capabilitiesMismatch), { kind: 'capabilities_missing', status: 400 });
    expectFailure(await classifiedOAuth(oauth.unknownParameter), { kind: 'oauth_refused', status: 400 });
    expectFailure(await classifiedOAuth(oauth.invalidScope), { kind: 'oauth_refused', status: 400 });
    expectFailure(await classifiedOAuth(oauth.unsupportedGrantType), { kind: 'oauth_refused', status: 400 });
    expectFailure(await classifiedOAuth(oauth.clientIdNotYours), { kind: 'invalid_client', status: 401 });
    expectFailure(await classifiedOAuth(oauth.notConnected), {
      kind: 'account_not_connected',
      status: 401,
      accountId: 'acct_1Left',
    });
    expectFailure(await classifiedOAuth(oauth.controlledAccount), { kind: 'controlled_account', status: 400 });
  });

  it('tells a timeout from a failed connection without reading messages', async () => {
    expectFailure(await classifiedApi('hang'), { kind: 'timeout' });

    const { port } = server.address() as AddressInfo;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createStripeClient('sk_test_1234', {
      apiBase: new URL(`http://127.0.0.1:${closedPort}`),
      timeoutMs: 300,
    });
    const error = await unreachable.accounts.createLoginLink('acct_1', {}, { maxNetworkRetries: 0 }).catch((e) => e);
    expect(port).not.toBe(closedPort);
    expectFailure(classifyStripeError(error), { kind: 'unreachable' });
  });

  it("classifies what is not a Stripe error: fetch's timeout, anything else unknown", () => {
    expectFailure(classifyStripeError(Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' })), {
      kind: 'timeout',
    });
    expectFailure(classifyStripeError(new TypeError('Cannot read properties of undefined')), { kind: 'unknown' });
    expectFailure(classifyStripeError('not even an error'), { kind: 'unknown' });
  });

  it('calls a Stripe error no route has a word for refused (a card error)', () => {
    const declined = stripeErrorOfResponse(402, {
      error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });
    expectFailure(classifyStripeError(declined), { kind: 'refused', status: 402 });
  });

  it('covers every kind', () => {
    expect([...seen].sort()).toEqual([...stripeFailureKinds].sort());
  });
});

describe('stripeErrorOfResponse', () => {
  it.each(Object.entries(api))(
    'classifies the plain HTTP answer %s as the SDK error it would raise',
    async (_, recorded) => {
      const sdk = await classifiedApi(recorded);
      const plain = classifyStripeError(stripeErrorOfResponse(recorded.status, recorded.body, recorded.headers ?? {}));
      expect(plain).toEqual(sdk);
    },
  );
});
