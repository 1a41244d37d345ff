/**
 * Platform secrets: from one Secrets Manager secret (a JSON object) in AWS, from environment
 * variables locally. Fetched once per container and cached with a short TTL so a rotated value
 * is picked up without a redeploy; a failed refresh keeps serving the last good value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, SecretsUnavailableError } from './errors';
import { isClientId, isSecretKey, isWebhookSecret, webhookSecretList } from './stripe/mode';

export interface PlatformSecrets {
  readonly secretKey: string;
  /**
   * Connect OAuth's client ID (`ca_…`); undefined on a platform that onboards only through Account Links,
   * which never needs one. The OAuth routes ask for it with {@link oauthClientId}.
   */
  readonly clientId: string | undefined;
  /** Several during a rotation: a signature by any of them is accepted. */
  readonly webhookSecrets: readonly string[];
  readonly platformTokenSecret: string;
  /** Set during a roll of the platform token secret only; see {@link PlatformTokenSecrets}. */
  readonly previousPlatformTokenSecret: string | undefined;
}

/**
 * The platform token secret, and during a roll the one it replaces (docs/operations.md, "Rolling the platform
 * token secret"). Every new value (a resume value, a browser binding, a cursor, an idempotency key) is signed
 * or derived with `platformTokenSecret` alone; a value is verified or matched with
 * {@link platformTokenSecretsThatVerify}.
 */
export interface PlatformTokenSecrets {
  readonly platformTokenSecret: string;
  /** Values made with it (by the platform's backend, or by this service before the roll) are still accepted. */
  readonly previousPlatformTokenSecret?: string | undefined;
}

/**
 * The secrets a platform token, or a value the service derived from the platform token secret, may have been
 * made with: the current one first, then, during a roll, the previous one. The one rule for every place that
 * verifies or matches such a value. Without a previous secret it is the current one alone, so the usual path
 * computes one HMAC, as before. An empty previous secret is none (local/environment.ts writes one for none): an
 * empty HMAC key is one anybody can sign with.
 */
export const platformTokenSecretsThatVerify = ({
  platformTokenSecret,
  previousPlatformTokenSecret,
}: PlatformTokenSecrets): readonly string[] =>
  previousPlatformTokenSecret ? [platformTokenSecret, previousPlatformTokenSecret] : [platformTokenSecret];

export interface SecretsProvider {
  get(): Promise<PlatformSecrets>;
}

const misconfigured = (field: string, problem: string, cause?: unknown): ConfigurationError =>
  new ConfigurationError(`The service is misconfigured: secret field ${field} ${problem}.`, cause);

const requireString = (
  raw: Record<string, unknown>,
  field: string,
  isWellFormed: (value: string) => boolean = () => true,
): string => {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '') throw misconfigured(field, 'is missing');
  if (!isWellFormed(value.trim())) throw misconfigured(field, 'has the wrong format');
  return value.trim();
};

/** What the stack writes into a new secret until an operator sets the real Stripe values. */
export const secretPlaceholder = 'REPLACE_ME';

/** Whether an optional field is left out: absent, or empty. */
const isLeftOut = (value: unknown): boolean => value === undefined || value === null || String(value).trim() === '';

/** Whether the secret leaves `clientId` unset: absent, empty, or the stack's placeholder. */
export const isClientIdUnset = (value: unknown): boolean =>
  isLeftOut(value) || String(value).includes(secretPlaceholder);

/** The shortest platform token secret accepted, current or previous. */
const minPlatformTokenSecretLength = 32;

/** A platform token secret, current or previous, long enough to be an HMAC key; otherwise the field is named. */
const checkedLength = (field: 'platformTokenSecret' | 'previousPlatformTokenSecret', value: string): string => {
  if (value.length < minPlatformTokenSecretLength)
    throw misconfigured(field, `is shorter than ${minPlatformTokenSecretLength} characters`);
  return value;
};

/**
 * `previousPlatformTokenSecret`, set only while the platform token secret is rolled; left out or empty, none.
 * One that is set must be as long as a current one, and not the current one (a roll that forgot to change
 * `platformTokenSecret`). The stack never writes it: a placeholder there is refused as in the other fields.
 */
const previousPlatformTokenSecret = (raw: Record<string, unknown>, current: string): string | undefined => {
  if (isLeftOut(raw.previousPlatformTokenSecret)) return undefined;
  const previous = checkedLength('previousPlatformTokenSecret', requireString(raw, 'previousPlatformTokenSecret'));
  if (previous === current)
    throw misconfigured(
      'previousPlatformTokenSecret',
      'is the same as platformTokenSecret: set the new value as platformTokenSecret',
    );
  return previous;
};

/**
 * Validates the secret's fields, naming the first one that is missing, malformed or still a placeholder.
 * `clientId` may be left unset (see {@link PlatformSecrets.clientId}), and so may `previousPlatformTokenSecret`
 * (see {@link PlatformTokenSecrets}); one that is set must be well formed.
 */
export const parsePlatformSecrets = (raw: Record<string, unknown>): PlatformSecrets => {
  for (const field of ['secretKey', 'webhookSecrets', 'previousPlatformTokenSecret'] as const) {
    if (String(raw[field] ?? '').includes(secretPlaceholder)) {
      throw misconfigured(
        field,
        `is still the placeholder the stack created (${secretPlaceholder}): set the real value`,
      );
    }
  }
  const webhookSecrets = webhookSecretList(raw.webhookSecrets);
  if (webhookSecrets.length === 0) throw misconfigured('webhookSecrets', 'is missing');
  if (!webhookSecrets.every(isWebhookSecret)) {
    throw misconfigured('webhookSecrets', 'has the wrong format');
  }
  const platformTokenSecret = checkedLength('platformTokenSecret', requireString(raw, 'platformTokenSecret'));
  return {
    secretKey: requireString(raw, 'secretKey', isSecretKey),
    clientId: isClientIdUnset(raw.clientId) ? undefined : requireString(raw, 'clientId', isClientId),
    webhookSecrets,
    platformTokenSecret,
    previousPlatformTokenSecret: previousPlatformTokenSecret(raw, platformTokenSecret),
  };
};

/**
 * The client ID, for the routes of Connect OAuth: a deployment whose secret leaves it unset answers them
 * with a configuration error that says so (and onboards through Account Links all the same).
 */
export const oauthClientId = ({ clientId }: Pick<PlatformSecrets, 'clientId'>): string => {
  if (clientId === undefined) {
    throw misconfigured(
      'clientId',
      `is not set, and Connect OAuth needs the platform client ID (ca_…); onboarding through /connect/onboard does not`,
    );
  }
  return clientId;
};

/**
 * Local runs: the same fields from STRIPE_SECRET_KEY, STRIPE_CLIENT_ID, STRIPE_WEBHOOK_SECRETS, PLATFORM_TOKEN_SECRET
 * and PREVIOUS_PLATFORM_TOKEN_SECRET.
 */
export const environmentSecrets = (env: Readonly<Record<string, string | undefined>>): SecretsProvider => ({
  get: async () =>
    parsePlatformSecrets({
      secretKey: env.STRIPE_SECRET_KEY,
      clientId: env.STRIPE_CLIENT_ID,
      webhookSecrets: env.STRIPE_WEBHOOK_SECRETS,
      platformTokenSecret: env.PLATFORM_TOKEN_SECRET,
      previousPlatformTokenSecret: env.PREVIOUS_PLATFORM_TOKEN_SECRET,
    }),
});

export interface SecretsManagerSourceOptions {
  readonly client: Pick<SecretsManagerClient, 'send'>;
  readonly secretId: string;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export const secretsManagerSecrets = ({
  client,
  secretId,
  ttlMs = 5 * 60_000,
  now = Date.now,
}: SecretsManagerSourceOptions): SecretsProvider => {
  let cached: { value: PlatformSecrets; fetchedAt: number } | undefined;
  let inflight: Promise<PlatformSecrets> | undefined;

  const fetchSecrets = async (): Promise<PlatformSecrets> => {
    let text: string | undefined;
    try {
      text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw new SecretsUnavailableError(error);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text ?? '');
    } catch {
      // Not kept as the cause: V8's message quotes the text around the mistake, which is the secret's.
      throw misconfigured('(all)', 'is not a JSON object');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw misconfigured('(all)', 'is not a JSON object');
    const value = parsePlatformSecrets(raw as Record<string, unknown>);
    cached = { value, fetchedAt: now() };
    return value;
  };

  return {
    get: async () => {
      if (cached && now() - cached.fetchedAt < ttlMs) return cached.value;
      inflight ??= fetchSecrets().finally(() => {
        inflight = undefined;
      });
      try {
        return await inflight;
      } catch (error) {
        if (cached && error instanceof SecretsUnavailableError) return cached.value;
        throw error;
      }
    },
  };
};
