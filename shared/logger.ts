/**
 * Structured JSON logs, one line per entry, with the request id of the invocation. Values under
 * sensitive keys are redacted, so a secret, OAuth code, token or ticket never reaches a log line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** OAuth codes and states, tokens, tickets, secrets, cookies, login-link URLs. `errorCode` and the like stay readable. */
const sensitiveKey = /secret|token|ticket|^code$|authorization|cookie|password|^state$|^url$|location|signature/i;

/** Credentials Stripe echoes in its own messages ("Authorization code does not exist: ac_..."). */
const credentialPattern = /\b(?:ac|rt|sk_(?:test|live)|rk_(?:test|live)|whsec)_[A-Za-z0-9_]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+/g;

export const scrub = (text: string): string => text.replace(credentialPattern, '[redacted]');

export const redact = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return scrub(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, sensitiveKey.test(key) ? '[redacted]' : redact(item, depth + 1)]),
  );
};

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Fields added to every later line, e.g. the request id. */
  setContext(fields: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

export const createLogger = (
  service: string,
  sink: LogSink = (line) => process.stdout.write(`${line}\n`),
  level: string | undefined = process.env['LOG_LEVEL'],
): Logger => {
  let context: Record<string, unknown> = {};
  const threshold = levelRank[(level?.toLowerCase() as LogLevel | undefined) ?? 'info'] ?? levelRank.info;
  const write = (level: LogLevel, message: string, fields: Record<string, unknown> = {}): void => {
    if (levelRank[level] < threshold) return;
    sink(JSON.stringify({ level, message: scrub(message), service, timestamp: new Date().toISOString(), ...context, ...(redact(fields) as object) }));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    setContext: (fields) => {
      context = fields;
    },
  };
};
