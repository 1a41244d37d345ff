/**
 * The Powertools log formatter of every function: Powertools' standard keys (level, message, service,
 * timestamp, Lambda context, X-Ray trace id) in the order our log guard and metric filters expect, and
 * every other attribute — fields, appended keys, the correlation id — passed through `redact`.
 * An error logged at ERROR or above (a failing request) keeps its stack frames, mapped to our
 * TypeScript sources (./stack-frames.ts); below that (a refused request) only its name and message.
 */
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { type DescribeError, nameAndMessage, redact, scrub } from './redact';
import { sourceFrames } from './stack-frames';

/** Levels whose errors carry their stack: something failed and someone will read why. */
const levelsWithStacks = new Set(['ERROR', 'CRITICAL']);

/** Name, scrubbed message and the mapped frames; the stack's first line would repeat the message unscrubbed. */
export const withStack: DescribeError = (error) => ({ ...nameAndMessage(error), stack: sourceFrames(error) });

export class RedactingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const base: LogAttributes = {
      // `level` first: the log guard and `{ $.level = ... }` filters read lines that start with it.
      level: attributes.logLevel,
      message: scrub(attributes.message),
      service: attributes.serviceName,
      timestamp: this.formatTimestamp(attributes.timestamp),
      cold_start: context?.coldStart,
      function_name: context?.functionName,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_request_id: context?.awsRequestId,
      // Only when POWERTOOLS_LOGGER_SAMPLE_RATE turned debug on for this invocation.
      sampling_rate: attributes.sampleRateValue || undefined,
      xray_trace_id: attributes.xRayTraceId,
    };
    const describeError = levelsWithStacks.has(attributes.logLevel) ? withStack : nameAndMessage;
    return new LogItem({ attributes: base }).addAttributes(
      redact(additionalLogAttributes, 0, describeError) as LogAttributes,
    );
  }

  /** Any error `redact` has not already described (it describes every one it meets): name and scrubbed message. */
  override formatError(error: Error): LogAttributes {
    return nameAndMessage(error);
  }
}
