import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Logger } from '../logger';
import { eventBridgePublisher, type NoticePublisher, noPublisher } from '../notifications/account-notices';

let shared: NoticePublisher | undefined;

/** EventBridge when `EVENT_BUS_NAME` is set (a stack prop), nothing otherwise (the local default). */
export const accountNotices = (logger: Logger): NoticePublisher => {
  const busName = process.env.EVENT_BUS_NAME;
  shared ??= busName ? eventBridgePublisher(new EventBridgeClient({}), busName, logger) : noPublisher;
  return shared;
};

/** Tests record what would be sent. */
export const useAccountNotices = (publisher: NoticePublisher | undefined): void => {
  shared = publisher;
};
