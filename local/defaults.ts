/**
 * Fixed development values for the local stack. They only ever reach the Stripe emulator and
 * local processes: the deployed functions read real values from Secrets Manager.
 */
export const localDefaults = {
  gatewayPort: 3000,
  emulatorPort: 12111,
  stripeSecretKey: 'sk_test_local0connect0onboarding0000000000',
  stripeClientId: 'ca_local0connect0onboarding00000',
  webhookSecret: 'whsec_local0connect0onboarding0000000000',
  platformTokenSecret: 'local-dev-platform-token-secret-0123456789abcdef',
} as const;
