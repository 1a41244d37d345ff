/**
 * `npm start`: the whole service on this machine in one process tree — the embedded DynamoDB,
 * the Stripe emulator and the local gateway serving the real handlers. Ctrl-C stops it cleanly, and
 * no exit (signal, crash, failed start) leaves DynamoDB Local's Java process behind (supervisor.ts).
 * `--in-memory` keeps no data between runs (otherwise DynamoDB data lives under .data/).
 * `--stripe=test` talks to real Stripe in test mode with your own keys instead of the emulator.
 */
import { startStripeEmulator } from '../emulator';
import { maxTokenLifetimeSeconds, mintPlatformToken } from '../shared/platform-token';
import { callbackPath } from '../shared/routes';
import { isClientIdUnset } from '../shared/secrets';
import { localTableName } from '../shared/tables';
import { localDefaults } from './defaults';
import { defaultDemoUser } from './demo/serve-demo';
import { ensureTables, startEmbeddedDynamoDb } from './dynamodb';
import { applyLocalEnvironment, localEmulatorOptions, localEnvironment } from './environment';
import { startGateway } from './gateway';
import { serveLocalPages } from './local-pages';
import { askForWebhookSecret, StripeModeError, stripeListenCommand, stripeModeFrom } from './stripe-mode';
import { superviseProcess } from './supervisor';

const numberFrom = (value: string | undefined, fallback: number): number => (value ? Number(value) : fallback);

const main = async (): Promise<void> => {
  // The AWS SDK warns about Node 20 on every client; the deployed runtime is Node 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const inMemory = process.argv.includes('--in-memory');
  const port = numberFrom(process.env.PORT, localDefaults.gatewayPort);
  const emulatorPort = numberFrom(process.env.STRIPE_EMULATOR_PORT, localDefaults.emulatorPort);
  const gatewayUrl = `http://localhost:${port}`;
  const listen = stripeListenCommand(gatewayUrl);
  const mode = stripeModeFrom(process.argv.slice(2), process.env);
  if (mode.stripe === 'test') {
    // Not the emulator's made-up client id: without one of the platform's, the OAuth routes say it is missing.
    process.env.STRIPE_CLIENT_ID = mode.clientId ?? '';
    process.env.STRIPE_WEBHOOK_SECRETS =
      mode.webhookSecrets ?? (await askForWebhookSecret(process.stdin, process.stdout, listen));
  }
  const supervisor = superviseProcess('npm start');

  const dynamoDb = await startEmbeddedDynamoDb({
    port: numberFrom(process.env.DYNAMODB_PORT, 0),
    ...(inMemory ? {} : { dataDir: '.data/dynamodb' }),
  });
  supervisor.onStop(() => dynamoDb.close());
  await ensureTables(dynamoDb.endpoint, localTableName);
  const emulator =
    mode.stripe === 'test'
      ? undefined
      : await startStripeEmulator(localEmulatorOptions({ gatewayUrl, port: emulatorPort }));
  if (emulator) supervisor.onStop(() => emulator.close());
  const environment = localEnvironment({
    gatewayUrl,
    emulatorUrl: emulator?.url,
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: localTableName,
  });
  applyLocalEnvironment(environment);
  const gateway = await startGateway({ port, hostname: process.env.HOST ?? '127.0.0.1', localPages: serveLocalPages });
  supervisor.onStop(() => gateway.close());

  const ticket = await mintPlatformToken(
    defaultDemoUser,
    environment.PLATFORM_TOKEN_SECRET ?? '',
    maxTokenLifetimeSeconds,
  );
  const withOAuth = !isClientIdUnset(environment.STRIPE_CLIENT_ID);
  process.stdout.write(
    [
      '',
      'connect-onboarding is running locally',
      `  gateway         ${gatewayUrl}  (demo platform page: ${gatewayUrl}/)`,
      emulator
        ? `  stripe emulator ${emulator.url}`
        : `  stripe          api.stripe.com, TEST MODE, with your STRIPE_SECRET_KEY${withOAuth ? ' and STRIPE_CLIENT_ID' : ''}`,
      `  dynamodb        ${dynamoDb.endpoint}  (${dynamoDb.engine}${inMemory ? ', in memory' : ', data in .data/dynamodb'})`,
      '',
      ...(emulator
        ? [
            'local secrets (never used in AWS):',
            `  STRIPE_SECRET_KEY=${environment.STRIPE_SECRET_KEY}`,
            `  STRIPE_CLIENT_ID=${environment.STRIPE_CLIENT_ID}`,
            `  STRIPE_WEBHOOK_SECRETS=${environment.STRIPE_WEBHOOK_SECRETS}`,
            `  PLATFORM_TOKEN_SECRET=${environment.PLATFORM_TOKEN_SECRET}`,
            ...(environment.PREVIOUS_PLATFORM_TOKEN_SECRET
              ? [`  PREVIOUS_PLATFORM_TOKEN_SECRET=${environment.PREVIOUS_PLATFORM_TOKEN_SECRET}`]
              : []),
          ]
        : [
            'real Stripe, test mode:',
            `  events:   keep \`${listen}\` running`,
            withOAuth
              ? `  redirect: register ${gatewayUrl}${callbackPath} in the test-mode Dashboard (Connect → Onboarding options → OAuth)`
              : '  oauth:    off without STRIPE_CLIENT_ID (its routes answer 503 configuration_error); onboarding works',
          ]),
      '',
      'try it:',
      `  open ${gatewayUrl}/   the demo platform: Connect buttons, your accounts, Express dashboard, Disconnect`,
      '',
      `or by hand (a platform token for ${defaultDemoUser}, valid ${maxTokenLifetimeSeconds / 60} minutes):`,
      `  open ${gatewayUrl}/connect/onboard?type=express&ticket=${ticket}`,
      ...(withOAuth ? [`  open ${gatewayUrl}/connect/authorize?type=standard&ticket=${ticket}`] : []),
      `  curl -H "Authorization: Bearer ${ticket}" ${gatewayUrl}/accounts`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
};

main().catch((error: unknown) => {
  if (error instanceof StripeModeError) process.stderr.write(`npm start: ${error.message}\n`);
  else process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
