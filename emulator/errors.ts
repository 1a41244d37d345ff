/**
 * Error bodies in Stripe's two formats, and the messages used.
 *
 * API (api.stripe.com) errors: `{ error: { type, code?, message, param?, doc_url? } }`; stripe-node picks the
 * class from the HTTP status (400/404 StripeInvalidRequestError, 401 StripeAuthenticationError,
 * 403 StripePermissionError, 429 StripeRateLimitError, other StripeAPIError).
 * OAuth (connect.stripe.com) errors: `{ error: '<code>', error_description }`; stripe-node picks the class from
 * the `error` string (invalid_grant StripeInvalidGrantError, invalid_client StripeInvalidClientError,
 * invalid_request StripeOAuthInvalidRequestError, unsupported_grant_type StripeUnsupportedGrantTypeError, ...).
 *
 * Provenance of each text: [doc] Stripe's docs, [fixture] error fixtures in Stripe's own SDK test suites
 * (stripe-ruby/stripe-php) or widely quoted real responses, [guess] not documented — plausible wording.
 */

import type Stripe from 'stripe';

/**
 * Every `code` the emulator answers with. Each is one of Stripe's documented error codes: stripe-node's
 * type admits any string, so test/emulator/error-codes.test.ts checks this list against the codes its
 * declarations name. Many of Stripe's parameter errors (an invalid value) carry no code at all, only
 * `param` and the message; the emulator answers those without one.
 */
export const apiErrorCodes = [
  'account_invalid',
  'idempotency_key_in_use',
  'lock_timeout',
  'parameter_invalid_integer',
  'parameter_missing',
  'parameter_unknown',
  'parameters_exclusive',
  'rate_limit',
  'resource_missing',
  'url_invalid',
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** The `error` object of an API error, as stripe-node reads it (its StripeRawError). */
export type ApiErrorBody = Pick<Stripe.StripeRawError, 'param' | 'doc_url'> & {
  type: Stripe.RawErrorType;
  code?: ApiErrorCode;
  message: string;
};

export interface ApiError {
  status: number;
  body: { error: ApiErrorBody };
}

export interface OAuthError {
  status: number;
  body: { error: Stripe.RawErrorType; error_description: string };
}

/**
 * A parameter's value refused: `param` and the message, like every Stripe parameter error, and a `code` only
 * where Stripe documents one for the case (most invalid values have none).
 */
export const parameterError = (param: string, message: string, code?: ApiErrorCode): ApiError => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', ...(code ? { code } : {}), param, message } },
});

export const unknownParameter = (param: string): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param,
      message: `Received unknown parameter: ${param}`,
    },
  },
});

/** `expand[]` (stripe-node sends `expand[0]`, `expand[1]`, …), which every endpoint takes. */
export const isExpandParameter = (key: string): boolean => /^expand\[\d*\]$/.test(key);

/**
 * For an endpoint whose only parameter stripe-node documents is `expand` (`AccountRetrieveParams`,
 * `AccountCreateLoginLinkParams`): Stripe's unknown-parameter error for the first other one, if any.
 */
export const onlyExpand = (params: URLSearchParams): ApiError | undefined => {
  for (const key of params.keys()) if (!isExpandParameter(key)) return unknownParameter(key);
  return undefined;
};

export const missingParameter = (param: string): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'invalid_request_error',
      code: 'parameter_missing',
      param,
      message: `Missing required param: ${param}.`,
    },
  },
});

/** Stripe prints keys as prefix + asterisks + last four characters. */
export function redactKey(key: string): string {
  const match = /^(sk|rk|pk)_(test|live)_/.exec(key);
  const prefix = match ? match[0] : '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return `${prefix}${'*'.repeat(rest.length)}`;
  return `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`;
}

export const apiErrors = {
  /** [fixture] */
  missingKey: (): ApiError => ({
    status: 401,
    body: {
      error: {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      },
    },
  }),
  /** [fixture] */
  invalidKey: (key: string): ApiError => ({
    status: 401,
    body: { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${redactKey(key)}` } },
  }),
  /** [fixture] 403 + account_invalid, for unknown accounts and accounts not (or no longer) connected. */
  noAccessToAccount: (key: string, accountId: string): ApiError => ({
    status: 403,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'account_invalid',
        doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
        message: `The provided key '${redactKey(key)}' does not have access to account '${accountId}' (or that account does not exist). Application access may have been revoked.`,
      },
    },
  }),
  /** [fixture] the message platforms quote for an Express account that has not finished onboarding. */
  loginLinkOnboardingIncomplete: (): ApiError => ({
    status: 400,
    body: {
      error: {
        type: 'invalid_request_error',
        message: 'Cannot create a login link for an account that has not completed onboarding.',
      },
    },
  }),
  /** [fixture] quoted from a real response in a public issue thread (stripe-connect users, 2024). */
  loginLinkNotExpress: (accountId: string): ApiError => ({
    status: 400,
    body: {
      error: {
        type: 'invalid_request_error',
        message: `Cannot create an edit link for the account ${accountId}, which does not have access to the Express Dashboard.`,
      },
    },
  }),
  /** [fixture] */
  unrecognizedUrl: (method: string, path: string): ApiError => ({
    status: 404,
    body: {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      },
    },
  }),
  /**
   * [doc] A 500 the idempotency layer saved: the endpoint started and failed. stripe-node's RequestSender
   * expects `Stripe-Should-Retry: false` on such a 500, since a retry would only replay it. [guess] wording.
   */
  savedServerError: (): ApiError & { shouldRetry: false } => ({
    status: 500,
    body: {
      error: {
        type: 'api_error',
        message: 'An unknown error occurred after the request started (injected by the local Stripe emulator).',
      },
    },
    shouldRetry: false,
  }),
  /** [guess] wording; the shape is Stripe's api_error. */
  serverError: (): ApiError => ({
    status: 500,
    body: {
      error: { type: 'api_error', message: 'An unknown error occurred (injected by the local Stripe emulator).' },
    },
  }),
  /**
   * [doc] Stripe's 429: code rate_limit. Sent with `Stripe-Should-Retry: false` (./faults.ts): Stripe's client
   * libraries retry only the 429s that are lock timeouts [secondary: Stripe's answers on its SDKs' trackers].
   */
  rateLimited: (): ApiError => ({
    status: 429,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'rate_limit',
        doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
        message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      },
    },
  }),
  /** [doc] code lock_timeout, "another API request or Stripe process is currently accessing" the object; wording [guess]. */
  /**
   * [secondary] A request whose idempotency key another request is still using: 409, code
   * `idempotency_key_in_use` (in stripe-node's error codes), nothing saved. Message as platforms quote it.
   * Its type is `invalid_request_error`: `idempotency_error` is Stripe's for a key reused with other parameters.
   */
  keyInUse: (key: string): ApiError => ({
    status: 409,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'idempotency_key_in_use',
        doc_url: 'https://stripe.com/docs/error-codes/idempotency-key-in-use',
        message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      },
    },
  }),
  lockTimeout: (): ApiError => ({
    status: 429,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'lock_timeout',
        doc_url: 'https://stripe.com/docs/error-codes/lock-timeout',
        message:
          'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.',
      },
    },
  }),
};

/** An `invalid_scope` on the authorize page or the token endpoint: [doc] "Invalid scope parameter provided", then the value [guess]. */
const invalidScopeDescription = (value: string): string => `Invalid scope parameter provided: ${value}`;

const oauth = (status: number, error: Stripe.RawErrorType, description: string): OAuthError => ({
  status,
  body: { error, error_description: description },
});

export const oauthErrors = {
  /** [fixture] stripe-ruby's fixture. */
  noGrantType: (): OAuthError => oauth(400, 'invalid_request', 'No grant type specified'),
  /** [guess] */
  missingParam: (param: string): OAuthError => oauth(400, 'invalid_request', `No ${param} parameter provided.`),
  /** [guess] code documented (unsupported_grant_type), wording guessed. */
  unsupportedGrantType: (grantType: string): OAuthError =>
    oauth(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`),
  /** [fixture] Stripe's own OAuth sample code quotes this exact response. */
  codeDoesNotExist: (code: string): OAuthError =>
    oauth(400, 'invalid_grant', `Authorization code does not exist: ${code}`),
  /** [secondary] documented as invalid_grant ("code ... is expired"); the text as platforms quote it, nothing after it. */
  codeExpired: (): OAuthError => oauth(400, 'invalid_grant', 'Authorization code expired'),
  /**
   * [secondary] connect.stripe.com answers a key it does not know in OAuth form, not the API's (a platform's quote
   * of /oauth/token: `invalid_client`, "No such API key: ..."); stripe-node raises StripeInvalidClientError.
   */
  noSuchKey: (key: string): OAuthError => oauth(401, 'invalid_client', `No such API key: ${redactKey(key)}`),
  /**
   * [doc] No key at all is `invalid_client` too: stripe-node documents StripeInvalidClientError as raised when "an
   * API key is required but not provided", in OAuth form, not the API's 401. Status and wording [guess].
   */
  missingKey: (): OAuthError => oauth(401, 'invalid_client', 'No API key provided.'),
  /**
   * [fixture] stripe-ruby's fixture; Stripe also revokes the connection ("Consuming an authorization code more than
   * once revokes the account connection" [doc], on the page for Standard accounts; that an Express connection is
   * revoked too is a [guess]).
   */
  codeAlreadyUsed: (): OAuthError =>
    oauth(
      400,
      'invalid_grant',
      'This authorization code has already been used. All tokens issued with this code have been revoked.',
    ),
  /** [doc] code (`invalid_scope`: "Invalid scope parameter provided"); the value after it [guess], as on the authorize page. */
  invalidScope: (value: string): OAuthError => oauth(400, 'invalid_scope', invalidScopeDescription(value)),
  /** [guess] */
  refreshTokenDoesNotExist: (token: string): OAuthError =>
    oauth(400, 'invalid_grant', `Refresh token does not exist: ${token.slice(0, 8)}...`),
  /** [doc] quoted from Using OAuth with Express accounts; several missing capabilities are listed with commas [guess]. */
  assertCapabilitiesFailed: (missing: readonly string[]): OAuthError =>
    oauth(400, 'invalid_request', `assert_capabilities expects capability: ${missing.join(', ')}`),
  /** [fixture] stripe-ruby's fixture, status 401. */
  notConnected: (accountId: string): OAuthError =>
    oauth(
      401,
      'invalid_client',
      `This application is not connected to stripe account ${accountId}, or that account does not exist.`,
    ),
  /** [guess] "client_id doesn't belong to you" is documented under invalid_client; wording guessed. */
  clientIdNotYours: (clientId: string): OAuthError =>
    oauth(401, 'invalid_client', `No application matches the supplied client identifier: ${clientId}`),
  /**
   * [doc+guess] The docs list `no_deauth_on_controlled_account` under the invalid_client error of
   * /oauth/deauthorize. stripe-node keeps only `error` and `error_description`, so the code is put at the
   * start of the description: the SDK raises StripeInvalidClientError whose message contains it.
   */
  controlledAccount: (accountId: string): OAuthError =>
    oauth(
      400,
      'invalid_client',
      `no_deauth_on_controlled_account: Account ${accountId} is controlled by your platform and cannot be disconnected. Use the account rejection API instead (https://docs.stripe.com/api/account/reject).`,
    ),
};

/** Errors the authorize endpoints show on Stripe's side (not redirected). Codes [doc], wording [guess]. */
export const authorizeErrors = {
  missingClientId: () => ({ error: 'invalid_request', description: 'No client_id provided.' }),
  unknownClient: (clientId: string) => ({
    error: 'invalid_client',
    description: `No application matches the supplied client identifier: ${clientId}`,
  }),
  missingResponseType: () => ({ error: 'invalid_request', description: 'No response_type parameter provided.' }),
  unsupportedResponseType: (value: string) => ({
    error: 'unsupported_response_type',
    description: `Unsupported response_type parameter: ${value}. The only supported response_type is code.`,
  }),
  invalidScope: (value: string) => ({ error: 'invalid_scope', description: invalidScopeDescription(value) }),
  invalidRedirectUri: (value: string) => ({
    error: 'invalid_redirect_uri',
    description: `Invalid redirect URI '${value}'. Ensure this uri exactly matches one of the uris specified in your application settings`,
  }),
  unknownAccount: (accountId: string) => ({ error: 'invalid_request', description: `No such account: ${accountId}` }),
  expiredAuthorization: () => ({
    error: 'invalid_request',
    description: 'This authorization request is unknown or was already answered. Start again from the platform.',
  }),
};

/** [doc] Stripe's docs show the deny redirect as `?error=access_denied&error_description=The%20user%20denied%20your%20request`. */
export const ACCESS_DENIED_DESCRIPTION = 'The user denied your request';
