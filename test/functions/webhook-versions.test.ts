/**
 * Events rendered in another API version than the one the service pins: a webhook endpoint created with
 * an old version (here 2017-04-06, when Connect events still named their account `user_id`) keeps working,
 * and every such event whose object is read as a snapshot is logged and counted so that the operator
 * recreates the endpoint. `account.application.*` events carry the account's own version (Stripe's doing)
 * and are neither.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import { apiVersionMismatchMessage } from '../../shared/webhooks/log-messages';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';
import { connectAccount, platformStripe } from '../support/platform-api';

const stack = useLocalStack({ webhookApiVersion: '2017-04-06' });
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  db = createDocumentClient();
});

const readAccount = async (accountId: string) =>
  (await db.send(new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }))).Item;

/** Waits until the stored account satisfies `done`. */
const until = async (accountId: string, done: (item: Record<string, unknown> | undefined) => boolean) => {
  for (let tries = 0; tries < 200; tries += 1) {
    const item = await readAccount(accountId);
    if (done(item)) return item;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${accountId} never reached the expected state`);
};

const connect = (user: string): Promise<string> => connectAccount(stack, 'standard', user);

const stripe = () => platformStripe(stack);

const serviceLines = (from: number) =>
  capturedServiceLines()
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('POST /webhooks/stripe > an endpoint on API version 2017-04-06', () => {
  it('reads `user_id` as the account: the connection is refreshed and the deauthorization applied', async () => {
    const from = capturedServiceLines().length;
    const accountId = await connect('user_legacy');
    const refreshed = await until(accountId, (item) => item?.stripeStateAt !== undefined);

    await stripe().oauth.deauthorize({ client_id: localDefaults.stripeClientId, stripe_user_id: accountId });
    const deauthorized = await until(accountId, (item) => item?.status === 'deauthorized');

    // The record changes before our answer reaches the emulator, which records the status then: wait for it.
    // Each event's last answer (the authorization may first get a 503 if it outran our callback's write).
    await stack.emulator.webhooksIdle();
    const lastAnswers = new Map(
      stack.emulator.deliveries().map((delivery) => [delivery.eventId, [delivery.type, delivery.status]]),
    );
    expect([...lastAnswers.values()]).toEqual([
      ['account.application.authorized', 200],
      ['account.application.deauthorized', 200],
    ]);
    // The callback stores the account's state itself: only the log shows the webhook found the account in `user_id`.
    // (A delivery the emulator timed out under load comes again: its second line says `duplicate`.)
    const processed = serviceLines(from).filter((line) => line.message === 'webhook processed');
    expect(processed).toContainEqual(expect.objectContaining({ type: 'account.application.authorized', accountId }));
    expect(processed).toContainEqual(
      expect.objectContaining({ type: 'account.application.deauthorized', accountId, outcome: 'applied' }),
    );
    expect(processed.filter((line) => line.accountId !== accountId)).toEqual([]);
    expect(refreshed).toMatchObject({ status: 'connected', chargesEnabled: true, platformUserId: 'user_legacy' });
    expect(deauthorized).toMatchObject({ status: 'deauthorized', deauthorizedAt: expect.any(String) });
    // Stripe writes the account's own API version into these two (the emulator: 2024-06-20); we read nothing
    // of their object, so that is no reason to warn the operator or count a mismatch.
    const mismatches = serviceLines(from).filter(
      (line) =>
        line.message === apiVersionMismatchMessage || JSON.stringify(line).includes('WebhookApiVersionMismatch'),
    );
    expect(mismatches).toEqual([]);
  });

  it('processes an account.updated of the old version by re-reading the account at Stripe, and warns and counts', async () => {
    const accountId = await connect('user_legacy_update');
    await until(accountId, (item) => item?.stripeStateAt !== undefined);
    const from = capturedServiceLines().length;
    const readsBefore = stack.emulator.requestLog().filter((entry) => entry.path === `/v1/accounts/${accountId}`);

    const event = await stack.emulator.updateAccount(accountId, { payouts_enabled: false });
    const stored = await until(accountId, (item) => item?.payoutsEnabled === false);

    const lines = serviceLines(from);
    expect(stored).toMatchObject({ status: 'connected', payoutsEnabled: false });
    expect(stack.emulator.requestLog().filter((entry) => entry.path === `/v1/accounts/${accountId}`).length).toBe(
      readsBefore.length + 1,
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'webhook api version mismatch: recreate the endpoint with the version the service pins',
        eventId: event.id,
        type: 'account.updated',
        apiVersion: '2017-04-06',
        expectedApiVersion: stripeApiVersion,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({ Metrics: [{ Name: 'WebhookApiVersionMismatch', Unit: 'Count' }] }),
          ],
        }),
        eventType: 'account.updated',
      }),
    );
  });
});
