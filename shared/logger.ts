/**
 * Structured JSON logs, one line per entry on stdout, in the shape Powertools for AWS Lambda's Logger
 * prints (the keys, their order, the Lambda context keys, the environment variables it reads), written
 * by this small module instead: Powertools Logger and Metrics cost every cold start about 6% of CPU
 * (docs/observability.md, "Why not Powertools"). Values under sensitive keys are redacted and
 * credentials inside strings scrubbed, so a secret, OAuth code, token or ticket never reaches a line.
 * Shared code sees only the small {@link Logger} interface.
 */
import type { Context } from 'aws-lambda';
import { formatLogLine, type LambdaKeys, type LogLevelName, logLevelNames } from './observability/log-line';
import { writeLine } from './observability/stdout';

export { redact, scrub } from './observability/redact';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Fields added to every later line of this invocation, e.g. the request id. Replaces the previous context. */
  setContext(fields: Record<string, unknown>): void;
}

/** A {@link Logger} with the per-invocation hooks the handler's middleware calls (shared/observability/middleware.ts). */
export interface ServiceLogger extends Logger {
  /** Adds the Lambda context keys (and a correlation id) to every line until {@link endInvocation}; decides debug sampling. */
  startInvocation(context: Context, correlationId: string | undefined): void;
  /** Clears what the invocation added: context keys, correlation id, `setContext` fields, a sampled debug level. */
  endInvocation(): void;
}

export type LogSink = (line: string) => void;

const threshold: Readonly<Record<LogLevelName, number>> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
};

const levelNamed = (name: string | undefined): LogLevelName | undefined => {
  const wanted = name?.trim().toUpperCase();
  // Lambda's advanced logging controls say FATAL where Powertools says CRITICAL.
  return logLevelNames.find((known) => known === (wanted === 'FATAL' ? 'CRITICAL' : wanted));
};

export interface LogLevelChoice {
  readonly level: LogLevelName;
  /** Lambda's advanced logging controls chose it: nothing else (sampling included) may change it. */
  readonly fixedByLambda: boolean;
}

/**
 * The level, in Powertools' order: Lambda's `AWS_LAMBDA_LOG_LEVEL` wins, then `explicit`, then
 * `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`, in any case; else INFO.
 */
/** The level when nothing sets one (the stack's `logLevel` default too). */
export const defaultLogLevel = 'INFO' satisfies LogLevelName;

export const chooseLogLevel = (
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LogLevelChoice => {
  const fromLambda = levelNamed(env.AWS_LAMBDA_LOG_LEVEL);
  if (fromLambda) return { level: fromLambda, fixedByLambda: true };
  const level =
    levelNamed(explicit) ?? levelNamed(env.POWERTOOLS_LOG_LEVEL) ?? levelNamed(env.LOG_LEVEL) ?? defaultLogLevel;
  return { level, fixedByLambda: false };
};

/** `POWERTOOLS_LOGGER_SAMPLE_RATE`: the share of invocations logged at DEBUG, 0 to 1; anything else is 0. */
export const sampleRateFrom = (env: Readonly<Record<string, string | undefined>> = process.env): number => {
  const rate = Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0);
  return Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : 0;
};

/**
 * Whether this container's first invocation is a cold start: provisioned concurrency initializes containers
 * ahead of traffic, so theirs is not (the logger's `cold_start` and the `ColdStart` metric both ask).
 */
export const coldStartsHere = (env: Readonly<Record<string, string | undefined>> = process.env): boolean =>
  env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';

/**
 * A logger for one function, writing to stdout unless given a `sink`. The level comes from
 * {@link chooseLogLevel}; `POWERTOOLS_LOGGER_SAMPLE_RATE`
 * turns DEBUG on for that share of invocations (their lines carry `sampling_rate`).
 *
 * @example
 * const logger = createLogger('callback');
 * logger.info('connect completed', { accountId, flow }); // {"level":"INFO","message":"connect completed","service":"callback",...}
 */
export const createLogger = (service: string, sink: LogSink = writeLine, level?: string): ServiceLogger => {
  const choice = chooseLogLevel(level);
  const sampleRate = sampleRateFrom();
  let current = threshold[choice.level];
  let lambdaKeys: LambdaKeys | undefined;
  let invocationKeys: Record<string, unknown> = {};
  let contextFields: Record<string, unknown> = {};
  let coldStart = coldStartsHere();

  const write = (name: LogLevelName, message: string, fields: Record<string, unknown> | undefined): void => {
    if (threshold[name] < current) return;
    sink(
      formatLogLine({
        level: name,
        message,
        service,
        lambda: lambdaKeys,
        sampleRate,
        attributes: { ...invocationKeys, ...contextFields, ...fields },
      }),
    );
  };

  return {
    debug: (message, fields) => write('DEBUG', message, fields),
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
    setContext: (fields) => {
      contextFields = { ...fields };
    },
    startInvocation: (context, correlationId) => {
      lambdaKeys = {
        cold_start: coldStart,
        function_name: context.functionName,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
      invocationKeys = correlationId === undefined ? {} : { correlation_id: correlationId };
      if (!choice.fixedByLambda && sampleRate > 0 && Math.random() <= sampleRate)
        current = Math.min(current, threshold.DEBUG);
    },
    endInvocation: () => {
      lambdaKeys = undefined;
      invocationKeys = {};
      contextFields = {};
      current = threshold[choice.level];
    },
  };
};
