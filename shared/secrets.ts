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
}

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

/** Whether the secret leaves `clientId` unset: absent, empty, or the stack's placeholder. */
export const isClientIdUnset = (value: unknown): boolean =>
  value === undefined || value === null || String(value).trim() === '' || String(value).includes(secretPlaceholder);

/**
 * Validates the secret's fields, naming the first one that is missing, malformed or still a placeholder.
 * `clientId` may be left unset (see {@link PlatformSecrets.clientId}); one that is set must be well formed.
 */
export const parsePlatformSecrets = (raw: Record<string, unknown>): PlatformSecrets => {
  for (const field of ['secretKey', 'webhookSecrets'] as const) {
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
  const platformTokenSecret = requireString(raw, 'platformTokenSecret');
  if (platformTokenSecret.length < 32) throw misconfigured('platformTokenSecret', 'is shorter than 32 characters');
  return {
    secretKey: requireString(raw, 'secretKey', isSecretKey),
    clientId: isClientIdUnset(raw.clientId) ? undefined : requireString(raw, 'clientId', isClientId),
    webhookSecrets,
    platformTokenSecret,
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

/** Local runs: the same fields from STRIPE_SECRET_KEY, STRIPE_CLIENT_ID, STRIPE_WEBHOOK_SECRETS, PLATFORM_TOKEN_SECRET. */
export const environmentSecrets = (env: Readonly<Record<string, string | undefined>>): SecretsProvider => ({
  get: async () =>
    parsePlatformSecrets({
      secretKey: env.STRIPE_SECRET_KEY,
      clientId: env.STRIPE_CLIENT_ID,
      webhookSecrets: env.STRIPE_WEBHOOK_SECRETS,
      platformTokenSecret: env.PLATFORM_TOKEN_SECRET,
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
