/**
 * Log messages of the webhook that alarms count (infra/monitoring.ts builds metric filters on them):
 * changing one here changes its filter too.
 */

/**
 * Every function's middleware logs a 4xx with this message (shared/http/service-middleware.ts); the
 * webhook's signature failures are counted from it, by `errorCode`.
 */
export const requestRefusedMessage = 'request refused';

/** WARN (ERROR when our store refused it): a verified event acknowledged without applying, since no retry can apply it. */
export const poisonedEventMessage = 'webhook poisoned: acknowledged without applying, no retry can apply it';

/** WARN: an event rendered in another API version than the one the service pins. */
export const apiVersionMismatchMessage =
  'webhook api version mismatch: recreate the endpoint with the version the service pins';
