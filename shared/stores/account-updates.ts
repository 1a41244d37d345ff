/**
 * The conditional updates that apply an AccountChange to the accounts table. Conditions encode the
 * ordering rules: snapshots apply only to connected accounts and only if not older than what is
 * stored; a deauthorization applies only if newer than the last status change (and then stays:
 * a tombstone no later snapshot can lift).
 */
import type { AccountChange } from '../webhooks/account-change';

export type StateChange = Extract<AccountChange, { kind: 'state' }>;

export interface AccountUpdate {
  readonly TableName: string;
  readonly Key: { accountId: string };
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

const connectedAndNotOlder =
  'attribute_exists(accountId) AND #status = :connected AND (attribute_not_exists(stripeStateAt) OR stripeStateAt <= :asOf)';

export const accountUpdateFor = (tableName: string, change: AccountChange, now: Date): AccountUpdate => {
  const base = { TableName: tableName, Key: { accountId: change.accountId } };
  const at = now.toISOString();
  switch (change.kind) {
    case 'state':
      return {
        ...base,
        UpdateExpression:
          'SET chargesEnabled = :chargesEnabled, payoutsEnabled = :payoutsEnabled, detailsSubmitted = :detailsSubmitted, ' +
          'capabilities = :capabilities, requirements = :requirements, stripeStateAt = :asOf, updatedAt = :at',
        ConditionExpression: connectedAndNotOlder,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':chargesEnabled': change.state.chargesEnabled,
          ':payoutsEnabled': change.state.payoutsEnabled,
          ':detailsSubmitted': change.state.detailsSubmitted,
          ':capabilities': change.state.capabilities,
          ':requirements': change.state.requirements,
          ':asOf': change.asOf,
          ':connected': 'connected',
          ':at': at,
        },
      };
    case 'deauthorized':
      return {
        ...base,
        UpdateExpression:
          'SET #status = :deauthorized, deauthorizedAt = if_not_exists(deauthorizedAt, :at), statusChangedAt = :asOf, updatedAt = :at',
        // Already deauthorized (by our own route, or an earlier copy of the news): nothing to change.
        ConditionExpression:
          'attribute_exists(accountId) AND #status <> :deauthorized AND (attribute_not_exists(statusChangedAt) OR statusChangedAt <= :asOf)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deauthorized': 'deauthorized', ':asOf': change.asOf, ':at': at },
      };
  }
};

/**
 * How an event applied in place is remembered on the account item: tagged with its second, because
 * only events of the item's current `stripeStateAt` second can arrive again without being older.
 */
export const appliedEventEntry = (created: number, eventId: string): string => `${created}:${eventId}`;

export const appliedEventSecond = (entry: string): number => Number(entry.slice(0, entry.indexOf(':')));

/**
 * A snapshot applied in place: the ordered snapshot update, and in the same single-item write the
 * event's entry in `appliedEvents`, refused if already there. A redelivery is then either older
 * than the stored state or in the set: once, without a transaction or a second table.
 */
export const inPlaceSnapshotUpdateFor = (
  tableName: string,
  change: StateChange,
  eventId: string,
  writeId: string,
  now: Date,
): AccountUpdate => {
  const update = accountUpdateFor(tableName, change, now);
  const entry = appliedEventEntry(change.asOf, eventId);
  return {
    ...update,
    // `lastInPlaceWrite`: an SDK retry of this very request, after its answer was lost, is refused by the
    // condition like a duplicate; the id it finds tells that the write was ours and did happen.
    UpdateExpression: `${update.UpdateExpression}, lastInPlaceWrite = :writeId ADD appliedEvents :appliedEvents`,
    ConditionExpression: `${update.ConditionExpression} AND NOT contains(appliedEvents, :appliedEvent)`,
    ExpressionAttributeValues: {
      ...update.ExpressionAttributeValues,
      ':appliedEvents': new Set([entry]),
      ':appliedEvent': entry,
      ':writeId': writeId,
    },
  };
};
