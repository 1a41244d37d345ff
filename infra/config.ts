/**
 * The stack's settings: typed props with defaults, and how each is read from CDK context, so an
 * operator can configure a deployment without editing code:
 *
 *   npx cdk deploy -c successUrl=https://platform.example/connected \
 *     -c failureUrl=https://platform.example/connect-failed \
 *     -c returnToOrigins=https://platform.example,https://app.platform.example \
 *     -c secretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe-AbCdEf
 *
 * Context names equal the prop names. `-c` values are strings: numbers and booleans are parsed,
 * `returnToOrigins` is comma-separated (or a JSON array when set in cdk.json).
 */
import type { Node } from 'constructs';

/**
 * What the webhook does with an event of the other mode (test/live) than the deployment: acknowledge and
 * ignore it (so Stripe stops retrying), or refuse it with a 400. The callback always refuses a token of the
 * other mode.
 */
export type LivemodeMismatch = 'ignore' | 'reject';

/** Props of {@link ConnectOnboardingStack}; every one is optional. */
export interface ConnectOnboardingSettings {
  /** Import this Secrets Manager secret (complete or partial ARN) instead of creating one. */
  readonly secretArn?: string;
  /** Where the browser lands after a successful connection. */
  readonly successUrl?: string;
  /** Where the browser lands after a failed or cancelled connection (`?error=...` is appended). */
  readonly failureUrl?: string;
  /** Origins a `return_to` may point at; empty allows none. */
  readonly returnToOrigins?: readonly string[];
  /** Lifetime of an OAuth state. Default 600. */
  readonly stateTtlSeconds?: number;
  /**
   * The `redirect_uri` sent to Stripe; default `${api.apiEndpoint}/connect/callback`. Override it when a
   * custom domain fronts the API, and then send browsers to authorize on that same host: the state
   * cookie is host-only (`__Host-`).
   */
  readonly callbackUrl?: string;
  /** Maximum age of a webhook's signed timestamp. Default 300 (Stripe's own default). */
  readonly webhookToleranceSeconds?: number;
  /** Default 'ignore'. */
  readonly livemodeMismatch?: LivemodeMismatch;
  /** Publish account.connected / account.updated / account.deauthorized to this EventBridge bus. Default: off. */
  readonly eventBusArn?: string;
  /** Retain every table on delete, not only those marked `retain` (accounts). Default false. */
  readonly retainData?: boolean;
  /** `LOG_LEVEL` of every function. Default 'INFO'. */
  readonly logLevel?: string;
  /** Default stage throttling (requests per second, steady state). Default 50. */
  readonly throttleRateLimit?: number;
  /** Default stage throttling (burst). Default 100. */
  readonly throttleBurstLimit?: number;
}

/** Settings with every default filled in. */
export type ResolvedSettings = Required<Omit<ConnectOnboardingSettings, 'secretArn' | 'callbackUrl' | 'eventBusArn'>> &
  Pick<ConnectOnboardingSettings, 'secretArn' | 'callbackUrl' | 'eventBusArn'>;

/** Placeholders, flagged by a synth warning: a real deployment sets its own pages. */
export const placeholderUrls = {
  successUrl: 'https://example.com/connect/success',
  failureUrl: 'https://example.com/connect/failure',
} as const;

/** Fills in defaults and checks values, so a typo fails at synth rather than in a live OAuth flow. */
export const resolveSettings = (props: ConnectOnboardingSettings): ResolvedSettings => {
  const settings: ResolvedSettings = {
    ...props,
    successUrl: props.successUrl ?? placeholderUrls.successUrl,
    failureUrl: props.failureUrl ?? placeholderUrls.failureUrl,
    returnToOrigins: props.returnToOrigins ?? [],
    stateTtlSeconds: props.stateTtlSeconds ?? 600,
    webhookToleranceSeconds: props.webhookToleranceSeconds ?? 300,
    livemodeMismatch: props.livemodeMismatch ?? 'ignore',
    retainData: props.retainData ?? false,
    logLevel: props.logLevel ?? 'INFO',
    throttleRateLimit: props.throttleRateLimit ?? 50,
    throttleBurstLimit: props.throttleBurstLimit ?? 100,
  };
  if (!['ignore', 'reject'].includes(settings.livemodeMismatch)) {
    throw new Error(`livemodeMismatch must be 'ignore' or 'reject', got '${settings.livemodeMismatch}'`);
  }
  for (const key of ['stateTtlSeconds', 'webhookToleranceSeconds', 'throttleRateLimit', 'throttleBurstLimit'] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] <= 0) throw new Error(`${key} must be a positive integer`);
  }
  for (const origin of settings.returnToOrigins) {
    // The functions compare origins exactly, so a path or trailing slash here would never match.
    if (new URL(origin).origin !== origin) throw new Error(`returnToOrigins: '${origin}' is not a bare origin`);
  }
  return settings;
};

const asNumber = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
const asBoolean = (value: unknown): boolean | undefined =>
  value === undefined ? undefined : value === true || value === 'true';
const asList = (value: unknown): string[] | undefined => {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((item) => item.trim()).filter((item) => item !== '');
};
const asString = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));

/** Reads the settings from CDK context (`-c name=value` or cdk.json `context`). */
export const settingsFromContext = (node: Node): ConnectOnboardingSettings => {
  const get = (name: keyof ConnectOnboardingSettings): unknown => node.tryGetContext(name);
  return {
    secretArn: asString(get('secretArn')),
    successUrl: asString(get('successUrl')),
    failureUrl: asString(get('failureUrl')),
    returnToOrigins: asList(get('returnToOrigins')),
    stateTtlSeconds: asNumber(get('stateTtlSeconds')),
    callbackUrl: asString(get('callbackUrl')),
    eventBusArn: asString(get('eventBusArn')),
    webhookToleranceSeconds: asNumber(get('webhookToleranceSeconds')),
    livemodeMismatch: asString(get('livemodeMismatch')) as LivemodeMismatch | undefined,
    retainData: asBoolean(get('retainData')),
    logLevel: asString(get('logLevel')),
    throttleRateLimit: asNumber(get('throttleRateLimit')),
    throttleBurstLimit: asNumber(get('throttleBurstLimit')),
  };
};
