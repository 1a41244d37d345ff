/**
 * What the onboarding use cases need from the outside world, as small interfaces: the accounts store,
 * Stripe, notices, logs and metrics. Handlers pass the real ones; unit tests pass fakes.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type Stripe from 'stripe';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import type { ConnectFlow } from '../oauth/flow';
import {
  type AccountConnection,
  type AccountRecord,
  type AccountStatus,
  type AccountsRepo,
  accountsRepoOf,
  connectionOf,
  type FinishedOnboarding,
  getAccountRecord,
  isPendingConfirmation,
  listCreatedAccounts,
  type NewCreatedAccount,
  putCreatedAccount,
  recordAccountState,
  recordFinishedOnboarding,
} from '../stores/accounts-repo';
import type { PlatformStripe, StripeAccess } from '../stripe/client';
import { isRejectedReason } from '../stripe/rejected';
import type { EpochMs } from '../time';
import type { StateChange } from '../webhooks/account-change';

/** The fields of an account record onboarding reads. */
export interface OnboardingAccount {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly connection: AccountConnection;
  readonly status: AccountStatus;
  readonly detailsSubmitted: boolean;
  /** Which of the user's created accounts of this type it is (0, 1, ...): part of its idempotency key. */
  readonly onboardingSlot?: number;
  /** True until the platform's backend confirms the account for its user (see docs/onboarding.md). */
  readonly confirmationPending: boolean;
  /** The binding hashes of the browsers that may continue its onboarding (./browser-binding.ts). */
  readonly browserHashes: readonly string[];
  /** ISO time it was recorded: for an account created here, when its onboarding started. */
  readonly connectedAt: string;
  /** Stripe or the platform rejected it (its stored `requirements.disabled_reason`): it will never be finished. */
  readonly rejected: boolean;
  /** The version of its stored snapshot (0 for none): what a read at Stripe after this one saw (`StateChange.seen`). */
  readonly stateVersion: number;
}

export type { FinishedOnboarding, NewCreatedAccount };

export type PutCreatedResult =
  | { readonly ok: true; readonly record: OnboardingAccount }
  | { readonly ok: false; readonly reason: 'claimed' }
  /** `holder`: the user's record that holds the account, read consistently (the index behind `listCreated` may lag). */
  | { readonly ok: false; readonly reason: 'slot_taken'; readonly holder: OnboardingAccount };

export interface OnboardingStore {
  get(accountId: string): Promise<OnboardingAccount | undefined>;
  /** The user's created (onboarding) accounts of `type`, pending or not, and even once connected through OAuth. */
  listCreated(platformUserId: string, type: ConnectFlow): Promise<readonly OnboardingAccount[]>;
  /**
   * Records an account the platform just created, pending confirmation, with the creating browser, in one
   * conditional write. A click that raced another to the same account adds its browser and gets the record;
   * the user's own older record under that id is `slot_taken`; another user's is `claimed`.
   */
  putCreated(account: NewCreatedAccount): Promise<PutCreatedResult>;
  /**
   * Marks the details submitted at the return and, unless the account is confirmed already, stores the new
   * confirmation's hash (replacing an older one). Says which of the two it was. Without a confirmation
   * only a confirmed account is written.
   */
  recordFinished(
    owned: Pick<OnboardingAccount, 'accountId' | 'platformUserId'>,
    finished: FinishedOnboarding,
  ): Promise<'pending' | 'already_confirmed' | 'gone'>;
  /**
   * Stores Stripe's state of a connected account as read at `change.asOf`, unless the record holds a newer
   * one (an `account.updated` applied meanwhile); false when refused.
   */
  recordState(change: StateChange, now: EpochMs): Promise<boolean>;
}

/** What onboarding reads of a stored record. */
export const onboardingAccountOf = (record: AccountRecord): OnboardingAccount => ({
  accountId: record.accountId,
  platformUserId: record.platformUserId,
  type: record.type,
  connection: connectionOf(record),
  status: record.status,
  detailsSubmitted: record.detailsSubmitted,
  ...(record.onboardingSlot === undefined ? {} : { onboardingSlot: record.onboardingSlot }),
  confirmationPending: isPendingConfirmation(record),
  browserHashes: [...(record.onboardingBrowsers ?? [])],
  connectedAt: record.connectedAt,
  rejected: isRejectedReason(record.requirements?.disabledReason),
  stateVersion: record.stateVersion ?? 0,
});

/** The operations of the accounts repo onboarding uses. */
export type OnboardingAccountsRepo = Pick<
  AccountsRepo,
  'get' | 'listCreated' | 'putCreated' | 'recordFinished' | 'recordState'
>;

/** A record read, as onboarding reads it. */
const onboardingGet =
  (get: AccountsRepo['get']): OnboardingStore['get'] =>
  async (accountId) => {
    const record = await get(accountId);
    return record && onboardingAccountOf(record);
  };

/** The accounts repo behind the port. */
export const onboardingStore = (repo: OnboardingAccountsRepo): OnboardingStore => ({
  get: onboardingGet(repo.get),
  listCreated: async (platformUserId, type) => (await repo.listCreated(platformUserId, type)).map(onboardingAccountOf),
  putCreated: async (account) => {
    const result = await repo.putCreated(account);
    if (result.ok) return { ok: true, record: onboardingAccountOf(result.record) };
    return result.reason === 'slot_taken' ? { ...result, holder: onboardingAccountOf(result.holder) } : result;
  },
  recordFinished: (owned, finished) => repo.recordFinished(owned, finished),
  recordState: (change, now) => repo.recordState(change, now),
});

/** The port over the accounts table, built from only the operations onboarding uses (see `accountsRepoOf`). */
export const onboardingAccounts = (client: DynamoDBDocumentClient, tableName: string): OnboardingStore =>
  onboardingStore(
    accountsRepoOf(client, tableName, {
      get: getAccountRecord,
      listCreated: listCreatedAccounts,
      putCreated: putCreatedAccount,
      recordFinished: recordFinishedOnboarding,
      recordState: recordAccountState,
    }),
  );

/**
 * The part of the port the platform API uses: it only reads accounts, so its bundle carries none of the
 * writes (see `accountsRepoOf`).
 */
export type OnboardingAccountReader = Pick<OnboardingStore, 'get'>;

export const onboardingAccountReader = (
  client: DynamoDBDocumentClient,
  tableName: string,
): OnboardingAccountReader => ({
  get: onboardingGet(getAccountRecord(client, tableName)),
});

/** The Stripe calls onboarding makes, narrow enough to fake. */
export interface OnboardingStripe {
  readonly livemode: boolean;
  /**
   * `onSent` is told each time the request goes out: stripe-node sends it again under the same key when an
   * answer was lost, and Stripe then replays this request's own saved result.
   */
  createAccount(
    params: Stripe.AccountCreateParams,
    idempotencyKey: string,
    onSent?: () => void,
  ): Promise<Pick<Stripe.Account, 'id'>>;
  createAccountLink(params: Stripe.AccountLinkCreateParams): Promise<Stripe.AccountLink>;
  retrieveAccount(accountId: string): Promise<Stripe.Account>;
  createAccountSession(params: Stripe.AccountSessionCreateParams): Promise<Stripe.AccountSession>;
}

/**
 * The stripe-node client behind the port. Each call's options fit the request's time left, and a call
 * with none left rejects as a timeout (`callOptions`), as a call Stripe did not answer would.
 */
export const stripeOnboardingPort = ({ client, livemode, callOptions }: PlatformStripe): OnboardingStripe => ({
  livemode,
  createAccount: async (params, idempotencyKey, onSent) => {
    const sent = (event: Stripe.RequestEvent) => {
      if (event.idempotency_key === idempotencyKey) onSent?.();
    };
    client.on('request', sent);
    try {
      return await client.accounts.create(params, callOptions({ idempotencyKey }));
    } finally {
      client.off('request', sent);
    }
  },
  createAccountLink: async (params) => client.accountLinks.create(params, callOptions()),
  retrieveAccount: async (accountId) => client.accounts.retrieve(accountId, {}, callOptions()),
  createAccountSession: async (params) => client.accountSessions.create(params, callOptions()),
});

/** The port over the platform's Stripe access, reached only when a request gets as far as Stripe. */
export const onboardingStripe =
  (stripe: StripeAccess): (() => Promise<OnboardingStripe>) =>
  async () =>
    stripeOnboardingPort(await stripe());

export interface OnboardingObservability {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly notices: NoticePublisher;
}
