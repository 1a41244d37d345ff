/**
 * Optional fan-out of effective account changes to an EventBridge bus, for the platform's own
 * consumers. Published after the change is durable; the account record stays the source of truth,
 * so a failed publish is logged and never fails the request (consumers can reconcile through
 * GET /accounts).
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Logger } from '../logger';
import { serviceName } from '../service-name';

export const noticeSource = serviceName;

export type AccountNoticeType = 'account.connected' | 'account.updated' | 'account.deauthorized';

export interface AccountNotice {
  readonly type: AccountNoticeType;
  readonly accountId: string;
  /** What changed, e.g. the new state or the Stripe event that caused it. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface NoticePublisher {
  publish(notice: AccountNotice): Promise<void>;
}

/** The PutEvents entry a notice becomes. */
export const toEventBridgeEntry = (notice: AccountNotice, eventBusName: string) => ({
  EventBusName: eventBusName,
  Source: noticeSource,
  DetailType: notice.type,
  Detail: JSON.stringify({ accountId: notice.accountId, ...notice.detail }),
});

export const eventBridgePublisher = (
  client: Pick<EventBridgeClient, 'send'>,
  eventBusName: string,
  logger: Logger,
): NoticePublisher => ({
  publish: async (notice) => {
    try {
      const result = await client.send(new PutEventsCommand({ Entries: [toEventBridgeEntry(notice, eventBusName)] }));
      if ((result.FailedEntryCount ?? 0) > 0)
        logger.error('notice not published', { type: notice.type, accountId: notice.accountId });
    } catch (error) {
      logger.error('notice not published', { type: notice.type, accountId: notice.accountId, error });
    }
  },
});

export const noPublisher: NoticePublisher = { publish: async () => undefined };
