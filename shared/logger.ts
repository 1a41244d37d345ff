/**
 * Structured JSON logs through Powertools for AWS Lambda's Logger, one line per entry. Values under
 * sensitive keys are redacted and credentials inside strings scrubbed, so a secret, OAuth code,
 * token or ticket never reaches a log line. Shared code sees only the small {@link Logger} interface.
 */
import { type LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { RedactingLogFormatter } from './observability/log-formatter';

export { redact, scrub } from './observability/redact';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Fields added to every later line of this invocation, e.g. the request id. Replaces the previous context. */
  setContext(fields: Record<string, unknown>): void;
}

/** A {@link Logger} with the Powertools instance behind it, for the middleware (`injectLambdaContext`, metrics warnings). */
export interface ServiceLogger extends Logger {
  readonly powertools: PowertoolsLogger;
}

export type LogSink = (line: string) => void;

/** One stream for every level: Lambda sends stdout and stderr to the same log group, and the tests' log guard reads stdout. */
const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** `correlationIdSearchFn` for plain dotted paths: Powertools' JMESPath `search` adds 24 KB to every bundle for one fixed path. */
const dottedPath = (expression: string, data: unknown): unknown =>
  expression
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      data,
    );

const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** Powertools reads `POWERTOOLS_LOG_LEVEL`/`LOG_LEVEL` in upper case only; ours have always been case-insensitive. */
const resolveLogLevel = (explicit: string | undefined, env = process.env): (typeof levels)[number] | undefined => {
  const wanted = (explicit || env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || '').toUpperCase();
  return levels.find((known) => known === wanted);
};

/**
 * A logger for one function. The level comes from `level`, else `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`
 * (Lambda's own `AWS_LAMBDA_LOG_LEVEL` wins over all of them, as Powertools documents), else INFO.
 *
 * @example
 * const logger = createLogger('callback');
 * logger.info('connect completed', { accountId, flow }); // {"level":"INFO","message":"connect completed","service":"callback",...}
 */
export const createLogger = (service: string, sink: LogSink = stdoutSink, level?: string): ServiceLogger => {
  // Powertools prints through its own Console (warnings to stderr); printing through the sink keeps one stream.
  class SinkLogger extends PowertoolsLogger {
    protected override printLog(_logLevel: number, log: LogItem): void {
      log.prepareForPrint();
      sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
    }
  }
  const logLevel = resolveLogLevel(level);
  const powertools = new SinkLogger({
    serviceName: service,
    logFormatter: new RedactingLogFormatter(),
    correlationIdSearchFn: dottedPath,
    ...(logLevel ? { logLevel } : {}),
  });
  let contextKeys: string[] = [];
  return {
    powertools,
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
    setContext: (fields) => {
      powertools.removeKeys(contextKeys);
      powertools.appendKeys(fields);
      contextKeys = Object.keys(fields);
    },
  };
};
