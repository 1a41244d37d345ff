/**
 * What the onboarding use cases need from the outside world, as small interfaces: the accounts store,
 * Stripe, notices, logs and metrics. Handlers pass the real ones; unit tests pass fakes.
 */
import type Stripe from 'stripe';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { NoticePublisher } from '../notifications/account-notices';
import type { ConnectFlow } from '../oauth/flow';

/** How an account came to the platform: the OAuth flows, or created here with the Accounts API. */
export type AccountConnection = 'oauth' | 'created';

/** The fields of an account record onboarding reads. Records written before `connection` existed are OAuth ones. */
export interface OnboardingAccount {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly connection?: AccountConnection;
  readonly status: 'connected' | 'deauthorized';
  readonly detailsSubmitted: boolean;
  /** Which of the user's created accounts of this type it is (0, 1, ...): part of its idempotency key. */
  readonly onboardingSlot?: number;
  /** True until the platform's backend confirms the account for its user (see docs/onboarding.md). */
  readonly confirmationPending?: boolean;
}

export interface NewCreatedAccount {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  readonly livemode: boolean;
  readonly onboardingSlot: number;
  /** ISO-8601. */
  readonly at: string;
}

export type PutCreatedResult =
  | { readonly ok: true; readonly record: OnboardingAccount }
  | { readonly ok: false; readonly reason: 'claimed' };

/** What the owner finished with at Stripe, and the confirmation the platform must present. */
export interface FinishedOnboarding {
  readonly chargesEnabled: boolean;
  readonly payoutsEnabled: boolean;
  readonly detailsSubmitted: boolean;
  readonly confirmationHash: string;
  readonly confirmationExpiresAt: number;
  readonly at: string;
}

export interface OnboardingStore {
  get(accountId: string): Promise<OnboardingAccount | undefined>;
  /** Every account of the user (all pages). */
  listByUser(platformUserId: string): Promise<readonly OnboardingAccount[]>;
  /**
   * Records an account the platform just created, pending confirmation, in one conditional write: a
   * repeat for the same user is a no-op that returns the record; an account held by another user is refused.
   */
  putCreated(account: NewCreatedAccount): Promise<PutCreatedResult>;
  /**
   * Stores Stripe's state at the return and, unless the account is confirmed already, the new
   * confirmation's hash (replacing an older one). Says which of the two it was.
   */
  recordFinished(
    owned: Pick<OnboardingAccount, 'accountId' | 'platformUserId'>,
    finished: FinishedOnboarding,
  ): Promise<'pending' | 'already_confirmed'>;
}

/** The Stripe calls onboarding makes, narrow enough to fake. */
export interface OnboardingStripe {
  readonly livemode: boolean;
  createAccount(params: Stripe.AccountCreateParams, idempotencyKey: string): Promise<Pick<Stripe.Account, 'id'>>;
  createAccountLink(params: Stripe.AccountLinkCreateParams): Promise<Stripe.AccountLink>;
  retrieveAccount(
    accountId: string,
  ): Promise<Pick<Stripe.Account, 'id' | 'details_submitted' | 'charges_enabled' | 'payouts_enabled'>>;
  createAccountSession(params: Stripe.AccountSessionCreateParams): Promise<Stripe.AccountSession>;
}

/** The stripe-node client behind the port. */
export const stripeOnboardingPort = (client: Stripe, livemode: boolean): OnboardingStripe => ({
  livemode,
  createAccount: (params, idempotencyKey) => client.accounts.create(params, { idempotencyKey }),
  createAccountLink: (params) => client.accountLinks.create(params),
  retrieveAccount: (accountId) => client.accounts.retrieve(accountId),
  createAccountSession: (params) => client.accountSessions.create(params),
});

export interface OnboardingObservability {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly notices: NoticePublisher;
}
