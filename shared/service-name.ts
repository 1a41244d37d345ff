/**
 * The service's name where it names itself to others: the metrics' `service` dimension, the notices'
 * EventBridge source, the user agent and app info Stripe sees, local table names.
 */
export const serviceName = 'connect-onboarding';
