/**
 * `npm run stripe:setup`: points a Stripe account at a deployed stack, idempotently.
 *
 * - Creates the Connect webhook endpoint (`connect: true`, the event types the webhook function
 *   handles, the API version the service pins), or updates the one already at that URL.
 * - Merges the platform's values into the stack's Secrets Manager secret: `secretKey`,
 *   `clientId` when given, and the endpoint's signing secret (Stripe shows it only on create).
 *   Fields it does not own (`platformTokenSecret`, anything else) are kept as they are.
 * - Prints the OAuth redirect URI to register in the Dashboard: Stripe's API cannot register it.
 *
 * `--dry-run` reads and prints the plan, and writes nothing. docs/deploy.md has the walkthrough.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type Stripe from 'stripe';
import { callbackPath, webhookPath } from '../shared/routes';
import { secretPlaceholder } from '../shared/secrets';
import { stripeApiVersion } from '../shared/stripe/api-version';
import { createStripeClient } from '../shared/stripe/client';
import { isClientId, isSecretKey, isWebhookSecret, webhookSecretList } from '../shared/stripe/mode';
import { handledEventTypes } from '../shared/webhooks/event-types';

/** A problem the operator can fix: printed as it is, without a stack trace. */
export class SetupError extends Error {}

export interface SetupOptions {
  readonly secretKey: string;
  readonly clientId?: string | undefined;
  readonly webhookUrl: string;
  readonly redirectUri: string;
  readonly secretId: string;
  readonly dryRun: boolean;
  /** Another Stripe server (the local emulator in tests). */
  readonly stripeApiBase?: URL | undefined;
  /** Another Secrets Manager endpoint; the SDK also reads AWS_ENDPOINT_URL_SECRETS_MANAGER itself. */
  readonly secretsEndpoint?: string | undefined;
}

/**
 * Marks the endpoints this script manages. Stripe shows a Connect endpoint only by its `application` (the
 * platform's client id; null on an endpoint for the platform's own events), not who made it or why.
 */
export const managedBy = { managed_by: 'connect-onboarding' } as const;
const endpointDescription = 'connect-onboarding: events of connected accounts';

const usage = `usage: STRIPE_SECRET_KEY=sk_... npm run stripe:setup -- (--outputs cdk-outputs.json [--stack NAME] | --api-url URL --secret-id ID)
       [--client-id ca_...] [--dry-run] [--secrets-endpoint URL] [--stripe-api-base URL]`;

const optionSpec = {
  outputs: { type: 'string' },
  stack: { type: 'string' },
  'api-url': { type: 'string' },
  'secret-id': { type: 'string' },
  'client-id': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'secrets-endpoint': { type: 'string' },
  'stripe-api-base': { type: 'string' },
} as const;

const parseOptions = (argv: readonly string[]) => {
  try {
    return parseArgs({ args: [...argv], options: optionSpec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new SetupError(`${(error as Error).message}\n${usage}`);
  }
};

const absoluteUrl = (name: string, value: string): URL => {
  if (!URL.canParse(value)) throw new SetupError(`${name} '${value}' is not an absolute URL`);
  return new URL(value);
};

/** The values `cdk deploy --outputs-file` wrote for one stack. */
const stackOutputs = (file: string, stack: string | undefined): Record<string, string> => {
  let all: Record<string, Record<string, string>>;
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SetupError(`cannot read the stack outputs in ${file}: ${(error as Error).message}`);
  }
  const names = Object.keys(all);
  const name = stack ?? (names.length === 1 ? names[0] : undefined);
  const outputs = name === undefined ? undefined : all[name];
  if (!outputs) {
    throw new SetupError(
      `${file} has the outputs of ${names.join(', ') || 'no stack'}: pass --stack with the one to set up`,
    );
  }
  return outputs;
};

/** Options from the command line and the environment; throws a SetupError a person can act on. */
export const parseSetupArgs = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SetupOptions => {
  const args = parseOptions(argv);
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  if (!secretKey) throw new SetupError(`STRIPE_SECRET_KEY is not set: the platform's secret key is required\n${usage}`);
  if (!isSecretKey(secretKey)) {
    throw new SetupError('STRIPE_SECRET_KEY is not a Stripe secret key (sk_test_, sk_live_, rk_test_ or rk_live_)');
  }
  const clientId = args['client-id'] ?? env.STRIPE_CLIENT_ID;
  if (clientId !== undefined && !isClientId(clientId))
    throw new SetupError(`client id '${clientId}' does not start with ca_`);

  const outputsFile = args.outputs;
  const outputs = outputsFile ? stackOutputs(outputsFile, args.stack) : {};
  const apiUrl = args['api-url'] ?? outputs.ApiUrl;
  const base = apiUrl === undefined ? undefined : absoluteUrl('--api-url', apiUrl).href.replace(/\/$/, '');
  const webhookUrl = outputs.WebhookUrl ?? (base && `${base}${webhookPath}`);
  const redirectUri = outputs.CallbackUrl ?? (base && `${base}${callbackPath}`);
  const secretId = args['secret-id'] ?? outputs.SecretArn;
  if (!webhookUrl || !redirectUri)
    throw new SetupError(`the stack's URL is missing: pass --outputs or --api-url\n${usage}`);
  if (!secretId) throw new SetupError(`the secret is missing: pass --outputs or --secret-id\n${usage}`);
  absoluteUrl('webhook URL', webhookUrl);

  const stripeApiBase = args['stripe-api-base'];
  return {
    secretKey,
    clientId,
    webhookUrl,
    redirectUri,
    secretId,
    dryRun: args['dry-run'],
    stripeApiBase: stripeApiBase === undefined ? undefined : absoluteUrl('--stripe-api-base', stripeApiBase),
    secretsEndpoint: args['secrets-endpoint'],
  };
};

export type EndpointAction = 'created' | 'updated' | 'unchanged';

export interface SetupReport {
  readonly endpoint: { readonly action: EndpointAction; readonly id: string | undefined };
  /** The secret's fields this run set (or would set, in a dry run). */
  readonly secretFields: readonly string[];
  readonly redirectUri: string;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** The one endpoint at `url`, through every page of the list. */
const endpointAt = async (stripe: Stripe, url: string): Promise<Stripe.WebhookEndpoint | undefined> => {
  const found: Stripe.WebhookEndpoint[] = [];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) found.push(endpoint);
  }
  if (found.length > 1) {
    throw new SetupError(
      `${found.length} webhook endpoints have the URL ${url} (${found.map((e) => e.id).join(', ')}): ` +
        'each event would arrive once per endpoint. Delete all but one in the Dashboard, then run again.',
    );
  }
  return found[0];
};

/** What must change on an existing endpoint, or a SetupError when it cannot be changed through the API. */
const endpointChanges = (endpoint: Stripe.WebhookEndpoint): Stripe.WebhookEndpointUpdateParams => {
  if (endpoint.metadata.managed_by !== managedBy.managed_by) {
    const notConnect =
      endpoint.application === null ? " and is not a Connect endpoint (it receives no connected account's events)" : '';
    throw new SetupError(
      `webhook endpoint ${endpoint.id} at ${endpoint.url} was not created by this script${notConnect}: ` +
        'delete it in the Dashboard and run again to create one.',
    );
  }
  if (endpoint.api_version !== stripeApiVersion) {
    throw new SetupError(
      `webhook endpoint ${endpoint.id} sends events in API version ${endpoint.api_version ?? "the account's default"}, ` +
        `the service reads ${stripeApiVersion}; Stripe cannot change an endpoint's version: delete it in the ` +
        'Dashboard and run again to create one (then redeploy nothing: the new signing secret goes into the secret).',
    );
  }
  const wanted = [...handledEventTypes];
  return {
    ...(sameSet(endpoint.enabled_events, wanted) ? {} : { enabled_events: wanted }),
    ...(endpoint.status === 'enabled' ? {} : { disabled: false }),
    ...(endpoint.description === endpointDescription ? {} : { description: endpointDescription }),
  };
};

const readSecret = async (client: Pick<SecretsManagerClient, 'send'>, secretId: string) => {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new SetupError(`cannot read the secret ${secretId}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SetupError(`the secret ${secretId} is not a JSON object: fix it by hand before running this`);
  }
  return value as Record<string, unknown>;
};

/** `webhookSecrets` with the new signing secret first; placeholders dropped, other secrets kept (a rotation). */
const withSigningSecret = (current: unknown, secret: string): string =>
  [secret, ...webhookSecretList(current)]
    .filter(
      (item, index, all) => isWebhookSecret(item) && !item.includes(secretPlaceholder) && all.indexOf(item) === index,
    )
    .join(',');

const hasSigningSecret = (current: unknown): boolean =>
  webhookSecretList(current).some((item) => isWebhookSecret(item) && !item.includes(secretPlaceholder));

export interface SetupClients {
  readonly stripe: Stripe;
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
}

export const clientsFor = (options: SetupOptions): SetupClients => {
  const arnRegion = /^arn:[\w-]+:secretsmanager:([\w-]+):/.exec(options.secretId)?.[1];
  return {
    stripe: createStripeClient(options.secretKey, { apiBase: options.stripeApiBase, timeoutMs: 20_000 }),
    secrets: new SecretsManagerClient({
      ...(options.secretsEndpoint ? { endpoint: options.secretsEndpoint } : {}),
      ...(!process.env.AWS_REGION && arnRegion ? { region: arnRegion } : {}),
    }),
  };
};

/** Does the work (or, in a dry run, only says what it would do). */
export const stripeSetup = async (
  options: SetupOptions,
  { stripe, secrets }: SetupClients,
  print: (line: string) => void,
): Promise<SetupReport> => {
  const would = options.dryRun ? 'would ' : '';
  const secret = await readSecret(secrets, options.secretId);
  const existing = await endpointAt(stripe, options.webhookUrl);

  let action: EndpointAction;
  let endpointId = existing?.id;
  let signingSecret: string | undefined;
  if (!existing) {
    action = 'created';
    print(
      `webhook endpoint: ${would}create ${options.webhookUrl} (Connect, API version ${stripeApiVersion}, ` +
        `events ${handledEventTypes.join(', ')})`,
    );
    if (!options.dryRun) {
      const created = await stripe.webhookEndpoints.create({
        url: options.webhookUrl,
        connect: true,
        api_version: stripeApiVersion,
        enabled_events: [...handledEventTypes],
        description: endpointDescription,
        metadata: { ...managedBy },
      });
      endpointId = created.id;
      signingSecret = created.secret;
      if (!signingSecret) throw new SetupError(`Stripe created ${created.id} but did not return its signing secret`);
      print(`webhook endpoint: created ${created.id}`);
    }
  } else {
    const changes = endpointChanges(existing);
    action = Object.keys(changes).length > 0 ? 'updated' : 'unchanged';
    if (action === 'unchanged') print(`webhook endpoint: ${existing.id} at ${existing.url} is up to date`);
    else {
      print(`webhook endpoint: ${would}update ${existing.id} (${Object.keys(changes).join(', ')})`);
      if (!options.dryRun) await stripe.webhookEndpoints.update(existing.id, changes);
    }
    if (!hasSigningSecret(secret.webhookSecrets)) {
      throw new SetupError(
        `the secret has no signing secret for ${existing.id}, and Stripe shows it only when an endpoint is ` +
          `created: copy it from the Dashboard (Developers → Webhooks → ${existing.id} → Signing secret) into ` +
          'the webhookSecrets field, or delete the endpoint and run again.',
      );
    }
  }

  const wanted: Record<string, string> = {
    secretKey: options.secretKey,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(action === 'created'
      ? { webhookSecrets: withSigningSecret(secret.webhookSecrets, signingSecret ?? 'whsec_(new)') }
      : {}),
  };
  const secretFields = Object.keys(wanted).filter((field) => secret[field] !== wanted[field]);
  if (secretFields.length === 0) print(`secret ${options.secretId}: up to date`);
  else {
    print(`secret ${options.secretId}: ${would}set ${secretFields.join(', ')} (other fields kept)`);
    if (!options.dryRun) {
      const merged = { ...secret, ...Object.fromEntries(secretFields.map((field) => [field, wanted[field]])) };
      await secrets.send(
        new PutSecretValueCommand({ SecretId: options.secretId, SecretString: JSON.stringify(merged) }),
      );
    }
  }
  if (!options.clientId && String(secret.clientId ?? '').includes(secretPlaceholder)) {
    print(
      'note: clientId is still the placeholder, so Connect OAuth answers 503 until you pass --client-id ca_... (Dashboard → Settings → Connect → Onboarding options → OAuth); onboarding through /connect/onboard needs none',
    );
  }
  print('');
  print('Register this redirect URI in the Dashboard (Settings → Connect → Onboarding options → OAuth → Redirects);');
  print(`Stripe's API cannot do it: ${options.redirectUri}`);
  return { endpoint: { action, id: endpointId }, secretFields, redirectUri: options.redirectUri };
};

/** The command: parses, runs, prints; 0 on success, 1 with a plain message otherwise. */
export const main = async (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  fail: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> => {
  try {
    const options = parseSetupArgs(argv, env);
    await stripeSetup(options, clientsFor(options), print);
    return 0;
  } catch (error) {
    const stripeError = (error as { type?: unknown }).type;
    const known = error instanceof SetupError || (typeof stripeError === 'string' && stripeError.startsWith('Stripe'));
    fail(`stripe:setup: ${known ? (error as Error).message : String((error as Error).stack ?? error)}`);
    return 1;
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
