/**
 * Business metrics as CloudWatch embedded metric format (EMF) lines on stdout, in the shape Powertools
 * Metrics prints, written here instead (shared/logger.ts says why). Every metric is a count with the
 * `service` dimension plus at most one dimension from a closed set of low-cardinality codes. Ids
 * (accounts, events, users) and anything secret never become dimensions: a value that does not look
 * like a code is counted as `other`.
 */
import { coldStartsHere, type Logger, type LogSink } from './logger';
import { writeLine } from './observability/stdout';
import { serviceName } from './service-name';

export const metricNames = [
  'ConnectStarted',
  'ConnectCompleted',
  'ConnectFailed',
  'ConnectionReleased',
  'ConnectionUnclaimed',
  'ConnectionLeftAtStripe',
  'CapabilitiesMissing',
  'LoginLinkCreated',
  'AccountDeauthorized',
  'AccountConfirmed',
  'WebhookEventProcessed',
  'WebhookEventDuplicate',
  'WebhookEventIgnored',
  'WebhookEventRejected',
  'OnboardingStarted',
  'OnboardingAccountCreated',
  'OnboardingRefreshed',
  'OnboardingFinished',
  'OnboardingIncomplete',
  'AccountLinkCreated',
  'AccountSessionCreated',
  'WebhookEventPoisoned',
  'WebhookApiVersionMismatch',
] as const;
export type MetricName = (typeof metricNames)[number];

/** The one dimension a metric may add: `flow` (standard/express), a `reason`/`errorCode`, an `eventType`, a `source`. */
export type MetricDimension =
  | { readonly flow: string }
  | { readonly reason: string }
  | { readonly errorCode: string }
  | { readonly eventType: string }
  | { readonly source: string };

export interface ServiceMetrics {
  /** Counts one occurrence of `name`, optionally split by one dimension. */
  count(name: MetricName, dimension?: MetricDimension): void;
}

/** Our codes and Stripe's event types: `signature_mismatch`, `account.updated`. Stripe ids carry upper case. */
const codeLike = /^[a-z][a-z0-9_.]{0,63}$/;

export const defaultNamespace = 'ConnectOnboarding';
export const metricsServiceName = serviceName;

export interface CreatedMetrics extends ServiceMetrics {
  /** Prints the counts stored since the last flush, as one EMF line (the handler's middleware calls it after each invocation). */
  flush(): void;
  /** Counts `ColdStart` (dimension `function_name`) on the container's first invocation, once; provisioned containers never do. */
  countColdStart(functionName: string): void;
}

/** CloudWatch takes at most 100 metrics in one EMF line. */
const maxMetricsPerLine = 100;

/**
 * The metrics of one function. Namespace from `POWERTOOLS_METRICS_NAMESPACE` (the stack sets its
 * name), else `ConnectOnboarding`; `POWERTOOLS_METRICS_DISABLED=true` turns output off.
 *
 * @example
 * metrics.count('ConnectFailed', { reason: 'state_expired' });
 */
export const createMetrics = (
  logger: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
  sink: LogSink = writeLine,
): CreatedMetrics => {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE || defaultNamespace;
  const disabled = env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase() === 'true';
  let coldStart = coldStartsHere(env);
  /** Stored counts: one value per count, as Powertools stores them (EMF takes a list of values). */
  let stored = new Map<string, number[]>();

  const print = (dimensions: Readonly<Record<string, string>>, values: ReadonlyMap<string, readonly number[]>) => {
    if (disabled || values.size === 0) return;
    const line: Record<string, unknown> = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [['service', ...Object.keys(dimensions)]],
            Metrics: [...values.keys()].map((name) => ({ Name: name, Unit: 'Count' })),
          },
        ],
      },
      service: metricsServiceName,
      ...dimensions,
    };
    for (const [name, counts] of values) line[name] = counts.length === 1 ? counts[0] : counts;
    sink(JSON.stringify(line));
  };

  const flush = () => {
    const values = stored;
    stored = new Map();
    print({}, values);
  };

  return {
    count: (name, dimension) => {
      if (!dimension) {
        stored.set(name, [...(stored.get(name) ?? []), 1]);
        if (stored.size >= maxMetricsPerLine) flush();
        return;
      }
      // Stored counts share one dimension set per line; a count with its own dimension prints at once.
      const dimensions: Record<string, string> = {};
      for (const [key, value] of Object.entries(dimension) as [string, string][]) {
        const isCode = codeLike.test(value);
        if (!isCode) logger.warn('metric dimension is not a code; counted as other', { metric: name, dimension: key });
        dimensions[key] = isCode ? value : 'other';
      }
      print(dimensions, new Map([[name, [1]]]));
    },
    flush,
    countColdStart: (functionName) => {
      if (!coldStart) return;
      coldStart = false;
      print({ function_name: functionName }, new Map([['ColdStart', [1]]]));
    },
  };
};

/** For tests and callers that do not count. */
export const noMetrics: ServiceMetrics = { count: () => undefined };
