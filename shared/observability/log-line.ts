/**
 * One log line: Powertools Logger's standard keys (level, message, service, timestamp, Lambda context,
 * X-Ray trace id) in the order our log guard and metric filters expect, then every other attribute —
 * fields, the invocation's context, the correlation id — passed through `redact`. An error logged at
 * ERROR or above (a failing request) keeps its stack frames, mapped to our TypeScript sources
 * (./stack-frames.ts); below that (a refused request) only its name and message.
 */
import { type DescribeError, nameAndMessage, redact, scrub } from './redact';
import { sourceFrames } from './stack-frames';

export const logLevelNames = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevelName = (typeof logLevelNames)[number];

/** The keys the Lambda context gives every line of an invocation. */
export interface LambdaKeys {
  readonly cold_start: boolean;
  readonly function_name: string;
  readonly function_arn: string;
  readonly function_memory_size: string | number;
  readonly function_request_id: string;
}

/** Levels whose errors carry their stack: something failed and someone will read why. */
const levelsWithStacks: ReadonlySet<LogLevelName> = new Set(['ERROR', 'CRITICAL']);

/** Name, scrubbed message and the mapped frames; the stack's first line would repeat the message unscrubbed. */
export const withStack: DescribeError = (error) => ({ ...nameAndMessage(error), stack: sourceFrames(error) });

/** The `Root` of the trace header Lambda puts in `_X_AMZN_TRACE_ID` for each invocation. */
export const xrayTraceId = (header = process.env._X_AMZN_TRACE_ID): string | undefined =>
  header
    ?.split(';')
    .find((part) => part.startsWith('Root='))
    ?.slice('Root='.length);

export interface LogLineInput {
  readonly level: LogLevelName;
  readonly message: string;
  readonly service: string;
  readonly lambda: LambdaKeys | undefined;
  /** POWERTOOLS_LOGGER_SAMPLE_RATE; printed as `sampling_rate` when set. */
  readonly sampleRate: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly now?: Date;
}

const bigIntAsDigits = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value;

export const formatLogLine = (input: LogLineInput): string => {
  const describeError = levelsWithStacks.has(input.level) ? withStack : nameAndMessage;
  const base = {
    // `level` first: the log guard and `{ $.level = ... }` filters read lines that start with it.
    level: input.level,
    message: scrub(input.message),
    service: input.service,
    timestamp: (input.now ?? new Date()).toISOString(),
    ...input.lambda,
    sampling_rate: input.sampleRate || undefined,
    xray_trace_id: xrayTraceId(),
  };
  const attributes = redact(input.attributes, 0, describeError) as Record<string, unknown>;
  // A field may not overwrite a standard key (Powertools drops those too).
  for (const key of Object.keys(base)) delete attributes[key];
  const line = { ...base, ...attributes };
  try {
    // `redact` has turned every BigInt it saw into its digits: the usual line needs no replacer, which would
    // take JSON.stringify off its fast path.
    return JSON.stringify(line);
  } catch {
    // One `redact` does not see (an error's own fields, a Lambda key): a log line must never fail the request.
    return JSON.stringify(line, bigIntAsDigits);
  }
};
