/**
 * The one error type handlers throw. `status` picks the HTTP status, `code` is stable for clients
 * to branch on, and `expose` hides server-side detail (5xx messages are replaced before they leave).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  /** A 5xx given on purpose (asking Stripe to retry later), not a fault: logged as a warning. */
  readonly deliberate: boolean;

  /** `expose` may be forced for 5xx messages written for people (e.g. naming a missing setting). */
  constructor(
    status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; expose?: boolean; deliberate?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.expose = options?.expose ?? status < 500;
    this.deliberate = options?.deliberate ?? false;
  }
}

/** Error `type` values of the JSON error body, by status, in the style of Stripe's API. */
export const errorTypeForStatus = (status: number): string => {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 409:
      return 'conflict_error';
    case 502:
    case 504:
      return 'upstream_error';
    case 503:
      return 'service_unavailable_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
};

export const badRequest = (code: string, message: string): HttpError => new HttpError(400, code, message);
