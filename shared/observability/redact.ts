/**
 * What keeps secrets out of logs and metrics: sensitive keys are redacted at any depth, and
 * credentials Stripe echoes inside free text ("Authorization code does not exist: ac_...") scrubbed.
 */

/** OAuth codes and states, tokens, tickets, secrets, cookies, login-link URLs. `errorCode` and the like stay readable. */
const sensitiveKey = /secret|token|ticket|^code$|authorization|cookie|password|^state$|^url$|location|signature/i;

const credentialPattern =
  /\b(?:ac|rt|sk_(?:test|live)|rk_(?:test|live)|whsec)_[A-Za-z0-9_]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+/g;

/** Replaces credentials inside free text (messages, error messages) with `[redacted]`. */
export const scrub = (text: string): string => text.replace(credentialPattern, '[redacted]');

/** A copy of `value` with sensitive keys redacted at any depth, strings scrubbed, errors reduced to name and message. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than anything we log: refuse to print what was not looked at.
  if (depth > 5) return '[truncated]';
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, sensitiveKey.test(key) ? '[redacted]' : redact(item, depth + 1)]),
  );
};
