import type { EmulatorContext } from './context';
import type { ApiError } from './errors';
import type { ApiReply } from './types';

/**
 * Idempotent requests as Stripe documents them (sources: docs/stripe-fidelity.md, "Sources of the emulator's endpoints"):
 * the first result for a key is saved, whether it succeeded or failed, and a later request with the
 * same key gets that result again with `Idempotent-Replayed: true`. The same key with other
 * parameters (or on another endpoint) is an `idempotency_error`. A request refused while its
 * parameters were validated saves nothing. Keys may be removed once they are at least 24 hours old.
 */

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

export interface IdempotentRequest {
  apiKey: string;
  /** The Stripe-Account header: keys are scoped to the account a request acts for. */
  stripeAccount: string | undefined;
  key: string;
  method: string;
  path: string;
  params: readonly [string, string][];
}

/** [doc] Stripe's wording for a key reused with other parameters. */
const mismatch = (key: string): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    },
  },
});

/** [guess] wording; the rule (same endpoint only) is documented. */
const otherEndpoint = (key: string, endpoint: string): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used for the same endpoint they were first used for (${endpoint}). Try using a key other than '${key}' if you meant to execute a different request.`,
    },
  },
});

/** [guess] wording; the 255-character limit is documented. */
const tooLong = (): ApiError => ({
  status: 400,
  body: {
    error: {
      type: 'invalid_request_error',
      message: `Invalid idempotency key: keys can be at most ${MAX_KEY_LENGTH} characters long.`,
    },
  },
});

/** A validation failure (Stripe names the parameter) never reached the endpoint, so it is not saved. */
const isValidationFailure = (reply: ApiReply): boolean => {
  const error = (reply.body as { error?: { param?: unknown } } | undefined)?.error;
  return reply.status === 400 && typeof error?.param === 'string';
};

/** Runs `execute` once per key; replays its saved reply for a matching retry. */
export function idempotent(
  ctx: EmulatorContext,
  request: IdempotentRequest,
  execute: () => ApiReply,
): { reply: ApiReply; replayed: boolean } {
  if (request.key.length > MAX_KEY_LENGTH) return { reply: tooLong(), replayed: false };
  const scope = JSON.stringify([request.apiKey, request.stripeAccount ?? null, request.key]);
  const endpoint = `${request.method} ${request.path}`;
  const fingerprint = JSON.stringify([endpoint, [...request.params].sort()]);
  const saved = ctx.state.idempotency.get(scope);
  if (saved && ctx.now() - saved.createdAt < IDEMPOTENCY_KEY_TTL_MS) {
    if (saved.endpoint !== endpoint) return { reply: otherEndpoint(request.key, saved.endpoint), replayed: false };
    if (saved.fingerprint !== fingerprint) return { reply: mismatch(request.key), replayed: false };
    return { reply: structuredClone(saved.reply), replayed: true };
  }
  const reply = execute();
  if (!isValidationFailure(reply)) {
    ctx.state.idempotency.set(scope, { fingerprint, endpoint, reply: structuredClone(reply), createdAt: ctx.now() });
  }
  return { reply, replayed: false };
}
