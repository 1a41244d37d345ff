/**
 * What keeps secrets out of logs and metrics: sensitive keys are redacted at any depth, and
 * credentials Stripe echoes inside free text ("Authorization code does not exist: ac_...") scrubbed.
 */

/**
 * OAuth codes and states, tokens, tickets, secrets, cookies, login-link URLs. `errorCode` and the like stay
 * readable. Matched against the lower-cased key, as words and parts rather than a pattern: compiling a pattern
 * is a cost the first line of every container pays (docs/performance.md, "What a cold start carries").
 */
const sensitiveKeys: ReadonlySet<string> = new Set(['code', 'state', 'url']);
const sensitiveKeyParts = ['secret', 'token', 'ticket', 'authorization', 'cookie', 'password', 'location', 'signature'];
export const isSensitiveKey = (key: string): boolean => {
  const lower = key.toLowerCase();
  return sensitiveKeys.has(lower) || sensitiveKeyParts.some((part) => lower.includes(part));
};

/** Stripe's credentials and JWTs as they appear inside text; `scrub` replaces them. */
export const credentialPattern =
  /\b(?:ac|rt|sk_(?:test|live)|rk_(?:test|live)|whsec)_[A-Za-z0-9_]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+/g;
/** What every credential the pattern matches contains: text with none of them is clean without running it. */
const credentialMarkers = ['ac_', 'rt_', 'sk_', 'rk_', 'whsec_', 'eyJ'];

/** Replaces credentials inside free text (messages, error messages) with `[redacted]`. */
export const scrub = (text: string): string =>
  credentialMarkers.some((marker) => text.includes(marker)) ? text.replace(credentialPattern, '[redacted]') : text;

/** How an error appears in a log line: name and scrubbed message, unless the caller adds more (the stack). */
export type DescribeError = (error: Error) => Record<string, unknown>;

export const nameAndMessage: DescribeError = (error) => ({ name: error.name, message: scrub(error.message) });

/**
 * A copy of `value` with sensitive keys redacted at any depth, strings scrubbed, errors reduced to
 * what `describeError` keeps (name and message unless told otherwise), functions dropped.
 */
export const redact = (value: unknown, depth = 0, describeError: DescribeError = nameAndMessage): unknown => {
  if (typeof value === 'string') return scrub(value);
  // JSON has no BigInt: its digits, so that printing the copy never throws.
  if (typeof value === 'bigint') return value.toString();
  // Not data, and an own `toJSON` would print whatever it returns, unredacted: dropped (JSON drops functions too).
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  // Deeper than anything we log: refuse to print what was not looked at.
  if (depth > 5) return '[truncated]';
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, describeError));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isSensitiveKey(key) ? '[redacted]' : redact(item, depth + 1, describeError),
    ]),
  );
};
