/**
 * The tests' local stack never takes credentials from the shell: they sign webhooks and mint tickets with
 * local/defaults.ts, so an operator who exported a real deployment's settings (to try `npm start --
 * --stripe=test`, say) and then runs `npm test` in the same shell gets the same results as CI. Nor the AWS-only
 * variables: with the shell's SECRET_ID the functions would ask a Secrets Manager they cannot reach, and with
 * its EVENT_BUS_NAME publish notices to an EventBridge that is not there. Nor its log and metric settings,
 * which would change the lines the tests read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chooseLogLevel } from '../../shared/logger';
import { defaultNamespace } from '../../shared/metrics';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';
import { callApi, connectAccount } from '../support/platform-api';
import { postSignedEvent } from '../support/webhooks';

const exported = {
  STRIPE_SECRET_KEY: 'sk_test_exportedinthisshell0000000000',
  STRIPE_CLIENT_ID: 'ca_exportedinthisshell0000000000',
  STRIPE_WEBHOOK_SECRETS: 'whsec_exportedinthisshell0000000000',
  PLATFORM_TOKEN_SECRET: 'exported-in-this-shell-0000000000000000000000',
  // Too short to be valid, too: taken from the shell, it would make every function answer 503.
  PREVIOUS_PLATFORM_TOKEN_SECRET: 'exported-in-this-shell',
  SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:exported-in-this-shell',
  EVENT_BUS_NAME: 'arn:aws:events:eu-west-1:111122223333:event-bus/exported-in-this-shell',
  STRIPE_API_BASE: 'http://127.0.0.1:9',
  STRIPE_TIMEOUT_MS: 'a while',
  WEBHOOK_TOLERANCE_SECONDS: 'forever',
  LIVEMODE_MISMATCH: 'shrug',
};
const before = Object.fromEntries(Object.keys(exported).map((name) => [name, process.env[name]]));
Object.assign(process.env, exported);
afterAll(() => {
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const stack = useLocalStack();

describe('the local stack of the tests, started from a shell that exports credentials', () => {
  it("accepts a ticket the tests mint and a webhook they sign, and the emulator's own webhooks", async () => {
    const accountId = await connectAccount(stack, 'standard', 'user_shell');
    const token = await stack.mintTicket('user_shell');

    expect(await callApi(stack, 'GET', `/accounts/${accountId}`, token)).toMatchObject({ status: 200 });
    const event = {
      id: 'evt_shell_1',
      object: 'event',
      type: 'account.updated',
      account: accountId,
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: accountId, object: 'account' } },
    };
    expect((await postSignedEvent(stack, event)).status).toBe(200);
    await stack.emulator.webhooksIdle(10_000);
    expect(stack.emulator.deliveries()).not.toHaveLength(0);
    // With the shell's EVENT_BUS_NAME the functions would publish (here: fail to publish, logged as an error).
    expect(capturedServiceLines().filter((line) => line.startsWith('{"level":"ERROR"'))).toEqual([]);
    expect(stack.emulator.deliveries().map((delivery) => delivery.status)).not.toContain(400);
  });

  it('logs at DEBUG with metrics on, whatever log and metric settings the shell exports (vitest.config.ts)', () => {
    expect(chooseLogLevel(undefined).level).toBe('DEBUG');
    expect(process.env.POWERTOOLS_METRICS_DISABLED ?? '').toBe('');
    expect(process.env.POWERTOOLS_METRICS_NAMESPACE || defaultNamespace).toBe(defaultNamespace);
  });
});
