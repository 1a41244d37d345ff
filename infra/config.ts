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
 * `returnToOrigins` is comma-separated (or a JSON array when set in cdk.json), `tags` is
 * `key=value,key=value` (or a JSON object in cdk.json).
 */
import type { Node } from 'constructs';
import {
  type ExpressFeesPayer,
  type ExpressLossesPayer,
  expressControllerProblem,
  expressFeesPayers,
  expressLossesPayers,
  type LivemodeMismatchPolicy,
  livemodeMismatchPolicies,
  mustBeOneOf,
  pageUrlProblem,
  positiveIntegerProblem,
  returnToEntryProblem,
  settingDefaults,
  stateTtlProblem,
} from '../shared/config';
import { defaultLogLevel } from '../shared/logger';
import type { LogLevelName } from '../shared/observability/log-line';
import { isOneOf } from '../shared/one-of';

/**
 * What the webhook does with an event of the other mode (test/live) than the deployment: acknowledge and
 * ignore it (so Stripe stops retrying), or refuse it with a 400. The callback always refuses a token of the
 * other mode.
 */
export type LivemodeMismatch = LivemodeMismatchPolicy;

/** Props of {@link ConnectOnboardingStack}; every one is optional. */
export interface ConnectOnboardingSettings {
  /** Import this Secrets Manager secret (complete or partial ARN) instead of creating one. */
  readonly secretArn?: string;
  /** Where the browser lands after a successful connection. */
  readonly successUrl?: string;
  /** Where the browser lands after a failed or cancelled connection (`?error=...` is appended). */
  readonly failureUrl?: string;
  /** Where a `return_to` may point: origins, or origins with a path (the landing pages); empty allows none. */
  readonly returnToOrigins?: readonly string[];
  /** Lifetime of an OAuth state and its cookie, at most 3600. Default 600. */
  readonly stateTtlSeconds?: number;
  /**
   * The `redirect_uri` sent to Stripe; default the API's base URL + `/connect/callback`, which is the custom
   * domain's when `domainName` is set. Override it only when another host fronts the API, and then send
   * browsers to authorize on that same host: the state cookie is host-only (`__Host-`).
   */
  readonly callbackUrl?: string;
  /** Maximum age of a webhook's signed timestamp. Default 300 (Stripe's own default). */
  readonly webhookToleranceSeconds?: number;
  /** Default 'ignore'. */
  readonly livemodeMismatch?: LivemodeMismatch;
  /**
   * Who pays Stripe's fees for the Express accounts onboarding creates: 'application' (the platform, which
   * sets their pricing; default) or 'account' (Stripe's pricing, which needs `expressLosses: 'stripe'`).
   */
  readonly expressFeesPayer?: ExpressFeesPayer;
  /** Who carries those accounts' negative balances: 'application' (the platform; default) or 'stripe'. */
  readonly expressLosses?: ExpressLossesPayer;
  /** Publish account.connected / account.updated / account.deauthorized to this EventBridge bus. Default: off. */
  readonly eventBusArn?: string;
  /** Retain every table on delete, not only those marked `retain` (accounts). Default false. */
  readonly retainData?: boolean;
  /**
   * `LOG_LEVEL` of every function: DEBUG, INFO or WARN. Default 'INFO'. ERROR is refused: it would
   * hide the WARN lines the webhook signature alarm counts.
   */
  readonly logLevel?: string;
  /** Default stage throttling (requests per second, steady state). Default 50. */
  readonly throttleRateLimit?: number;
  /** Default stage throttling (burst). Default 100. */
  readonly throttleBurstLimit?: number;
  /**
   * Name of the API stage. Default `$default`, served at the root of the API URL; any other name
   * becomes a path prefix of the execute-api URL (`/<stageName>/connect/...`), but not of a custom domain.
   */
  readonly stageName?: string;
  /** A custom domain for the API, e.g. `connect.platform.example`; needs `certificateArn`. */
  readonly domainName?: string;
  /** ACM certificate for `domainName`, in the stack's region (a regional API endpoint). */
  readonly certificateArn?: string;
  /** SNS topic every alarm notifies (on ALARM and back to OK). Default: alarms without actions. */
  readonly alarmTopicArn?: string;
  /** Tags for the stack, which CloudFormation copies to every resource; `service=connect-onboarding` is always set. */
  readonly tags?: { [key: string]: string };
}

/** Settings with every default filled in. */
type OptionalSetting = 'secretArn' | 'callbackUrl' | 'eventBusArn' | 'domainName' | 'certificateArn' | 'alarmTopicArn';
export type ResolvedSettings = Required<Omit<ConnectOnboardingSettings, OptionalSetting>> &
  Pick<ConnectOnboardingSettings, OptionalSetting>;

/** Always among the stack's tags. */
export const serviceTag = { service: 'connect-onboarding' } as const;

/** Placeholders, flagged by a synth warning: a real deployment sets its own pages. */
export const placeholderUrls = {
  successUrl: 'https://example.com/connect/success',
  failureUrl: 'https://example.com/connect/failure',
} as const;

/** The levels a stack may set: the logger's own names, less ERROR and above. */
const logLevels = ['DEBUG', 'INFO', 'WARN'] as const satisfies readonly LogLevelName[];
const parsedUrl = (value: string): URL | undefined => (URL.canParse(value) ? new URL(value) : undefined);

/** Fills in defaults and checks values, so a typo fails at synth rather than in a live OAuth flow. */
export const resolveSettings = (props: ConnectOnboardingSettings): ResolvedSettings => {
  const settings: ResolvedSettings = {
    ...props,
    successUrl: props.successUrl ?? placeholderUrls.successUrl,
    failureUrl: props.failureUrl ?? placeholderUrls.failureUrl,
    returnToOrigins: props.returnToOrigins ?? [],
    stateTtlSeconds: props.stateTtlSeconds ?? settingDefaults.stateTtlSeconds,
    webhookToleranceSeconds: props.webhookToleranceSeconds ?? settingDefaults.webhookToleranceSeconds,
    livemodeMismatch: props.livemodeMismatch ?? settingDefaults.livemodeMismatch,
    expressFeesPayer: props.expressFeesPayer ?? settingDefaults.expressFeesPayer,
    expressLosses: props.expressLosses ?? settingDefaults.expressLosses,
    retainData: props.retainData ?? false,
    logLevel: props.logLevel ?? defaultLogLevel,
    throttleRateLimit: props.throttleRateLimit ?? 50,
    throttleBurstLimit: props.throttleBurstLimit ?? 100,
    stageName: props.stageName ?? '$default',
    tags: { ...props.tags, ...serviceTag },
  };
  // The functions' own rules for the settings they read (shared/config.ts), said here with the prop and its value.
  for (const [key, choices] of [
    ['livemodeMismatch', livemodeMismatchPolicies],
    ['expressFeesPayer', expressFeesPayers],
    ['expressLosses', expressLossesPayers],
  ] as const) {
    if (!isOneOf<string>(choices, settings[key]))
      throw new Error(`${key} ${mustBeOneOf(choices)}, got '${settings[key]}'`);
  }
  const controllerProblem = expressControllerProblem(settings.expressFeesPayer, settings.expressLosses);
  if (controllerProblem) throw new Error(`expressLosses ${controllerProblem}`);
  for (const [key, problem] of [
    ['stateTtlSeconds', stateTtlProblem],
    ['webhookToleranceSeconds', positiveIntegerProblem],
    ['throttleRateLimit', positiveIntegerProblem],
    ['throttleBurstLimit', positiveIntegerProblem],
  ] as const) {
    const found = problem(settings[key]);
    if (found) throw new Error(`${key} ${found}`);
  }
  for (const key of ['successUrl', 'failureUrl', 'callbackUrl'] as const) {
    const value = settings[key];
    const found = value === undefined ? undefined : pageUrlProblem(value);
    if (found) throw new Error(`${key}: '${value}' ${found}`);
  }
  // The stack's own URL: API Gateway answers only HTTPS, and in live mode Stripe redirects to HTTPS only (the
  // OAuth redirect_uri, and the Account Links' refresh and return URLs, which onboarding derives from it).
  if (settings.callbackUrl !== undefined && parsedUrl(settings.callbackUrl)?.protocol !== 'https:')
    throw new Error(
      `callbackUrl: '${settings.callbackUrl}' must be an https URL: this service is reached over HTTPS only`,
    );
  for (const origin of settings.returnToOrigins) {
    // Written as the functions compare it: an origin has no trailing slash, a path no query and nothing `admits` refuses.
    const found = returnToEntryProblem(origin);
    if (found)
      throw new Error(
        `returnToOrigins: '${origin}' ${found} (no query, fragment, credentials or comma, a path a return_to can match, and written as the URL parser writes it: lower-case scheme and host, no default port)`,
      );
  }
  if (!logLevels.includes(settings.logLevel.toUpperCase() as (typeof logLevels)[number])) {
    throw new Error(
      `logLevel must be one of ${logLevels.join(', ')} (ERROR would hide the WARN lines the webhook signature alarm counts), got '${settings.logLevel}'`,
    );
  }
  checkEndpointSettings(settings);
  return settings;
};

const checkEndpointSettings = (settings: ResolvedSettings): void => {
  if (settings.stageName !== '$default' && !/^[A-Za-z0-9_-]{1,128}$/.test(settings.stageName)) {
    throw new Error(
      `stageName: '${settings.stageName}' may only contain letters, digits, '-' and '_' (or be '$default')`,
    );
  }
  if ((settings.domainName === undefined) !== (settings.certificateArn === undefined)) {
    throw new Error('domainName and certificateArn go together: set both or neither');
  }
  if (
    settings.domainName !== undefined &&
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(settings.domainName)
  ) {
    throw new Error(`domainName: '${settings.domainName}' is not a lower-case host name`);
  }
  if (
    settings.certificateArn !== undefined &&
    !/^arn:[\w-]+:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/.test(settings.certificateArn)
  ) {
    throw new Error(`certificateArn: '${settings.certificateArn}' is not an ACM certificate ARN`);
  }
  if (settings.alarmTopicArn !== undefined && !/^arn:[\w-]+:sns:[\w-]+:\d{12}:[\w-]+$/.test(settings.alarmTopicArn)) {
    throw new Error(`alarmTopicArn: '${settings.alarmTopicArn}' is not an SNS topic ARN`);
  }
};

const asNumber = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
const asBoolean = (name: string, value: unknown): boolean | undefined => {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${name} must be true or false, got '${String(value)}'`);
};
const asList = (value: unknown): string[] | undefined => {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
};
const asString = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));
/** `team=payments,env=test` on the command line, or an object in cdk.json. */
const asTags = (value: unknown): Record<string, string> | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
  const pairs = asList(value)?.map((pair) => pair.split('=').map((part) => part.trim())) ?? [];
  for (const pair of pairs)
    if (pair.length !== 2 || pair[0] === '') throw new Error(`tags: '${pair.join('=')}' is not key=value`);
  return Object.fromEntries(pairs);
};

/**
 * How each setting is read from CDK context: one reader per field, so a new setting does not compile until it
 * says how it is read (a forgotten one would ignore its `-c name=…` without a word).
 */
const contextReaders: {
  readonly [K in keyof ConnectOnboardingSettings]-?: (value: unknown) => ConnectOnboardingSettings[K];
} = {
  secretArn: asString,
  successUrl: asString,
  failureUrl: asString,
  returnToOrigins: asList,
  stateTtlSeconds: asNumber,
  callbackUrl: asString,
  eventBusArn: asString,
  webhookToleranceSeconds: asNumber,
  livemodeMismatch: (value) => asString(value) as LivemodeMismatch | undefined,
  expressFeesPayer: (value) => asString(value) as ExpressFeesPayer | undefined,
  expressLosses: (value) => asString(value) as ExpressLossesPayer | undefined,
  retainData: (value) => asBoolean('retainData', value),
  logLevel: asString,
  throttleRateLimit: asNumber,
  throttleBurstLimit: asNumber,
  stageName: asString,
  domainName: asString,
  certificateArn: asString,
  alarmTopicArn: asString,
  tags: asTags,
};

/** Reads the settings from CDK context (`-c name=value` or cdk.json `context`). */
export const settingsFromContext = (node: Node): ConnectOnboardingSettings =>
  Object.fromEntries(
    (Object.entries(contextReaders) as [keyof ConnectOnboardingSettings, (value: unknown) => unknown][]).map(
      ([name, read]) => [name, read(node.tryGetContext(name))],
    ),
  ) as ConnectOnboardingSettings;
