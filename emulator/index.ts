export { DEFAULT_ACCOUNT_API_VERSION, DEFAULT_API_VERSION, startStripeEmulator } from './server';
export { signatureHeader } from './signature';
export type {
  AccountRequirements,
  AccountType,
  BusinessProfile,
  CapabilityStatus,
  EventObject,
  FaultMode,
  FaultSpec,
  RequestLogEntry,
  StripeAccount,
  StripeAccountPatch,
  StripeApplication,
  StripeCapability,
  StripeEmulator,
  StripeEmulatorOptions,
  StripeEvent,
  WebhookDelivery,
  WebhookEndpoint,
} from './types';
