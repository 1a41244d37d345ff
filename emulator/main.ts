/**
 * Runs the Stripe emulator on its own with the local development values:
 *   npx tsx emulator/main.ts
 * Env: STRIPE_EMULATOR_PORT (12111), STRIPE_REDIRECT_URIS (comma-separated; default the local gateway's
 * callback), STRIPE_WEBHOOK_URL (default the local gateway's webhook route; "none" for no endpoint),
 * STRIPE_SECRET_KEY, STRIPE_CLIENT_ID, STRIPE_WEBHOOK_SECRETS (default local/defaults.ts).
 */
import { localDefaults } from '../local/defaults';
import { localCredentials } from '../local/environment';
import { callbackPath, webhookPath } from '../shared/routes';
import { startStripeEmulator } from './server';

const gateway = `http://localhost:${process.env.PORT ?? String(localDefaults.gatewayPort)}`;
const redirectUris = (process.env.STRIPE_REDIRECT_URIS ?? `${gateway}${callbackPath}`)
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);
const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? `${gateway}${webhookPath}`;
// The same credentials the local functions get (local/environment.ts).
const credentials = localCredentials();

const emulator = await startStripeEmulator({
  port: Number(process.env.STRIPE_EMULATOR_PORT ?? localDefaults.emulatorPort),
  secretKey: credentials.secretKey,
  clientId: credentials.clientId,
  redirectUris,
  webhookEndpoints: webhookUrl === 'none' ? [] : [{ url: webhookUrl, secret: credentials.signingSecret }],
});
process.stdout.write(
  `Stripe emulator listening on ${emulator.url}\n  redirect URIs: ${redirectUris.join(', ')}\n  webhooks: ${webhookUrl}\n`,
);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
