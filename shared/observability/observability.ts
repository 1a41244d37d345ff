import { createLogger, type ServiceLogger } from '../logger';
import { type CreatedMetrics, createMetrics } from '../metrics';

/** A function's logger and metrics, created once per container and handed to `httpHandler`. */
export interface Observability {
  readonly logger: ServiceLogger;
  readonly metrics: CreatedMetrics;
}

/** Logs with `service` = the function's name; metrics under the service dimension `connect-onboarding`. */
export const createObservability = (functionName: string): Observability => {
  const logger = createLogger(functionName);
  return { logger, metrics: createMetrics(logger) };
};
