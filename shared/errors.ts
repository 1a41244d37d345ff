/**
 * The service's errors. Code below the HTTP edge throws a `ServiceError` (or one of the small
 * domain errors here) that says what KIND of failure it is; the edge (shared/http/service-middleware.ts)
 * alone turns a kind into an HTTP status and an error `type`. See docs/design.md, "Errors".
 */

/**
 * Every stable error code of the service: in JSON error bodies (`error.code`), on error pages, as the
 * `error=` of the connect flow's failure redirect, and in the logs (`errorCode`; a few, such as
 * `stripe_bad_response`, which the callback answers as `stripe_unavailable`, appear only there). Clients and
 * alerts branch on these; never rename one. Add a new code here, then throw it.
 */
export const errorCodes = [
  // A request we cannot use (400).
  'query_too_long',
  'invalid_query',
  'duplicate_parameter',
  'missing_parameter',
  'unknown_parameter',
  'invalid_parameter',
  'invalid_return_to',
  'invalid_stripe_user',
  'invalid_account_id',
  'invalid_cursor',
  'invalid_limit',
  'invalid_body',
  'body_too_large',
  'unknown_field',
  'confirmation_invalid',
  'confirmation_expired',
  // Platform tokens (401) and ownership (403).
  'missing_token',
  'invalid_token',
  'token_expired',
  'not_your_account',
  // Connected accounts (404, 409).
  'account_not_found',
  'express_account',
  'standard_account',
  'account_deauthorized',
  'account_not_connected',
  'account_reconnected',
  'onboarding_incomplete',
  'login_link_refused',
  'livemode_mismatch',
  'confirmation_pending',
  // Retired routes (410).
  'route_retired',
  // Onboarding with Account Links (accounts the platform creates).
  'resume_invalid',
  'resume_expired',
  'onboarding_unavailable',
  'account_update_unavailable',
  'account_not_controlled',
  'invalid_components',
  'account_session_refused',
  'created_account_not_disconnectable',
  'too_many_unfinished_accounts',
  'cookies_required',
  // Webhook deliveries.
  'missing_signature',
  'invalid_signature_header',
  'timestamp_outside_tolerance',
  'signature_mismatch',
  'payload_too_large',
  'invalid_payload',
  'account_pending',
  // Our dependencies and ourselves (5xx).
  'store_unavailable',
  'store_conflict',
  'store_rejected',
  'configuration_error',
  'secrets_unavailable',
  'stripe_timeout',
  'stripe_unavailable',
  'stripe_misconfigured',
  'stripe_error',
  'stripe_bad_response',
  'service_timeout',
  'internal_error',
  // The connect flow's failure redirect (`?error=`), besides livemode_mismatch and stripe_unavailable above.
  'access_denied',
  'authorization_failed',
  'invalid_callback',
  'session_mismatch',
  'state_invalid',
  'state_expired',
  'code_invalid',
  'code_reused',
  'flow_mismatch',
  'account_claimed',
  'service_unavailable',
  // Onboarding's failure redirect, besides the above: a platform API link's refresh (the platform makes a new link).
  'onboarding_link_expired',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * What went wrong, in words the edge maps to a status: the caller's request, its credentials or
 * rights, a missing or conflicting resource, a dependency that failed or timed out, or us.
 */
export type ErrorKind =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_many_requests'
  | 'internal'
  | 'upstream_failed'
  | 'upstream_timeout'
  | 'unavailable';

/** Kinds that are the caller's to fix (4xx); the others are ours or a dependency's (5xx). */
const callerKinds: ReadonlySet<ErrorKind> = new Set([
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'gone',
  'too_many_requests',
]);

export const isCallerKind = (kind: ErrorKind): boolean => callerKinds.has(kind);

export interface ServiceErrorOptions {
  readonly cause?: unknown;
  /** Whether the message may leave the service; defaults to true for the caller's errors only. */
  readonly expose?: boolean;
  /** A failure given on purpose (asking Stripe to retry later), not a fault: logged as a warning. */
  readonly deliberate?: boolean;
  /** Whole seconds until the request can succeed, answered as `Retry-After` (a 429's limit). */
  readonly retryAfterSeconds?: number;
}

/** The one error type the service throws on purpose; everything else is an internal error at the edge. */
export class ServiceError extends Error {
  override readonly name: string = 'ServiceError';
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly expose: boolean;
  readonly deliberate: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, code: ErrorCode, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.expose = options.expose ?? isCallerKind(kind);
    this.deliberate = options.deliberate ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * `error` answered with these Set-Cookie values as well: a browser binding a request made before it failed
 * (shared/onboarding/start-onboarding.ts), so that the browser's next click finds what was recorded for it.
 */
export const withCookies = <E extends ServiceError>(error: E, cookies: readonly string[]): E =>
  Object.assign(error, { cookies });

/** The Set-Cookie values `withCookies` gave an error, if any (the onboard function's `errorCookies`). */
export const cookiesOf = (error: unknown): readonly string[] =>
  error instanceof ServiceError ? ((error as { cookies?: readonly string[] }).cookies ?? []) : [];

/** A `ServiceError` the caller can fix (a 4xx at the edge). */
export const isCallerError = (error: unknown): error is ServiceError =>
  error instanceof ServiceError && isCallerKind(error.kind);

/** A failure of what the service depends on (Stripe, the store, the secrets, its configuration), not of the caller. */
export const isDependencyFailure = (error: unknown): error is ServiceError =>
  error instanceof ServiceError && !isCallerKind(error.kind);

/** The `error=` code a browser flow redirects with for a dependency's failure: Stripe's, or the service's own. */
export const dependencyFailureCode = (error: ServiceError): 'stripe_unavailable' | 'service_unavailable' =>
  error.kind === 'upstream_failed' || error.kind === 'upstream_timeout' ? 'stripe_unavailable' : 'service_unavailable';

export const badRequest = (code: ErrorCode, message: string): ServiceError =>
  new ServiceError('invalid_request', code, message);

export const unauthenticated = (code: ErrorCode, message: string, cause?: unknown): ServiceError =>
  new ServiceError('unauthenticated', code, message, { cause });

export const forbidden = (code: ErrorCode, message: string): ServiceError =>
  new ServiceError('forbidden', code, message);

export const notFound = (code: ErrorCode, message: string): ServiceError =>
  new ServiceError('not_found', code, message);

export const conflict = (code: ErrorCode, message: string, cause?: unknown): ServiceError =>
  new ServiceError('conflict', code, message, { cause });

/** The caller has used up a limit for now (429): the message says what and until when, `Retry-After` in how long. */
export const tooManyRequests = (code: ErrorCode, message: string, retryAfterSeconds: number): ServiceError =>
  new ServiceError('too_many_requests', code, message, { retryAfterSeconds });

/** A route kept only to say what replaced it (410). */
export const gone = (code: ErrorCode, message: string): ServiceError => new ServiceError('gone', code, message);

/** DynamoDB did not answer, throttled past the SDK's retries, or refused a write: the caller may retry. */
export class StoreUnavailableError extends ServiceError {
  override readonly name = 'StoreUnavailableError';

  constructor(
    cause: unknown,
    code: Extract<ErrorCode, 'store_unavailable' | 'store_conflict' | 'store_rejected'> = 'store_unavailable',
    message = 'Our database is not answering right now. Nothing was changed; please try again shortly.',
  ) {
    super('unavailable', code, message, { cause, expose: true });
  }
}

/** A setting or secret is missing or malformed: the message names it, for the operator who reads it. */
export class ConfigurationError extends ServiceError {
  override readonly name = 'ConfigurationError';

  constructor(message: string, cause?: unknown) {
    super('unavailable', 'configuration_error', message, { cause, expose: true });
  }
}

/** Secrets Manager could not be read (a refresh keeps serving the last good value instead). */
export class SecretsUnavailableError extends ServiceError {
  override readonly name = 'SecretsUnavailableError';

  constructor(cause: unknown) {
    super(
      'unavailable',
      'secrets_unavailable',
      'The service cannot read its configuration right now. Please try again shortly.',
      { cause, expose: true },
    );
  }
}

/** A Stripe call failed in a way no route has its own answer for (see shared/stripe/errors.ts). */
export class StripeCallError extends ServiceError {
  override readonly name = 'StripeCallError';
}
