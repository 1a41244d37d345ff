import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger';
import { eventBridgePublisher } from '../../../shared/notifications/account-notices';

const notice = { type: 'account.deauthorized' as const, accountId: 'acct_1', detail: { stripeEventId: 'evt_1' } };

describe('eventBridgePublisher', () => {
  it('sends one PutEvents entry per notice to the configured bus', async () => {
    const sent: PutEventsCommand[] = [];
    const publisher = eventBridgePublisher(
      {
        send: async (command: PutEventsCommand) => {
          sent.push(command);
          return { FailedEntryCount: 0 };
        },
      } as never,
      'platform-bus',
      createLogger('test', () => undefined),
    );

    await publisher.publish(notice);

    expect(sent.map((command) => command.input)).toEqual([
      {
        Entries: [
          {
            EventBusName: 'platform-bus',
            Source: 'connect-onboarding',
            DetailType: 'account.deauthorized',
            Detail: '{"accountId":"acct_1","stripeEventId":"evt_1"}',
          },
        ],
      },
    ]);
  });

  it('logs a failed publish instead of failing the request whose change is already durable', async () => {
    const lines: string[] = [];
    const publisher = eventBridgePublisher(
      { send: async () => Promise.reject(new Error('bus down')) } as never,
      'platform-bus',
      createLogger('test', (line) => lines.push(line)),
    );

    await expect(publisher.publish(notice)).resolves.toBeUndefined();
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'notice not published',
        type: 'account.deauthorized',
        accountId: 'acct_1',
      }),
    ]);
  });
});
