/**
 * Stripe's credential formats, in one place: the service's secret checks, `npm start -- --stripe=test`,
 * `npm run stripe:setup` and the emulator all read them from here. Kept apart from the SDK so checking
 * one loads nothing.
 */

/** A platform secret key (`sk_`) or restricted key (`rk_`), of either mode. */
export const isSecretKey = (value: string): boolean => /^(sk|rk)_(test|live)_/.test(value);

/** A deployment's mode follows its key: `sk_live_`/`rk_live_` is live mode. */
export const isLiveKey = (secretKey: string): boolean => /^(sk|rk)_live_/.test(secretKey);

/** A test-mode secret or restricted key. */
export const isTestKey = (secretKey: string): boolean => /^(sk|rk)_test_/.test(secretKey);

/** A Connect platform's OAuth client id. */
export const isClientId = (value: string): boolean => /^ca_\S+$/.test(value);

/** One webhook signing secret. */
export const isWebhookSecret = (value: string): boolean => /^whsec_\S+$/.test(value);

/**
 * The secrets of a webhook secret list (the secret's `webhookSecrets`, `STRIPE_WEBHOOK_SECRETS` locally):
 * comma-separated, or a JSON array; blank entries dropped.
 */
export const webhookSecretList = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim())
    .filter(Boolean);
};
