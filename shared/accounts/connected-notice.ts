/**
 * `account.connected`: an account has become a platform user's. It is published when that is true and no
 * earlier: when the platform confirms a pending account (`POST /accounts/{id}/confirm`), or when an OAuth
 * reconnection by the same user keeps its confirmation. A pending account is nobody's yet (docs/security.md,
 * "Flow-start account linking"), so a consumer that acted on a notice sent at the callback would hand an
 * attacker's flow the victim's account, the very thing the confirmation prevents.
 */
import type { AccountNotice } from '../notifications/account-notices';
import { type AccountRecord, connectionOf } from '../stores/accounts-repo';

export const connectedNotice = (record: AccountRecord): AccountNotice => ({
  type: 'account.connected',
  accountId: record.accountId,
  detail: {
    platformUserId: record.platformUserId,
    type: record.type,
    livemode: record.livemode,
    connection: connectionOf(record),
    connectedAt: record.connectedAt,
  },
});
