/**
 * The one place a Stripe failure is understood. `classifyStripeError` turns whatever a Stripe call
 * threw (a stripe-node error, or a plain answer read over HTTP by shared/stripe/account-reader.ts)
 * into a closed set of kinds; each route maps kinds to its own answer. Nothing else looks inside a
 * Stripe error.
 *
 * It reads what Stripe gives to branch on: stripe-node's error class (`type`, chosen from the HTTP
 * status or the OAuth `error`), the API error's `type` (`rawType`) and `code`, the status, and the
 * `Stripe-Should-Retry` header. Message text is read only where Stripe sends nothing else; each such
 * text is a named pattern below.
 */
import { type ErrorCode, type ErrorKind, ServiceError, StripeCallError } from '../errors';
import { accountIdInText } from './ids';

export type StripeFailureKind =
  /** No answer in time: stripe-node's `ETIMEDOUT`, or fetch's `TimeoutError`. */
  | 'timeout'
  /** The connection failed or dropped before an answer (StripeConnectionError, a fetch network error). */
  | 'unreachable'
  /** 429, or code `rate_limit`. */
  | 'rate_limited'
  /** 409 `idempotency_key_in_use`: another request with the same idempotency key is still running. */
  | 'key_in_use'
  /** 400 `idempotency_error`: the idempotency key was first used with other parameters. */
  | 'key_reused'
  /** Stripe's own failure: a 5xx, or an answer that is not JSON (StripeAPIError). */
  | 'stripe_unavailable'
  /** Our API key was refused (401). */
  | 'credentials_refused'
  /** The key lacks a permission (403 other than `account_invalid` or revoked access): a restricted key. */
  | 'permission_denied'
  /** OAuth `invalid_client` not about one account: the client_id and the key do not belong together. */
  | 'invalid_client'
  /** OAuth `invalid_grant`: the code does not exist or expired. */
  | 'invalid_grant'
  /** OAuth `invalid_grant` for a code presented a second time (Stripe revokes that connection). */
  | 'code_reused'
  /** OAuth `invalid_request` naming capabilities: the account lacks an asserted capability. */
  | 'capabilities_missing'
  /** Any other OAuth refusal of our request: `invalid_request`, `invalid_scope`, `unsupported_*`. */
  | 'oauth_refused'
  /** The platform is not (or no longer) connected to the account: `account_invalid`, or OAuth's "not connected". */
  | 'account_not_connected'
  /** 404: the object (e.g. the account) does not exist. */
  | 'not_found'
  /** A login link for an Express account that has not finished onboarding. */
  | 'not_onboarded'
  /** OAuth deauthorization refused for an account the platform controls (`no_deauth_on_controlled_account`). */
  | 'controlled_account'
  /** Any other 400 (StripeInvalidRequestError). */
  | 'invalid_request'
  /** A Stripe error of another kind (a card error, an unnamed OAuth error). */
  | 'refused'
  /** Not a Stripe error at all: nothing was heard from Stripe. */
  | 'unknown';

/** Every kind, once (a kind added to the type and not here does not compile). */
const everyKind: Readonly<Record<StripeFailureKind, true>> = {
  timeout: true,
  unreachable: true,
  rate_limited: true,
  key_in_use: true,
  key_reused: true,
  stripe_unavailable: true,
  credentials_refused: true,
  permission_denied: true,
  invalid_client: true,
  invalid_grant: true,
  code_reused: true,
  capabilities_missing: true,
  oauth_refused: true,
  account_not_connected: true,
  not_found: true,
  not_onboarded: true,
  controlled_account: true,
  invalid_request: true,
  refused: true,
  unknown: true,
};

export const stripeFailureKinds = Object.keys(everyKind) as readonly StripeFailureKind[];

export interface StripeFailure {
  readonly kind: StripeFailureKind;
  /** The HTTP status Stripe answered with, when it answered. */
  readonly status?: number;
  /** The account Stripe's message names (for `account_not_connected`), when it names one. */
  readonly accountId?: string;
  /** Stripe's `Stripe-Should-Retry` header, when sent: whether repeating the request may succeed. */
  readonly shouldRetry?: boolean;
  /**
   * Stripe's `Idempotent-Replayed: true`: the answer is the one saved under the request's idempotency key by an
   * earlier request with that key, not what happened now.
   */
  readonly replayed?: true;
}

/**
 * The fields of a stripe-node error we read (stripe-node's StripeError). `type` is its class name
 * (e.g. StripeInvalidGrantError); `rawType` is the API's `error.type`; `headers` are the response's.
 */
export interface StripeErrorLike {
  readonly type: string;
  readonly message: string;
  readonly statusCode?: number;
  readonly code?: string;
  readonly rawType?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly detail?: unknown;
}

export const isStripeError = (error: unknown): error is StripeErrorLike =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { type?: unknown }).type === 'string' &&
  String((error as { type?: unknown }).type).startsWith('Stripe') &&
  typeof (error as { message?: unknown }).message === 'string';

// Message texts, read only where Stripe gives no type or code to tell the cases apart.

/** invalid_grant for a code redeemed before: "This authorization code has already been used. ..." */
export const codeAlreadyUsedMessage = /already been used/i;
/**
 * invalid_grant for a code issued to another platform or mode than our key's: "Authorization code provided does
 * not belong to you" (as quoted on stripe-ruby's tracker). Every exchange fails so when the client id and the key
 * are of different accounts or modes: a deployment fault, not the person's code.
 */
export const codeOfAnotherClientMessage = /does not belong to you/i;
/** invalid_client from connect.stripe.com for a key it does not know: "No such API key: ..." */
export const noSuchKeyMessage = /no such api key/i;
/** OAuth invalid_request for asserted capabilities the account lacks (names the capabilities)... */
export const capabilitiesMessage = /capabilit/i;
/** ...unless it refuses the parameter itself (e.g. an unknown `assert_capabilities`): our request's fault. */
export const refusedParameterMessage = /unknown parameter|unrecognized|unsupported|not supported/i;
/** invalid_client from /oauth/deauthorize: "This application is not connected to stripe account acct_..., ..." */
export const notConnectedMessage = /not connected/i;
/** invalid_client from /oauth/deauthorize for a controlled account; stripe-node keeps no code, only the text. */
export const controlledAccountMessage = /no_deauth_on_controlled_account/;
/** 400 from POST /v1/accounts/{id}/login_links: "... an account that has not completed onboarding." */
export const notOnboardedMessage = /not completed onboarding/i;
/** A 401 or 403 that is the account's revoked access, not our key: "... does not have access to account ... may have been revoked." */
export const revokedAccessMessage = /does not have access to account|access may have been revoked/i;

/** stripe-node marks a timed-out request with this code on the connection error's `detail`. */
const sdkTimeoutCode = 'ETIMEDOUT';

const shouldRetryOf = (headers: StripeErrorLike['headers']): boolean | undefined => {
  const value = headers?.['stripe-should-retry'];
  return value === 'true' ? true : value === 'false' ? false : undefined;
};

const kindOf = (error: StripeErrorLike): StripeFailureKind => {
  const { type, message, code, statusCode } = error;
  // Codes first: they mean the same whatever the class.
  if (code === 'account_invalid') return 'account_not_connected';
  if (code === 'rate_limit') return 'rate_limited';
  if (code === 'idempotency_key_in_use') return 'key_in_use';
  if (controlledAccountMessage.test(message)) return 'controlled_account';
  if (notOnboardedMessage.test(message)) return 'not_onboarded';
  switch (type) {
    case 'StripeConnectionError':
      return (error.detail as { code?: unknown } | undefined)?.code === sdkTimeoutCode ? 'timeout' : 'unreachable';
    case 'StripeRateLimitError':
      return 'rate_limited';
    case 'StripeIdempotencyError':
      return 'key_reused';
    case 'StripeAPIError':
      return 'stripe_unavailable';
    case 'StripeAuthenticationError':
      return revokedAccessMessage.test(message) ? 'account_not_connected' : 'credentials_refused';
    case 'StripePermissionError':
      // Stripe's 403 for an account the key does not reach carries `account_invalid` (handled above) or says so.
      return revokedAccessMessage.test(message) ? 'account_not_connected' : 'permission_denied';
    case 'StripeInvalidRequestError':
      return statusCode === 404 ? 'not_found' : 'invalid_request';
    case 'StripeInvalidGrantError':
      if (codeOfAnotherClientMessage.test(message)) return 'invalid_client';
      return codeAlreadyUsedMessage.test(message) ? 'code_reused' : 'invalid_grant';
    case 'StripeOAuthInvalidRequestError':
      return capabilitiesMessage.test(message) && !refusedParameterMessage.test(message)
        ? 'capabilities_missing'
        : 'oauth_refused';
    case 'StripeInvalidClientError':
      if (noSuchKeyMessage.test(message)) return 'credentials_refused';
      return notConnectedMessage.test(message) ? 'account_not_connected' : 'invalid_client';
    case 'StripeInvalidScopeError':
    case 'StripeUnsupportedGrantTypeError':
    case 'StripeUnsupportedResponseTypeError':
      return 'oauth_refused';
    default:
      return 'refused';
  }
};

/**
 * A 5xx Stripe says not to retry: the endpoint had started when it failed, so Stripe's idempotency layer
 * saved the result and replays it to every request with the same idempotency key for 24 hours
 * (stripe-node's RequestSender expects `Stripe-Should-Retry: false` on such 500s).
 */
export const isSavedFailure = ({ kind, status, shouldRetry }: StripeFailure): boolean =>
  kind === 'stripe_unavailable' && shouldRetry === false && status !== undefined && status >= 500;

/** What a Stripe call's failure means; see `StripeFailureKind`. */
export const classifyStripeError = (error: unknown): StripeFailure => {
  if (!isStripeError(error)) {
    if (error instanceof Error && error.name === 'TimeoutError') return { kind: 'timeout' };
    return { kind: 'unknown' };
  }
  const kind = kindOf(error);
  const accountId = kind === 'account_not_connected' ? accountIdInText.exec(error.message)?.[0] : undefined;
  const shouldRetry = shouldRetryOf(error.headers);
  return {
    kind,
    ...(error.statusCode === undefined ? {} : { status: error.statusCode }),
    ...(accountId === undefined ? {} : { accountId }),
    ...(shouldRetry === undefined ? {} : { shouldRetry }),
    ...(error.headers?.['idempotent-replayed'] === 'true' ? { replayed: true } : {}),
  };
};

/**
 * A Stripe answer read without the SDK, as the stripe-node error it would have raised: the class
 * from the status (or the OAuth `error`) by the SDK's own rules, and the body's fields.
 */
export const stripeErrorOfResponse = (
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | undefined>> = {},
): StripeErrorLike => {
  const raw = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const code = text(fields.code);
  const rawType = text(fields.type);
  const type =
    status === 429 || (status === 400 && code === 'rate_limit')
      ? 'StripeRateLimitError'
      : status === 400 || status === 404
        ? rawType === 'idempotency_error'
          ? 'StripeIdempotencyError'
          : 'StripeInvalidRequestError'
        : status === 401
          ? 'StripeAuthenticationError'
          : status === 402
            ? 'StripeCardError'
            : status === 403
              ? 'StripePermissionError'
              : 'StripeAPIError';
  return {
    type,
    message: text(fields.message) ?? `Stripe answered ${status}`,
    statusCode: status,
    ...(code === undefined ? {} : { code }),
    ...(rawType === undefined ? {} : { rawType }),
    headers,
  };
};

/** An answer a route gives for a Stripe failure: the error's kind, code and message. */
export interface StripeAnswer {
  readonly kind: Extract<ErrorKind, 'upstream_failed' | 'upstream_timeout'>;
  readonly code: ErrorCode;
  readonly message: string;
  /** Whether the message may leave the service (a refused key is an operator's problem, not the caller's). */
  readonly expose: boolean;
}

const stripeUnavailable: StripeAnswer = {
  kind: 'upstream_failed',
  code: 'stripe_unavailable',
  message: 'Stripe is not answering right now. Please try again in a moment.',
  expose: true,
};

/** Our key was refused, or lacks a permission: a deployment problem, not the caller's, and no retry fixes it. */
const platformKeyRefused: StripeAnswer = {
  kind: 'upstream_failed',
  code: 'stripe_misconfigured',
  message: 'Stripe refused the platform credentials.',
  expose: false,
};

/**
 * The answer every route gives for the kinds it has nothing of its own to say about: Stripe slow,
 * down or refusing our key. A route's own table names its other kinds first.
 */
export const commonStripeAnswers = {
  timeout: {
    kind: 'upstream_timeout',
    code: 'stripe_timeout',
    message: 'Stripe did not answer in time. It is safe to try again.',
    expose: true,
  },
  unreachable: stripeUnavailable,
  rate_limited: stripeUnavailable,
  key_in_use: {
    kind: 'upstream_failed',
    code: 'stripe_unavailable',
    message: 'Stripe is still working on the same request from a moment ago. Please try again in a moment.',
    expose: true,
  },
  stripe_unavailable: stripeUnavailable,
  credentials_refused: platformKeyRefused,
  // A restricted key without the permission the request needs: the operator's to fix as well.
  permission_denied: platformKeyRefused,
  unknown: {
    kind: 'upstream_failed',
    code: 'stripe_error',
    message: 'Stripe could not be reached. Please try again.',
    expose: true,
  },
} as const satisfies Partial<Record<StripeFailureKind, StripeAnswer>>;

/** Any other refusal: Stripe answered, and no route has a better word for it. */
export const stripeRefused: StripeAnswer = {
  kind: 'upstream_failed',
  code: 'stripe_error',
  message: 'Stripe refused the request.',
  expose: true,
};

/** The error a route throws for a Stripe failure it answers with `answer`. */
export const stripeCallError = (answer: StripeAnswer, cause: unknown): ServiceError =>
  new StripeCallError(answer.kind, answer.code, answer.message, { cause, expose: answer.expose });

/**
 * The common answer to a failure a route has no answer of its own for. Errors of the service itself
 * (configuration, secrets) thrown inside the same `try` pass through unchanged.
 */
export const stripeFailure = (error: unknown): ServiceError => {
  if (error instanceof ServiceError) return error;
  const { kind } = classifyStripeError(error);
  return stripeCallError(
    kind in commonStripeAnswers ? commonStripeAnswers[kind as keyof typeof commonStripeAnswers] : stripeRefused,
    error,
  );
};
