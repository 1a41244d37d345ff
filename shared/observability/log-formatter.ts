/**
 * The Powertools log formatter of every function: Powertools' standard keys (level, message, service,
 * timestamp, Lambda context, X-Ray trace id) in the order our log guard and metric filters expect, and
 * every other attribute — fields, appended keys, the correlation id — passed through `redact`.
 */
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { redact, scrub } from './redact';

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
    return new LogItem({ attributes: base }).addAttributes(redact(additionalLogAttributes) as LogAttributes);
  }

  /** Name and scrubbed message only: stacks are noise in CloudWatch and can quote request data. */
  override formatError(error: Error): LogAttributes {
    return { name: error.name, message: scrub(error.message) };
  }
}
