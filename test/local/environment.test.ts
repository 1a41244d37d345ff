import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { localEmulatorOptions, localEnvironment } from '../../local/environment';
import { callbackPath, webhookPath } from '../../shared/routes';

const gatewayUrl = 'http://127.0.0.1:3999';
const both = (env: Record<string, string>) => ({
  functions: localEnvironment({ gatewayUrl, dynamoDbEndpoint: 'http://db', tableName: (name) => name, env }),
  emulator: localEmulatorOptions({ gatewayUrl, port: 0, env }),
});

describe('a local stack: the functions and the emulator agree', () => {
  it('on the credentials an operator exported in the shell, the emulator signing with the first secret', () => {
    const { functions, emulator } = both({
      STRIPE_SECRET_KEY: 'sk_test_exported',
      STRIPE_CLIENT_ID: 'ca_exported',
      STRIPE_WEBHOOK_SECRETS: ' whsec_newest , whsec_older',
    });

    expect(emulator).toMatchObject({ secretKey: functions.STRIPE_SECRET_KEY, clientId: functions.STRIPE_CLIENT_ID });
    expect(functions).toMatchObject({ STRIPE_SECRET_KEY: 'sk_test_exported', STRIPE_CLIENT_ID: 'ca_exported' });
    expect(emulator.webhookEndpoints).toEqual([{ url: `${gatewayUrl}${webhookPath}`, secret: 'whsec_newest' }]);
    expect(emulator.redirectUris).toEqual([functions.CALLBACK_URL]);
    expect(functions.CALLBACK_URL).toBe(`${gatewayUrl}${callbackPath}`);
  });

  it('on the local defaults when nothing is exported', () => {
    const { functions, emulator } = both({});

    expect(emulator).toMatchObject({
      secretKey: localDefaults.stripeSecretKey,
      clientId: localDefaults.stripeClientId,
    });
    expect(functions.STRIPE_WEBHOOK_SECRETS).toBe(localDefaults.webhookSecret);
    expect(emulator.webhookEndpoints?.[0]?.secret).toBe(localDefaults.webhookSecret);
  });
});
