/**
 * Stands in for shared/observability/observability.ts in an ablation variant (bench/ablate.ts): a logger and
 * metrics that do nothing, so the variant measures the function without its logs and metrics.
 */
import type { ServiceLogger } from '../../shared/logger';
import type { CreatedMetrics } from '../../shared/metrics';
import type { Observability } from '../../shared/observability/observability';

const nothing = (): void => undefined;

const logger: ServiceLogger = {
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: nothing,
  setContext: nothing,
  startInvocation: nothing,
  endInvocation: nothing,
};

const metrics: CreatedMetrics = { count: nothing, flush: nothing, countColdStart: nothing };

export const createObservability = (_functionName: string): Observability => ({ logger, metrics });
