/**
 * Connected accounts, one item per Stripe account, owned by one platform user. We store only the
 * account id and what describes it, never an access or refresh token: the platform key with the
 * `Stripe-Account` header is how the platform acts for the account.
 *
 * Every write to the accounts table is built here, from the named condition parts below; the events
 * repo puts `accountChangeWrite` into its transaction and applies snapshots through `applyInPlace`.
 * Times are epoch milliseconds in and out; the item keeps ISO strings for the times it shows,
 * `statusChangedAt` in milliseconds, and `stripeStateAt` and the `appliedEvents` entries in seconds.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectFlow } from '../oauth/flow';
import { accountsByUserIndex } from '../tables';
import { type EpochMs, toEpochSeconds, toIso } from '../time';
import type { AccountChange, RequirementsSummary, StateChange } from '../webhooks/account-change';
import {
  conditionalCall,
  conflictsWithTransaction,
  eventNotRecorded,
  isConditionFailure,
  isUnanswered,
  refusedItem,
  retryingConflicts,
  storeCall,
} from './store-errors';

export type AccountStatus = 'connected' | 'deauthorized';

/** How an account came to the platform: an OAuth flow, or created here with the Accounts API (onboarding). */
export type AccountConnection = 'oauth' | 'created';

/** Items written before accounts could be created here came from OAuth. */
export const connectionOf = (record: { readonly connection?: AccountConnection }): AccountConnection =>
  record.connection ?? 'oauth';

/**
 * Created by this service at some time, even if its owner has since connected it through OAuth (so
 * `connectionOf` says `oauth`): the record's side of the `wasCreated` condition. Such an account is one
 * the platform controls, whatever its connection says now.
 */
export const wasCreatedHere = (record: { readonly onboardingSlot?: number }): boolean =>
  record.onboardingSlot !== undefined;

/**
 * The platform controls the account and Stripe lets it collect the owner's details (Account Links) but not
 * disconnect it: an Express account, or one created here. A Standard account connected through OAuth
 * manages itself.
 */
export const isPlatformControlled = (record: {
  readonly type: ConnectFlow;
  readonly onboardingSlot?: number;
}): boolean => record.type === 'express' || wasCreatedHere(record);

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
  /** Stripe's `future_requirements`, beside `requirements` (absent on items from before it was kept). */
  readonly futureRequirements?: RequirementsSummary;
  readonly connectedAt: string;
  readonly updatedAt: string;
  readonly deauthorizedAt?: string;
  /** Absent on items written before created accounts existed: those are OAuth ones (see `connectionOf`). */
  readonly connection?: AccountConnection;
  /**
   * Which of the user's created accounts of its type it is (0, 1, ...): part of its idempotency key. Kept
   * for good, even through an OAuth connection, so the user's next slot never reuses its key (`wasCreated`).
   */
  readonly onboardingSlot?: number;
  /**
   * The browser that created this account and may continue its onboarding: the SHA-256 of its binding
   * cookie (shared/onboarding/browser-binding.ts), one for every click of that browser. A set because
   * records written before 2026-12-03 may hold several (clicks of other browsers racing to create the account
   * joined it then); removed when an OAuth connection makes it an OAuth account.
   */
  readonly onboardingBrowsers?: ReadonlySet<string>;
  /**
   * Suggested capabilities Stripe did not add when the account was connected (Stripe falls back
   * silently, e.g. where a country does not offer one). Absent when all were added or none suggested.
   */
  readonly capabilitiesMissing?: readonly string[];
  /**
   * Pending confirmation (see docs/security.md, "Flow-start account linking"): sha256 hex of the
   * one-time value the success redirect carried, and when it stops confirming. Removed on confirmation.
   * A created account starts with a hash nobody holds the value of, until its onboarding finishes.
   */
  readonly confirmationHash?: string;
  readonly confirmationExpiresAt?: EpochMs;
  /** When the platform confirmed the account for its user. Records from before confirmations have none and no hash. */
  readonly confirmedAt?: string;
  /**
   * Counts the snapshot writes (absent before the first): what a read at Stripe saw before reading
   * (`StateChange.seen`), and what a read that settles a tie is conditioned on (see `SnapshotTie`).
   */
  readonly stateVersion?: number;
}

/** Whether the account still waits for the platform's confirmation (records without the fields are confirmed). */
export const isPendingConfirmation = (record: Pick<AccountRecord, 'confirmationHash' | 'confirmedAt'>): boolean =>
  record.confirmationHash !== undefined && record.confirmedAt === undefined;

/** The bookkeeping the item carries beside the record, for ordering and exactly-once. */
interface AccountItem extends AccountRecord {
  /** Epoch seconds: the time of the stored snapshot. */
  readonly stripeStateAt?: number;
  /** Epoch milliseconds: the last status change (connected or deauthorized). */
  readonly statusChangedAt?: EpochMs;
  /** `<stripeStateAt>:<event id>` of the events applied in place. */
  readonly appliedEvents?: ReadonlySet<string>;
  /** The id of the last in-place write, so a retry of it can tell it happened. */
  readonly lastInPlaceWrite?: string;
  /** Why an unclaimed connection has no owner (absent on every owned account). */
  readonly flagged?: string;
}

/**
 * A connection made at Stripe that the callback could not give to a platform user and Stripe does
 * not let us end (an Express account after a failed check): kept with no owner, flagged with why,
 * so its webhooks apply and the operator can find it. A later completed connection claims it.
 */
export interface UnclaimedConnection {
  readonly accountId: string;
  readonly type: ConnectFlow;
  readonly scope: string;
  readonly livemode: boolean;
  /** The callback's failure code that left it unclaimed (e.g. `flow_mismatch`). */
  readonly flagged: string;
  readonly at: EpochMs;
}

export interface NewConnection {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly scope: string;
  readonly livemode: boolean;
  readonly at: EpochMs;
  /** The hash and expiry of the one-time value the success redirect carries. */
  readonly confirmation: { readonly hash: string; readonly expiresAt: EpochMs };
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

/** An account the platform just created with the Accounts API, to record before onboarding starts. */
export interface NewCreatedAccount {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly livemode: boolean;
  readonly onboardingSlot: number;
  /** The placeholder confirmation hash (its value is thrown away) that keeps the account pending. */
  readonly confirmationHash: string;
  /** The SHA-256 of the binding of the browser whose click created it (see `onboardingBrowsers`). */
  readonly browserHash: string;
  readonly at: EpochMs;
}

/**
 * The owner finished at Stripe (its details are submitted), and the new confirmation the platform must
 * present. The rest of Stripe's state is stored apart, ordered against the webhooks' (`recordState`).
 */
export interface FinishedOnboarding {
  /** The new value's hash, for an account still pending; without one only a confirmed account is written. */
  readonly confirmation?: { readonly hash: string; readonly expiresAt: EpochMs };
  readonly at: EpochMs;
}

/**
 * `pending`: stored waiting for the platform's confirmation with the new value. `kept`: a reconnection
 * of an account already connected and confirmed for the same user, which stays confirmed.
 */
export type ConnectResult =
  | { readonly ok: true; readonly record: AccountRecord; readonly confirmation: 'pending' | 'kept' }
  | { readonly ok: false; readonly reason: 'claimed' };

/**
 * A created account recorded (or found, for a repeat by the same browser), or not this click's. `claimed`:
 * another user's record holds the id. `slot_taken`: the user's own record holds it for another browser (a click
 * of another browser won a race to it, or an earlier account holds the slot), so this click belongs in the next
 * slot; `holder` is that record, read consistently.
 */
export type CreatedResult =
  | { readonly ok: true; readonly record: AccountRecord }
  | { readonly ok: false; readonly reason: 'claimed' }
  | { readonly ok: false; readonly reason: 'slot_taken'; readonly holder: AccountRecord };

/** What a confirmation did: confirmed now, or refused with the item as it is (undefined if unknown). */
export type ConfirmResult =
  | { readonly ok: true; readonly record: AccountRecord }
  | { readonly ok: false; readonly current: AccountRecord | undefined };

export type ApplyOutcome = 'applied' | 'duplicate' | 'unknown_account' | 'stale' | 'account_deauthorized';

/**
 * An in-place snapshot refused because the stored one is of its very second (another event's, or a read's),
 * so which is newer cannot be told; or a settling read refused because another of that second was stored
 * meanwhile. The caller reads the account again, conditioned on `stateVersion` (see `SnapshotTie`).
 */
export interface SameSecond {
  readonly outcome: 'same_second';
  readonly stateVersion: number;
}

export type InPlaceOutcome = ApplyOutcome | SameSecond;

export const isSameSecond = (outcome: InPlaceOutcome): outcome is SameSecond => typeof outcome === 'object';

/**
 * The parts every condition on the accounts item is built from, each written once. Placeholders:
 * `:connected`/`:deauthorized` (statuses), `:user`, `:stateAt` and `:tiedAt` (seconds), `:statusAt` (ms),
 * `:appliedEvent`, `:seenVersion`.
 */
export const accountConditions = {
  exists: 'attribute_exists(accountId)',
  isAbsent: 'attribute_not_exists(accountId)',
  isConnected: '#status = :connected',
  isDeauthorized: '#status = :deauthorized',
  notDeauthorized: '#status <> :deauthorized',
  ownedBy: 'platformUserId = :user',
  /** Recorded with no owner (see `UnclaimedConnection`). */
  isUnclaimed: 'attribute_not_exists(platformUserId)',
  /**
   * Snapshots are ordered to the second (see `SnapshotSource`): an `event` one applies only over an older second
   * (a redelivery of the applied one is told apart by `notAppliedYet`), and so does a `read` one, which
   */
  isNewerSnapshot: '(attribute_not_exists(stripeStateAt) OR stripeStateAt < :stateAt)',
  /** applies over its own second too while the version it saw before reading is stored (`isVersion`/`isUnversioned`), */
  isNotOlderSnapshot: '(attribute_not_exists(stripeStateAt) OR stripeStateAt <= :stateAt)',
  /**
   * and a read that settles a tie only over the snapshot it saw, by its version (`SnapshotTie`), and never
   * over a later second (which a writer that does not count versions, an older deployment's, may have stored).
   */
  isUnversioned: 'attribute_not_exists(stateVersion)',
  isVersion: 'stateVersion = :seenVersion',
  isStillTied: '(attribute_not_exists(stripeStateAt) OR stripeStateAt <= :tiedAt)',
  /**
   * Status changes are ordered to the millisecond, whoever makes them (a connection, our deauthorize
   * route, Stripe's deauthorization): a change older than the stored one does not apply.
   */
  noStatusChangeAfter: '(attribute_not_exists(statusChangedAt) OR statusChangedAt <= :statusAt)',
  notAppliedYet: 'NOT contains(appliedEvents, :appliedEvent)',
  /** Waiting for the platform's confirmation; a record with neither field predates confirmations and is confirmed. */
  isPending: '(attribute_exists(confirmationHash) AND attribute_not_exists(confirmedAt))',
  isConfirmed: '(attribute_not_exists(confirmationHash) OR attribute_exists(confirmedAt))',
  /** `:confirmationHash` is the hash of the presented value, `:now` epoch ms. */
  confirmationIs: 'confirmationHash = :confirmationHash',
  confirmationUnexpired: 'confirmationExpiresAt > :now',
  /** The value can no longer confirm (no expiry counts as expired, as the confirm route reads it). */
  confirmationLapsed: '(attribute_not_exists(confirmationExpiresAt) OR confirmationExpiresAt <= :now)',
  /**
   * Created by this service at some time: a created account keeps its `onboardingSlot` for good, even once
   * its owner connected it through OAuth, so the user's next slot never comes back to its idempotency key.
   */
  wasCreated: 'attribute_exists(onboardingSlot)',
  /** Never created here (see `wasCreated`): an OAuth connection, or one from before created accounts existed. */
  notCreated: 'attribute_not_exists(onboardingSlot)',
} as const;

const { exists, isAbsent, isConnected, isDeauthorized, notDeauthorized, ownedBy, isUnclaimed } = accountConditions;
const { isNotOlderSnapshot, isNewerSnapshot, isUnversioned, isVersion, isStillTied } = accountConditions;
const { noStatusChangeAfter, notAppliedYet } = accountConditions;
const { isPending, isConfirmed, confirmationIs, confirmationUnexpired, confirmationLapsed, notCreated } =
  accountConditions;
const { wasCreated } = accountConditions;

/** Every write of the account's state counts it (see `SnapshotTie`); its values are `stateVersionValues`. */
const countStateVersion = 'stateVersion = if_not_exists(stateVersion, :noVersion) + :one';
const stateVersionValues = { ':noVersion': 0, ':one': 1 } as const;
const all = (...parts: string[]) => parts.join(' AND ');
const either = (...parts: string[]) => parts.join(' OR ');

/** One conditional update of an account item: an UpdateCommand's input, or a transaction's `Update`. */
export interface AccountWrite {
  readonly TableName: string;
  readonly Key: { accountId: string };
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

const statusName = { '#status': 'status' };

/** The stored snapshot is still the one of `version` (0: none was ever counted); `:seenVersion` is `seenVersionValue`'s. */
const isStillVersion = (version: number): string => (version === 0 ? isUnversioned : isVersion);
const seenVersionValue = (version: number) => (version === 0 ? {} : { ':seenVersion': version });

/** The version a snapshot's write is conditioned on, if any: a settling read's, or a read's that knows what it saw. */
const seenVersionOf = (change: StateChange): number | undefined =>
  change.tie?.version ?? (change.source === 'read' ? change.seen : undefined);

/** How a snapshot is ordered against the stored one (see `SnapshotSource` and `SnapshotTie`). */
const snapshotOrder = (change: StateChange): string => {
  if (change.tie) return all(isStillVersion(change.tie.version), isStillTied);
  const seen = seenVersionOf(change);
  return seen === undefined
    ? isNewerSnapshot
    : `(${either(isNewerSnapshot, all(isStillVersion(seen), isNotOlderSnapshot))})`;
};

const snapshotWrite = (tableName: string, change: StateChange, now: EpochMs): AccountWrite => ({
  TableName: tableName,
  Key: { accountId: change.accountId },
  UpdateExpression:
    'SET chargesEnabled = :chargesEnabled, payoutsEnabled = :payoutsEnabled, detailsSubmitted = :detailsSubmitted, ' +
    'capabilities = :capabilities, requirements = :requirements, futureRequirements = :futureRequirements, ' +
    `stripeStateAt = :stateAt, ${countStateVersion}, updatedAt = :at`,
  ConditionExpression: all(exists, isConnected, snapshotOrder(change)),
  ExpressionAttributeNames: statusName,
  ExpressionAttributeValues: {
    ':chargesEnabled': change.state.chargesEnabled,
    ':payoutsEnabled': change.state.payoutsEnabled,
    ':detailsSubmitted': change.state.detailsSubmitted,
    ':capabilities': change.state.capabilities,
    ':requirements': change.state.requirements,
    ':futureRequirements': change.state.futureRequirements,
    ':stateAt': toEpochSeconds(change.asOf),
    ...stateVersionValues,
    ...(change.tie ? { ':tiedAt': toEpochSeconds(change.tie.at) } : {}),
    ...seenVersionValue(seenVersionOf(change) ?? 0),
    ':connected': 'connected',
    ':at': toIso(now),
  },
});

/**
 * Deauthorized as of `statusAt`, written at `now`; only by its owner when one is named. Already
 * deauthorized (a repeat, or the other side got there first): nothing changes, so `statusChangedAt`
 * still orders the first change, not the last echo of it. The status then stays: a tombstone no later
 * snapshot can lift.
 */
const deauthorizationWrite = (
  tableName: string,
  accountId: string,
  statusAt: EpochMs,
  now: EpochMs,
  owner?: string,
): AccountWrite => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression:
    'SET #status = :deauthorized, deauthorizedAt = if_not_exists(deauthorizedAt, :at), statusChangedAt = :statusAt, updatedAt = :at',
  ConditionExpression:
    owner === undefined
      ? all(exists, notDeauthorized, noStatusChangeAfter)
      : all(exists, notDeauthorized, ownedBy, noStatusChangeAfter),
  ExpressionAttributeNames: statusName,
  ExpressionAttributeValues: {
    ':deauthorized': 'deauthorized',
    ':at': toIso(now),
    ':statusAt': statusAt,
    ...(owner === undefined ? {} : { ':user': owner }),
  },
});

/**
 * A new connection, or a reconnection by its owner or after a deauthorization (never taken from another
 * owner), or of an unclaimed account (see `UnclaimedConnection`). `pending`: it waits for the platform's
 * confirmation with the new value, which replaces any older one; allowed on an absent, deauthorized or
 * unclaimed account, one of this owner still pending, or anyone's OAuth connection left unconfirmed past its
 * value's lifetime. The last is what lets the owner of a Stripe account connect it after someone else's link
 * connected it first and nobody could confirm (docs/security.md, "Flow-start account linking"). What the
 * earlier flow left on the record goes with it: its missing capabilities, how the account came (it is an
 * OAuth connection now) and the browsers that could continue its onboarding; an onboarding slot stays
 * (`wasCreated`), and an account created here is never taken from its user (`notCreated`). `kept`: an account connected and confirmed for this owner stays confirmed (the flow
 * gave the user nothing new).
 */
const connectionWrite = (
  tableName: string,
  { accountId, platformUserId, type, scope, livemode, at, confirmation }: NewConnection,
  mode: 'pending' | 'kept',
): AccountWrite => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression:
    'SET platformUserId = :user, #type = :type, #scope = :scope, livemode = :livemode, #status = :connected, ' +
    'connectedAt = :at, updatedAt = :at, statusChangedAt = :statusAt, chargesEnabled = if_not_exists(chargesEnabled, :false), ' +
    'payoutsEnabled = if_not_exists(payoutsEnabled, :false), detailsSubmitted = if_not_exists(detailsSubmitted, :false), ' +
    'capabilities = if_not_exists(capabilities, :none)' +
    (mode === 'pending'
      ? ', confirmationHash = :confirmationHash, confirmationExpiresAt = :confirmationExpiresAt ' +
        'REMOVE deauthorizedAt, confirmedAt, flagged, capabilitiesMissing, #connection, onboardingBrowsers'
      : ' REMOVE deauthorizedAt, flagged'),
  ConditionExpression:
    mode === 'pending'
      ? // The last: an OAuth connection still pending after its value lapsed; the flow that stored it failed.
        either(
          isAbsent,
          isDeauthorized,
          isUnclaimed,
          all(ownedBy, isPending),
          all(isPending, confirmationLapsed, notCreated),
        )
      : all(ownedBy, isConnected, isConfirmed),
  ExpressionAttributeNames: {
    '#type': 'type',
    '#scope': 'scope',
    ...statusName,
    ...(mode === 'pending' ? { '#connection': 'connection' } : {}),
  },
  ExpressionAttributeValues: {
    ':user': platformUserId,
    ':type': type,
    ':scope': scope,
    ':livemode': livemode,
    ':connected': 'connected',
    ...(mode === 'pending'
      ? {
          ':deauthorized': 'deauthorized',
          ':confirmationHash': confirmation.hash,
          ':confirmationExpiresAt': confirmation.expiresAt,
          ':now': at,
        }
      : {}),
    ':at': toIso(at),
    ':statusAt': at,
    ':false': false,
    ':none': {},
  },
});

/**
 * An account the platform just created, pending (its hash has no value) and with nothing enabled or
 * submitted until Stripe says so.
 */
const createdWrite = (tableName: string, account: NewCreatedAccount): AccountWrite => ({
  TableName: tableName,
  Key: { accountId: account.accountId },
  UpdateExpression:
    'SET platformUserId = :user, #type = :type, #scope = :scope, livemode = :livemode, #status = :connected, ' +
    'connectedAt = :at, updatedAt = :at, statusChangedAt = :statusAt, chargesEnabled = :false, payoutsEnabled = :false, ' +
    'detailsSubmitted = :false, capabilities = :none, #connection = :created, onboardingSlot = :slot, ' +
    'confirmationHash = :confirmationHash, onboardingBrowsers = :browsers',
  // A created account is new at Stripe: it is only ever recorded once (a repeat finds it and reads it).
  ConditionExpression: isAbsent,
  ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', '#connection': 'connection', ...statusName },
  ExpressionAttributeValues: {
    ':user': account.platformUserId,
    ':type': account.type,
    // The access a platform has to an account it created is the full API's, as with OAuth's read_write.
    ':scope': createdAccountScope[account.type],
    ':livemode': account.livemode,
    ':connected': 'connected',
    ':at': toIso(account.at),
    ':statusAt': account.at,
    ':false': false,
    ':none': {},
    ':created': 'created',
    ':slot': account.onboardingSlot,
    ':confirmationHash': account.confirmationHash,
    ':browsers': new Set([account.browserHash]),
  },
});

/** The `scope` a created account's record shows: what an OAuth connection of the same type would. */
export const createdAccountScope: Readonly<Record<ConnectFlow, string>> = {
  express: 'express',
  standard: 'read_write',
};

/**
 * The owner came back from Stripe with the details submitted, and for an account still pending a new
 * confirmation value's hash (replacing the older one). `confirmation` is the value for the pending write,
 * absent for the write of a confirmed account. The rest of Stripe's state, and the time it is of, the
 * return stores just before, ordered against the webhooks' snapshots (`recordState`); this write marks the
 * details submitted again in case that one failed, since Stripe does not take them back.
 */
const finishedWrite = (
  tableName: string,
  { accountId, platformUserId }: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
  finished: FinishedOnboarding,
  confirmation: FinishedOnboarding['confirmation'],
): AccountWrite => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression:
    'SET detailsSubmitted = :true, updatedAt = :at' +
    (confirmation ? ', confirmationHash = :confirmationHash, confirmationExpiresAt = :confirmationExpiresAt' : ''),
  ConditionExpression: all(exists, ownedBy, isConnected, confirmation ? isPending : isConfirmed),
  ExpressionAttributeNames: statusName,
  ExpressionAttributeValues: {
    ':true': true,
    ':at': toIso(finished.at),
    ':user': platformUserId,
    ':connected': 'connected',
    ...(confirmation
      ? { ':confirmationHash': confirmation.hash, ':confirmationExpiresAt': confirmation.expiresAt }
      : {}),
  },
});

/**
 * An unclaimed connection: written only where no item is or the account was deauthorized (then it
 * is connected again, to nobody); a connected account is never overwritten.
 */
const unclaimedWrite = (tableName: string, { accountId, type, scope, livemode, flagged, at }: UnclaimedConnection) => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression:
    'SET #type = :type, #scope = :scope, livemode = :livemode, #status = :connected, flagged = :flagged, ' +
    'connectedAt = :at, updatedAt = :at, statusChangedAt = :statusAt, chargesEnabled = :false, ' +
    `payoutsEnabled = :false, detailsSubmitted = :false, capabilities = :none, ${countStateVersion} ` +
    'REMOVE platformUserId, deauthorizedAt',
  ConditionExpression: either(isAbsent, isDeauthorized),
  ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', ...statusName },
  ExpressionAttributeValues: {
    ':type': type,
    ':scope': scope,
    ':livemode': livemode,
    ':connected': 'connected',
    ':deauthorized': 'deauthorized',
    ':flagged': flagged,
    ':at': toIso(at),
    ':statusAt': at,
    ':false': false,
    ':none': {},
    ...stateVersionValues,
  },
});

/** The suggested capabilities Stripe did not add, on the owner's connected account (none: the flag goes). */
const capabilitiesMissingWrite = (
  tableName: string,
  { accountId, platformUserId }: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
  missing: readonly string[],
  now: EpochMs,
) => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression:
    missing.length > 0
      ? 'SET capabilitiesMissing = :missing, updatedAt = :at'
      : 'SET updatedAt = :at REMOVE capabilitiesMissing',
  ConditionExpression: all(exists, ownedBy, isConnected),
  ExpressionAttributeNames: statusName,
  ExpressionAttributeValues: {
    ':user': platformUserId,
    ':connected': 'connected',
    ':at': toIso(now),
    ...(missing.length > 0 ? { ':missing': [...missing] } : {}),
  },
});

/**
 * The platform confirms its user's pending account with the value's hash, once, before it expires, and only
 * while it is connected: an account Stripe disconnected meanwhile is nobody's to announce.
 */
const confirmationWrite = (
  tableName: string,
  { accountId, platformUserId }: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
  hash: string,
  now: EpochMs,
): AccountWrite => ({
  TableName: tableName,
  Key: { accountId },
  UpdateExpression: 'SET confirmedAt = :at, updatedAt = :at REMOVE confirmationHash, confirmationExpiresAt',
  ConditionExpression: all(exists, ownedBy, isConnected, isPending, confirmationIs, confirmationUnexpired),
  ExpressionAttributeNames: statusName,
  ExpressionAttributeValues: {
    ':user': platformUserId,
    ':connected': 'connected',
    ':confirmationHash': hash,
    ':now': now,
    ':at': toIso(now),
  },
});

/** The account write of a change from a webhook event, for the events repo's transaction. */
export const accountChangeWrite = (tableName: string, change: AccountChange, now: EpochMs): AccountWrite =>
  change.kind === 'state'
    ? snapshotWrite(tableName, change, now)
    : deauthorizationWrite(tableName, change.accountId, change.asOf, now);

/** Why the account refused a change: it is not stored, or deauthorized, or holds newer news. */
export const refusalOf = (
  item: { readonly status?: unknown } | undefined,
): Exclude<ApplyOutcome, 'applied' | 'duplicate'> => {
  if (!item) return 'unknown_account';
  return item.status === 'deauthorized' ? 'account_deauthorized' : 'stale';
};

/**
 * Why the account refused a snapshot (`refusalOf`), or `same_second` when the stored one is still of the second
 * the snapshot's event (or read) is of: a tie, or for a settling read another snapshot of that second stored
 * meanwhile. The caller settles it by reading the account again (see `SnapshotSource`).
 */
export const snapshotRefusal = (
  change: StateChange,
  refusing:
    | { readonly status?: unknown; readonly stripeStateAt?: unknown; readonly stateVersion?: unknown }
    | undefined,
): Exclude<InPlaceOutcome, 'applied' | 'duplicate'> =>
  refusing?.status === 'connected' && refusing.stripeStateAt === toEpochSeconds(eventTimeOf(change))
    ? { outcome: 'same_second', stateVersion: typeof refusing.stateVersion === 'number' ? refusing.stateVersion : 0 }
    : refusalOf(refusing);

/**
 * How an event applied in place is remembered on the account item: tagged with its second, because
 * only events of the item's current `stripeStateAt` second can arrive again without being older.
 */
export const appliedEventEntry = (asOf: EpochMs, eventId: string): string => `${toEpochSeconds(asOf)}:${eventId}`;

/** The `created` of the event a snapshot applied in place belongs to: its own, or the one whose tie a read settles. */
const eventTimeOf = (change: StateChange): EpochMs => change.tie?.at ?? change.asOf;

/** The entry a snapshot applied in place for `eventId` is remembered under: its event's second. */
const entryOf = (change: StateChange, eventId: string): string => appliedEventEntry(eventTimeOf(change), eventId);

const appliedEventSecond = (entry: string): number => Number(entry.slice(0, entry.indexOf(':')));

/**
 * A snapshot applied in place: the ordered snapshot write, and in the same single-item write the
 * event's entry in `appliedEvents`, refused if already there. A redelivery is then either older
 * than the stored state or in the set: once, without a transaction or a second table.
 */
export const inPlaceSnapshotWrite = (
  tableName: string,
  change: StateChange,
  eventId: string,
  writeId: string,
  now: EpochMs,
): AccountWrite => {
  const write = snapshotWrite(tableName, change, now);
  const entry = entryOf(change, eventId);
  return {
    ...write,
    // `lastInPlaceWrite`: an SDK retry of this very request, after its answer was lost, is refused by the
    // condition like a duplicate; the id it finds tells that the write was ours and did happen.
    UpdateExpression: `${write.UpdateExpression}, lastInPlaceWrite = :writeId ADD appliedEvents :appliedEvents`,
    ConditionExpression: all(write.ConditionExpression, notAppliedYet),
    ExpressionAttributeValues: {
      ...write.ExpressionAttributeValues,
      ':appliedEvents': new Set([entry]),
      ':appliedEvent': entry,
      ':writeId': writeId,
    },
  };
};

/** Entries older than the applied second are dropped when a checking write finds this many. */
export const appliedEventsCompactionThreshold = 16;

/**
 * Whether this event's write asks for the set back to check for entries to drop. One event in eight,
 * chosen by its id so a redelivery chooses alike: the others write without a reply to read (the
 * reply is the whole updated snapshot), and the set still cannot grow far between checks.
 */
export const checksAppliedEvents = (eventId: string): boolean =>
  (createHash('sha1').update(eventId).digest()[0] ?? 0) % 8 === 0;

export interface AccountsRepo {
  get(accountId: string): Promise<AccountRecord | undefined>;
  /**
   * Records a completed OAuth connection. Refused when the account is connected to another
   * platform user: an account changes hands only after it was deauthorized.
   */
  putConnected(connection: NewConnection): Promise<ConnectResult>;
  /**
   * Records a connection nobody owns (see `UnclaimedConnection`); false when the account is
   * connected here already, which is then left as it is.
   */
  putUnclaimed(connection: UnclaimedConnection): Promise<boolean>;
  /**
   * Stores Stripe's state of a connected account as read at Stripe (`change.asOf`), unless the record holds
   * a newer snapshot already; false when it was not written (not connected here, or newer news).
   */
  recordState(change: StateChange, now: EpochMs): Promise<boolean>;
  /**
   * Sets (or, with none, clears) the suggested capabilities Stripe did not add to the owner's
   * connected account; false when the account is not the owner's connected one.
   */
  setCapabilitiesMissing(
    owned: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
    missing: readonly string[],
    now: EpochMs,
  ): Promise<boolean>;
  /**
   * Confirms the owner's pending account if `hash` is its confirmation's and it has not expired at
   * `now`: sets `confirmedAt` and removes the hash, so the value confirms once.
   */
  confirm(
    owned: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
    hash: string,
    now: EpochMs,
  ): Promise<ConfirmResult>;
  /**
   * A platform user's confirmed accounts, newest connection first (pending ones are skipped). `lastKey`
   * is where DynamoDB stopped. A page may hold up to `listReadSlack` records more than `limit` (the caller
   * trims and goes on after the last record it keeps), or fewer when it stopped after `maxListQueries`.
   */
  listByUser(platformUserId: string, options: { limit: number; startAfter?: AccountsPageKey }): Promise<AccountsPage>;
  /**
   * The user's accounts of `type` that this service created (onboarding), pending or not, and even once
   * connected through OAuth (`wasCreated`), in one filtered query of the user's index (a further page only
   * past 1 MB of the user's items).
   */
  listCreated(platformUserId: string, type: ConnectFlow): Promise<readonly AccountRecord[]>;
  /**
   * Marks the owner's account deauthorized as of `at` and returns the record; undefined if unknown.
   * Idempotent: an account already deauthorized is returned as stored, its times untouched. A
   * record whose status changed after `at` (connected again while the caller was at Stripe) is
   * returned unchanged: the caller compares it with what it asked for.
   */
  markDeauthorized(
    owned: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
    at: EpochMs,
  ): Promise<AccountRecord | undefined>;
  /**
   * Records an account the platform just created, pending confirmation, with the browser that created it. A
   * repeat by the same browser (a retried or concurrent start: the same binding) changes nothing and returns
   * the stored record; an account another user, or another browser of the user, holds is refused.
   */
  putCreated(account: NewCreatedAccount): Promise<CreatedResult>;
  /**
   * Marks the details submitted at the onboarding's return and, while the account is pending, stores the
   * new confirmation's hash. Says which: `pending` (the value now confirms), `already_confirmed`, or
   * `gone` (no longer this owner's connected account). Without a confirmation only a confirmed account
   * is written; a pending one is then `gone` too.
   */
  recordFinished(
    owned: Pick<AccountRecord, 'accountId' | 'platformUserId'>,
    finished: FinishedOnboarding,
  ): Promise<'pending' | 'already_confirmed' | 'gone'>;
  /** Applies a snapshot from event `eventId` once, remembering the event on the account item. */
  applyInPlace(eventId: string, change: StateChange, now: EpochMs): Promise<InPlaceOutcome>;
}

/** Rounds of putConnected's two writes before a connection that keeps being overtaken counts as claimed. */
const maxConnectionRounds = 3;

/** Queries one page of `listByUser` may take when pending accounts are skipped. */
export const maxListQueries = 5;

/**
 * Items each query of `listByUser` reads beyond what the page still needs: the filter skips accounts
 * pending confirmation (an onboarding left unfinished stays pending), and without this slack one of them
 * among a user's newest accounts would cost every list a second query. The caller trims the surplus.
 */
export const listReadSlack = 4;

/** One account item, read consistently. */
const readAccountItem = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  accountId: string,
): Promise<AccountItem | undefined> => {
  const result = await storeCall(() =>
    client.send(new GetCommand({ TableName: tableName, Key: { accountId }, ConsistentRead: true })),
  );
  return result.Item as AccountItem | undefined;
};

/**
 * The version of the account's stored snapshot (`stateVersion`, 0 for none), read consistently: what a read at
 * Stripe made after it saw (`StateChange.seen`); undefined when the account is not stored.
 */
export const readSnapshotVersion = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  accountId: string,
): Promise<number | undefined> => {
  const result = await storeCall(() =>
    client.send(new GetCommand({ TableName: tableName, Key: { accountId }, ...snapshotVersionRead })),
  );
  return snapshotVersionOf(result.Item);
};

/** How {@link readSnapshotVersion} reads the item, also in a batch beside other tables' reads. */
export const snapshotVersionRead = { ProjectionExpression: 'accountId, stateVersion', ConsistentRead: true } as const;

/** The version that read's item gives: 0 for a stored account without one, undefined when none is stored. */
export const snapshotVersionOf = (item: Record<string, unknown> | undefined): number | undefined =>
  item ? ((item as Partial<AccountItem>).stateVersion ?? 0) : undefined;

/**
 * Once applied at second `asOf`, the item's state is that second's: a redelivery of an event of an
 * earlier second is refused as older whether or not its entry is kept, so those entries can go.
 * Only ever removes such entries (concurrent writers add only entries of `asOf` or later).
 */
const forgetOlderEntries = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  change: StateChange,
  applied: unknown,
): Promise<void> => {
  if (!(applied instanceof Set)) return;
  // The second this write's own entry is of (a settling read's is its event's, older than the read).
  const second = toEpochSeconds(eventTimeOf(change));
  const older = [...(applied as Set<string>)].filter((entry) => appliedEventSecond(entry) < second);
  if (older.length < appliedEventsCompactionThreshold) return;
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { accountId: change.accountId },
        UpdateExpression: 'DELETE appliedEvents :older',
        ConditionExpression: exists,
        ExpressionAttributeValues: { ':older': new Set(older) },
      }),
    );
  } catch {
    // The event is applied and stays so: the entries are only dead weight, and the next compaction takes them.
  }
};

/**
 * Applies a webhook snapshot whose event id is remembered on the account item, in one single-item write
 * (the events repo's common case). A function of its own, so that the webhook's bundle carries this
 * and not the rest of the repo.
 */
export const applySnapshotInPlace = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  eventId: string,
  change: StateChange,
  now: EpochMs,
): Promise<InPlaceOutcome> => {
  const entry = entryOf(change, eventId);
  const writeId = randomUUID();
  const update = new UpdateCommand({
    ...inPlaceSnapshotWrite(tableName, change, eventId, writeId, now),
    ReturnValues: checksAppliedEvents(eventId) ? 'UPDATED_NEW' : 'NONE',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
  try {
    const result = await retryingConflicts(
      () =>
        storeCall(
          () => client.send(update),
          (error) => isConditionFailure(error) || conflictsWithTransaction(error),
        ),
      conflictsWithTransaction,
    );
    await forgetOlderEntries(client, tableName, change, result.Attributes?.appliedEvents);
    return 'applied';
  } catch (error) {
    if (conflictsWithTransaction(error)) throw eventNotRecorded(error);
    if (!isConditionFailure(error)) {
      // No answer came, even to the SDK's retries, but the write may have landed: its id on the item tells. Answered
      // 503, a landed write would be a duplicate to Stripe's retry, and its change told to nobody.
      const landed =
        isUnanswered(error) && (await readAccountItem(client, tableName, change.accountId).catch(() => undefined));
      if (landed && landed.lastInPlaceWrite === writeId) return 'applied';
      throw error;
    }
    // DynamoDB Local returns the refusing item; dynalite does not, and neither does either engine for a missing one.
    const refusing =
      (refusedItem(error) as Partial<AccountItem> | undefined) ??
      (await readAccountItem(client, tableName, change.accountId));
    if (refusing?.lastInPlaceWrite === writeId) return 'applied';
    // Applied before, whatever the record's status since (a disconnection keeps the ids): nothing left to do.
    if (refusing?.appliedEvents?.has(entry)) return 'duplicate';
    return snapshotRefusal(change, refusing);
  }
};

/** Builds one operation of the repo over a table; each is a name of its own, so a bundle carries only those it uses. */
export type AccountOperation<K extends keyof AccountsRepo> = (
  client: DynamoDBDocumentClient,
  tableName: string,
) => AccountsRepo[K];

export const getAccountRecord: AccountOperation<'get'> = (client, tableName) => (accountId) =>
  readAccountItem(client, tableName, accountId);

export const putConnectedAccount: AccountOperation<'putConnected'> = (client, tableName) => async (connection) => {
  // Pending first (a new account, the common case, is one write); then a confirmed owner's reconnection.
  // Between the two the item may change (a deauthorization, a confirmation): a few rounds settle it.
  for (let round = 0; round < maxConnectionRounds; round += 1) {
    for (const mode of ['pending', 'kept'] as const) {
      const result = await conditionalCall(() =>
        client.send(new UpdateCommand({ ...connectionWrite(tableName, connection, mode), ReturnValues: 'ALL_NEW' })),
      );
      if (result) return { ok: true, record: result.Attributes as AccountRecord, confirmation: mode };
    }
    const current = await readAccountItem(client, tableName, connection.accountId);
    if (current && current.platformUserId !== connection.platformUserId && current.status === 'connected')
      return { ok: false, reason: 'claimed' };
  }
  return { ok: false, reason: 'claimed' };
};

export const confirmPendingAccount: AccountOperation<'confirm'> = (client, tableName) => async (owned, hash, now) => {
  const result = await conditionalCall(() =>
    client.send(new UpdateCommand({ ...confirmationWrite(tableName, owned, hash, now), ReturnValues: 'ALL_NEW' })),
  );
  return result
    ? { ok: true, record: result.Attributes as AccountRecord }
    : { ok: false, current: await readAccountItem(client, tableName, owned.accountId) };
};

export const putCreatedAccount: AccountOperation<'putCreated'> = (client, tableName) => async (account) => {
  const result = await conditionalCall(() =>
    client.send(new UpdateCommand({ ...createdWrite(tableName, account), ReturnValues: 'ALL_NEW' })),
  );
  if (result) return { ok: true, record: result.Attributes as AccountRecord };
  const stored = await readAccountItem(client, tableName, account.accountId);
  if (stored?.platformUserId !== account.platformUserId) return { ok: false, reason: 'claimed' };
  return stored.onboardingBrowsers?.has(account.browserHash)
    ? { ok: true, record: stored }
    : { ok: false, reason: 'slot_taken', holder: stored };
};

export const recordFinishedOnboarding: AccountOperation<'recordFinished'> =
  (client, tableName) => async (owned, finished) => {
    // While pending the new value's hash is stored; without a value only a confirmed account is written.
    for (const confirmation of finished.confirmation ? [finished.confirmation, undefined] : [undefined]) {
      const written = await conditionalCall(() =>
        client.send(new UpdateCommand(finishedWrite(tableName, owned, finished, confirmation))),
      );
      if (written) return confirmation ? 'pending' : 'already_confirmed';
    }
    return 'gone';
  };

export const putUnclaimedAccount: AccountOperation<'putUnclaimed'> = (client, tableName) => async (connection) =>
  (await conditionalCall(() => client.send(new UpdateCommand(unclaimedWrite(tableName, connection))))) !== undefined;

export const recordAccountState: AccountOperation<'recordState'> = (client, tableName) => async (change, now) =>
  (await conditionalCall(() => client.send(new UpdateCommand(snapshotWrite(tableName, change, now))))) !== undefined;

export const setAccountCapabilitiesMissing: AccountOperation<'setCapabilitiesMissing'> =
  (client, tableName) => async (owned, missing, now) =>
    (await conditionalCall(() =>
      client.send(new UpdateCommand(capabilitiesMissingWrite(tableName, owned, missing, now))),
    )) !== undefined;

/** One query of a platform user's accounts (the `byPlatformUser` index); `input` adds the filter and paging. */
const queryByUser = (
  client: DynamoDBDocumentClient,
  tableName: string,
  platformUserId: string,
  input: Pick<
    QueryCommandInput,
    | 'FilterExpression'
    | 'ExpressionAttributeNames'
    | 'ExpressionAttributeValues'
    | 'ScanIndexForward'
    | 'Limit'
    | 'ExclusiveStartKey'
  >,
) =>
  storeCall(() =>
    client.send(
      new QueryCommand({
        ...input,
        TableName: tableName,
        IndexName: accountsByUserIndex,
        KeyConditionExpression: 'platformUserId = :user',
        ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':user': platformUserId },
      }),
    ),
  );

export const listAccountsByUser: AccountOperation<'listByUser'> =
  (client, tableName) =>
  async (platformUserId, { limit, startAfter }) => {
    const records: AccountRecord[] = [];
    let lastKey = startAfter;
    for (let query = 0; query < maxListQueries; query += 1) {
      const result = await queryByUser(client, tableName, platformUserId, {
        FilterExpression: isConfirmed,
        ScanIndexForward: false,
        Limit: limit - records.length + listReadSlack,
        ...(lastKey ? { ExclusiveStartKey: { ...lastKey } } : {}),
      });
      records.push(...((result.Items ?? []) as AccountRecord[]));
      lastKey = result.LastEvaluatedKey as AccountsPageKey | undefined;
      if (!lastKey || records.length >= limit) break;
    }
    return { records, lastKey };
  };

export const listCreatedAccounts: AccountOperation<'listCreated'> =
  (client, tableName) => async (platformUserId, type) => {
    const records: AccountRecord[] = [];
    let lastKey: Record<string, unknown> | undefined;
    do {
      const result = await queryByUser(client, tableName, platformUserId, {
        FilterExpression: all(wasCreated, '#type = :type'),
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': type },
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
      });
      records.push(...((result.Items ?? []) as AccountRecord[]));
      lastKey = result.LastEvaluatedKey;
    } while (lastKey);
    return records;
  };

export const markAccountDeauthorized: AccountOperation<'markDeauthorized'> =
  (client, tableName) =>
  async ({ accountId, platformUserId }, at) => {
    const result = await conditionalCall(() =>
      client.send(
        new UpdateCommand({
          ...deauthorizationWrite(tableName, accountId, at, at, platformUserId),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Unknown, deauthorized already, or connected again since `at`: a consistent read tells which (dynalite ignores ReturnValuesOnConditionCheckFailure).
    return result ? (result.Attributes as AccountRecord) : readAccountItem(client, tableName, accountId);
  };

export const applyAccountSnapshotInPlace: AccountOperation<'applyInPlace'> =
  (client, tableName) => (eventId, change, now) =>
    applySnapshotInPlace(client, tableName, eventId, change, now);

/** Every operation: for tests and tools. A function builds only the ones it uses, with {@link accountsRepoOf}. */
export const createAccountsRepo = (client: DynamoDBDocumentClient, tableName: string): AccountsRepo =>
  accountsRepoOf(client, tableName, {
    get: getAccountRecord,
    putConnected: putConnectedAccount,
    confirm: confirmPendingAccount,
    putCreated: putCreatedAccount,
    recordFinished: recordFinishedOnboarding,
    putUnclaimed: putUnclaimedAccount,
    recordState: recordAccountState,
    setCapabilitiesMissing: setAccountCapabilitiesMissing,
    listByUser: listAccountsByUser,
    listCreated: listCreatedAccounts,
    markDeauthorized: markAccountDeauthorized,
    applyInPlace: applyAccountSnapshotInPlace,
  });

/**
 * The part of the repo a function uses, e.g. `accountsRepoOf(client, table, { get: getAccountRecord })`: naming
 * each operation it needs keeps the others, and the writes only they build, out of its bundle (about 6 KB,
 * docs/performance.md).
 */
export const accountsRepoOf = <K extends keyof AccountsRepo>(
  client: DynamoDBDocumentClient,
  tableName: string,
  operations: { readonly [P in K]: AccountOperation<P> },
): Pick<AccountsRepo, K> =>
  Object.fromEntries(
    (Object.entries(operations) as [K, AccountOperation<K>][]).map(([name, operation]) => [
      name,
      operation(client, tableName),
    ]),
  ) as Pick<AccountsRepo, K>;
