/**
 * Which Stripe `npm start` talks to: the emulator (the default), or real Stripe in test mode with
 * the developer's own keys (`npm start -- --stripe=test`). Pure: reads argv and the environment,
 * returns the choice or throws a StripeModeError whose message says what to do.
 */
import { webhookPath } from '../shared/routes';
import { isClientId, isLiveKey, isTestKey, isWebhookSecret, webhookSecretList } from '../shared/stripe/mode';
import { handledEventTypes } from '../shared/webhooks/event-types';

export type StripeMode =
  | { readonly stripe: 'emulator' }
  | {
      readonly stripe: 'test';
      readonly secretKey: string;
      /** Undefined without STRIPE_CLIENT_ID: a platform without Connect OAuth onboards through Account Links only. */
      readonly clientId: string | undefined;
      /** From STRIPE_WEBHOOK_SECRETS; undefined when `npm start` must ask for the `stripe listen` secret. */
      readonly webhookSecrets: string | undefined;
    };

export class StripeModeError extends Error {}

export const stripeModeFlag = '--stripe';
const modes = ['emulator', 'test'] as const;

const keyHelp = 'your test-mode key from https://dashboard.stripe.com/test/apikeys';
const clientIdHelp =
  'your test-mode client id from https://dashboard.stripe.com/test/settings/connect/onboarding-options/oauth';

/** A webhook secret list as the service reads it: `whsec_…[,whsec_…]`. */
export const isWebhookSecretList = (value: string): boolean => {
  const secrets = webhookSecretList(value);
  return secrets.length > 0 && secrets.every(isWebhookSecret);
};

export const stripeModeFrom = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StripeMode => {
  const flags = argv.filter((arg) => arg === stripeModeFlag || arg.startsWith(`${stripeModeFlag}=`));
  const value = flags.length === 0 ? 'emulator' : flags.at(-1)?.slice(stripeModeFlag.length + 1);
  if (!modes.includes(value as (typeof modes)[number])) {
    throw new StripeModeError(
      `${stripeModeFlag} takes one of ${modes.map((m) => `${stripeModeFlag}=${m}`).join(', ')}`,
    );
  }
  if (value === 'emulator') return { stripe: 'emulator' };

  const secretKey = env.STRIPE_SECRET_KEY?.trim() ?? '';
  if (isLiveKey(secretKey)) {
    throw new StripeModeError(
      `STRIPE_SECRET_KEY is a live-mode key: --stripe=test never runs with live keys on a laptop; use ${keyHelp}`,
    );
  }
  if (secretKey === '') throw new StripeModeError(`--stripe=test needs STRIPE_SECRET_KEY=sk_test_…: ${keyHelp}`);
  if (!isTestKey(secretKey)) {
    throw new StripeModeError(`STRIPE_SECRET_KEY is not a test-mode secret key (sk_test_… or rk_test_…): ${keyHelp}`);
  }
  const clientId = env.STRIPE_CLIENT_ID?.trim() || undefined;
  if (clientId !== undefined && !isClientId(clientId)) {
    throw new StripeModeError(`STRIPE_CLIENT_ID is not a client id (ca_…): ${clientIdHelp}`);
  }
  const webhookSecrets = env.STRIPE_WEBHOOK_SECRETS?.trim() || undefined;
  if (webhookSecrets !== undefined && !isWebhookSecretList(webhookSecrets)) {
    throw new StripeModeError('STRIPE_WEBHOOK_SECRETS is not a whsec_… secret (the one `stripe listen` prints)');
  }
  return { stripe: 'test', secretKey, clientId, webhookSecrets };
};

/** The Stripe CLI command that forwards test-mode events (Connect ones included) to the local gateway. */
export const stripeListenCommand = (gatewayUrl: string): string =>
  `stripe listen --events ${handledEventTypes.join(',')} --forward-to ${gatewayUrl}${webhookPath}`;

/**
 * Asks on the terminal for the `whsec_…` that `stripe listen` prints (it changes with each CLI
 * login, so it is not worth a file). Without a terminal there is no one to ask: a clear error.
 */
export const askForWebhookSecret = async (
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
  listenCommand: string,
): Promise<string> => {
  if (!input.isTTY) {
    throw new StripeModeError(
      `set STRIPE_WEBHOOK_SECRETS to the whsec_… that \`${listenCommand}\` prints, then run npm start again`,
    );
  }
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input, output });
  try {
    output.write(`\nIn another terminal run:\n  ${listenCommand}\n`);
    for (;;) {
      const answer = (await prompt.question('Paste the webhook signing secret it prints (whsec_…): ')).trim();
      if (isWebhookSecretList(answer)) return answer;
      output.write('That is not a whsec_… secret.\n');
    }
  } finally {
    prompt.close();
  }
};
