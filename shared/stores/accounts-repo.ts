/**
 * Connected accounts, one item per Stripe account, owned by one platform user. We store only the
 * account id and what describes it, never an access or refresh token: the platform key with the
 * `Stripe-Account` header is how the platform acts for the account.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectFlow } from '../oauth/flow';
import { accountsByUserIndex } from '../tables';
import type { RequirementsSummary } from '../webhooks/account-change';
import { conditionalCall, storeCall } from './store-errors';

export type AccountStatus = 'connected' | 'deauthorized';

export interface AccountRecord {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly scope: string;
  readonly livemode: boolean;
  readonly status: AccountStatus;
  readonly chargesEnabled: boolean;
  readonly payoutsEnabled: boolean;
  readonly detailsSubmitted: boolean;
  readonly capabilities: Readonly<Record<string, string>>;
  /** Stripe's requirements summary, kept true by webhooks (absent until the first snapshot). */
  readonly requirements?: RequirementsSummary;
  readonly connectedAt: string;
  readonly updatedAt: string;
  readonly deauthorizedAt?: string;
}

export interface NewConnection {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly scope: string;
  readonly livemode: boolean;
  readonly at: string;
}

/** The position after a page of `listByUser`: the last item's keys in the table and the index. */
export interface AccountsPageKey {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly connectedAt: string;
}

export interface AccountsPage {
  readonly records: readonly AccountRecord[];
  readonly lastKey: AccountsPageKey | undefined;
}

export type ConnectResult =
  | { readonly ok: true; readonly record: AccountRecord }
  | { readonly ok: false; readonly reason: 'claimed' };

export interface AccountsRepo {
  get(accountId: string): Promise<AccountRecord | undefined>;
  /**
   * Records a completed OAuth connection. Refused when the account is connected to another
   * platform user: an account changes hands only after it was deauthorized.
   */
  putConnected(connection: NewConnection): Promise<ConnectResult>;
  /** A platform user's accounts, newest connection first. */
  listByUser(platformUserId: string, options: { limit: number; startAfter?: AccountsPageKey }): Promise<AccountsPage>;
  /**
   * Marks the owner's account deauthorized as of `at` and returns the record; undefined if unknown.
   * Idempotent: an account already deauthorized is returned as stored, its times untouched. A
   * record whose status changed after `at` (connected again while the caller was at Stripe) is
   * returned unchanged: the caller compares it with what it asked for.
   */
  markDeauthorized(
    owned: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
    at: string,
  ): Promise<AccountRecord | undefined>;
}

export const createAccountsRepo = (client: DynamoDBDocumentClient, tableName: string): AccountsRepo => {
  const get = async (accountId: string): Promise<AccountRecord | undefined> => {
    const result = await storeCall(() =>
      client.send(new GetCommand({ TableName: tableName, Key: { accountId }, ConsistentRead: true })),
    );
    return result.Item as AccountRecord | undefined;
  };

  return {
    get,

    putConnected: async ({ accountId, platformUserId, type, scope, livemode, at }) => {
      const result = await conditionalCall(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { accountId },
            UpdateExpression:
              'SET platformUserId = :user, #type = :type, #scope = :scope, livemode = :livemode, #status = :connected, ' +
              'connectedAt = :at, updatedAt = :at, statusChangedAt = :atMs, chargesEnabled = if_not_exists(chargesEnabled, :false), ' +
              'payoutsEnabled = if_not_exists(payoutsEnabled, :false), detailsSubmitted = if_not_exists(detailsSubmitted, :false), ' +
              'capabilities = if_not_exists(capabilities, :none) REMOVE deauthorizedAt',
            ConditionExpression: 'attribute_not_exists(accountId) OR platformUserId = :user OR #status = :deauthorized',
            ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', '#status': 'status' },
            ExpressionAttributeValues: {
              ':user': platformUserId,
              ':type': type,
              ':scope': scope,
              ':livemode': livemode,
              ':connected': 'connected',
              ':deauthorized': 'deauthorized',
              ':at': at,
              ':atMs': Date.parse(at),
              ':false': false,
              ':none': {},
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result ? { ok: true, record: result.Attributes as AccountRecord } : { ok: false, reason: 'claimed' };
    },

    listByUser: async (platformUserId, { limit, startAfter }) => {
      const result = await storeCall(() =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: accountsByUserIndex,
            KeyConditionExpression: 'platformUserId = :user',
            ExpressionAttributeValues: { ':user': platformUserId },
            ScanIndexForward: false,
            Limit: limit,
            ...(startAfter ? { ExclusiveStartKey: { ...startAfter } } : {}),
          }),
        ),
      );
      return {
        records: (result.Items ?? []) as AccountRecord[],
        lastKey: result.LastEvaluatedKey as AccountsPageKey | undefined,
      };
    },

    markDeauthorized: async ({ accountId, platformUserId }, at) => {
      const result = await conditionalCall(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { accountId },
            UpdateExpression:
              'SET #status = :deauthorized, deauthorizedAt = if_not_exists(deauthorizedAt, :at), updatedAt = :at, statusChangedAt = :atMs',
            // Already deauthorized (a repeat, or the webhook got there first): keep its times, so
            // statusChangedAt still orders the first change, not the last echo of it.
            // The same ordering rule as the webhook's tombstone: a status change after `at` is newer news than ours.
            ConditionExpression:
              'attribute_exists(accountId) AND #status <> :deauthorized AND platformUserId = :user AND (attribute_not_exists(statusChangedAt) OR statusChangedAt <= :atMs)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':deauthorized': 'deauthorized',
              ':at': at,
              ':atMs': Date.parse(at),
              ':user': platformUserId,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      // Unknown, deauthorized already, or connected again since `at`: a consistent read tells which (dynalite ignores ReturnValuesOnConditionCheckFailure).
      return result ? (result.Attributes as AccountRecord) : get(accountId);
    },
  };
};

/** The record as the API returns it (the contract's account shape). */
export const toAccountView = (record: AccountRecord) => ({
  accountId: record.accountId,
  platformUserId: record.platformUserId,
  type: record.type,
  scope: record.scope,
  livemode: record.livemode,
  status: record.status,
  chargesEnabled: record.chargesEnabled,
  payoutsEnabled: record.payoutsEnabled,
  detailsSubmitted: record.detailsSubmitted,
  capabilities: record.capabilities,
  ...(record.requirements ? { requirements: record.requirements } : {}),
  connectedAt: record.connectedAt,
  updatedAt: record.updatedAt,
  ...(record.deauthorizedAt ? { deauthorizedAt: record.deauthorizedAt } : {}),
});
