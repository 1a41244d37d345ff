/**
 * Business metrics as CloudWatch embedded metric format (EMF) lines, through Powertools Metrics.
 * Every metric is a count with the `service` dimension plus at most one dimension from a closed set
 * of low-cardinality codes. Ids (accounts, events, users) and anything secret never become
 * dimensions: a value that does not look like a code is counted as `other`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from './logger';

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
export const metricsServiceName = 'connect-onboarding';

/**
 * Powertools' own warnings go through our logger (redacted, on stdout), except the one it prints on
 * every invocation without a stored metric: most of our counts are single metrics, so that is normal.
 */
const metricsLogger = (logger: Logger) => ({
  debug: (...content: unknown[]) => logger.debug(String(content[0])),
  info: (...content: unknown[]) => logger.info(String(content[0])),
  warn: (...content: unknown[]) => {
    if (!String(content[0]).startsWith('No application metrics to publish')) logger.warn(String(content[0]));
  },
  error: (...content: unknown[]) => logger.error(String(content[0])),
});

export interface CreatedMetrics extends ServiceMetrics {
  /** For `logMetrics` (flushes stored metrics, the ColdStart metric). */
  readonly powertools: Metrics;
}

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
): CreatedMetrics => {
  const powertools = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || defaultNamespace,
    serviceName: metricsServiceName,
    logger: metricsLogger(logger),
  });
  return {
    powertools,
    count: (name, dimension) => {
      if (!dimension) {
        powertools.addMetric(name, MetricUnit.Count, 1);
        return;
      }
      // Stored metrics share one dimension set per flush; a single metric gets its own and prints at once.
      const single = powertools.singleMetric();
      for (const [key, value] of Object.entries(dimension) as [string, string][]) {
        if (!codeLike.test(value))
          logger.warn('metric dimension is not a code; counted as other', { metric: name, dimension: key });
        single.addDimension(key, codeLike.test(value) ? value : 'other');
      }
      single.addMetric(name, MetricUnit.Count, 1);
    },
  };
};

/** For tests and callers that do not count. */
export const noMetrics: ServiceMetrics = { count: () => undefined };
