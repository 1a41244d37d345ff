import { HttpError } from '../errors';

/** The fields of a stripe-node error we branch on (`type` is the error class name, e.g. StripeInvalidGrantError). */
export interface StripeErrorLike {
  readonly type: string;
  readonly message: string;
  readonly statusCode?: number;
  readonly code?: string;
  readonly rawType?: string;
}

export const isStripeError = (error: unknown): error is StripeErrorLike =>
  error instanceof Error &&
  typeof (error as { type?: unknown }).type === 'string' &&
  String((error as { type?: unknown }).type).startsWith('Stripe');

/**
 * The one place a Stripe failure becomes our answer. Callers handle the errors that mean something
 * for their route (an invalid grant, a missing account) before falling back to this.
 */
export const stripeFailure = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  if (!isStripeError(error)) {
    return new HttpError(502, 'stripe_error', 'Stripe could not be reached. Please try again.', {
      cause: error,
      expose: true,
    });
  }
  if (error.type === 'StripeConnectionError' && /timeout/i.test(error.message)) {
    return new HttpError(504, 'stripe_timeout', 'Stripe did not answer in time. It is safe to try again.', {
      cause: error,
      expose: true,
    });
  }
  if (
    error.type === 'StripeConnectionError' ||
    error.type === 'StripeAPIError' ||
    error.type === 'StripeRateLimitError'
  ) {
    return new HttpError(
      502,
      'stripe_unavailable',
      'Stripe is not answering right now. Please try again in a moment.',
      { cause: error, expose: true },
    );
  }
  if (error.type === 'StripeAuthenticationError') {
    // Our key was refused: a deployment problem, not the caller's.
    return new HttpError(502, 'stripe_misconfigured', 'Stripe refused the platform credentials.', { cause: error });
  }
  return new HttpError(502, 'stripe_error', 'Stripe refused the request.', { cause: error, expose: true });
};
