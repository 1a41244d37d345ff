import Stripe from 'stripe';
import { settingDefaults } from '../../../shared/config';
import { createLogger } from '../../../shared/logger';
import type { MetricName, ServiceMetrics } from '../../../shared/metrics';
import type { ConnectFlow } from '../../../shared/oauth/flow';
import type {
  FinishedOnboarding,
  NewCreatedAccount,
  OnboardingAccount,
  OnboardingStore,
  OnboardingStripe,
} from '../../../shared/onboarding/ports';
import { isRejectedReason } from '../../../shared/stripe/rejected';
import type { AccountState, StateChange } from '../../../shared/webhooks/account-change';

export const TOKEN_SECRET = 'onboarding-unit-tests-secret-0123456789abcdef';
export const NOW = Date.parse('2026-11-24T10:00:00Z');

export const config = {
  callbackUrl: 'https://connect.example/prod/connect/callback',
  successUrl: 'https://platform.example/ok',
  failureUrl: 'https://platform.example/failed',
  returnToOrigins: ['https://app.platform.example'],
  expressFeesPayer: settingDefaults.expressFeesPayer,
  expressLosses: settingDefaults.expressLosses,
};

type StoredAccount = OnboardingAccount & {
  finished?: FinishedOnboarding;
  confirmed?: boolean;
  /** Stripe's state as `recordState` stored it, and the second it is of (`stripeStateAt`). */
  state?: AccountState;
  stateAt?: number;
};

/** The accounts store's documented behaviour, in memory, counting reads and writes. */
export class FakeStore implements OnboardingStore {
  readonly items = new Map<string, StoredAccount>();
  reads = 0;
  writes = 0;
  /** The writes of the return, in the order they were made. */
  readonly returnWrites: ('recordFinished' | 'recordState')[] = [];

  async get(accountId: string) {
    this.reads += 1;
    return this.items.get(accountId);
  }

  async listCreated(platformUserId: string, type: ConnectFlow) {
    this.reads += 1;
    // As the repo: every account of the type created here, even once connected through OAuth (it keeps its slot).
    return [...this.items.values()].filter(
      (item) => item.platformUserId === platformUserId && item.onboardingSlot !== undefined && item.type === type,
    );
  }

  async putCreated(account: NewCreatedAccount) {
    this.writes += 1;
    const existing = this.items.get(account.accountId);
    if (existing && existing.platformUserId !== account.platformUserId)
      return { ok: false as const, reason: 'claimed' as const };
    // As the repo: the same browser again (the same binding) gets the record back; for another the slot is taken.
    if (existing) {
      return existing.browserHashes.includes(account.browserHash)
        ? { ok: true as const, record: existing }
        : { ok: false as const, reason: 'slot_taken' as const, holder: existing };
    }
    const record: StoredAccount = {
      accountId: account.accountId,
      platformUserId: account.platformUserId,
      type: account.type,
      connection: 'created',
      status: 'connected',
      detailsSubmitted: false,
      onboardingSlot: account.onboardingSlot,
      confirmationPending: true,
      browserHashes: [account.browserHash],
      connectedAt: new Date(account.at).toISOString(),
      rejected: false,
      stateVersion: 0,
    };
    this.items.set(account.accountId, record);
    return { ok: true as const, record };
  }

  async recordFinished(owned: Pick<OnboardingAccount, 'accountId' | 'platformUserId'>, finished: FinishedOnboarding) {
    this.writes += 1;
    this.returnWrites.push('recordFinished');
    const item = this.items.get(owned.accountId);
    if (!item || item.platformUserId !== owned.platformUserId) throw new Error('recordFinished on a record not owned');
    if (item.confirmed) {
      this.items.set(owned.accountId, { ...item, detailsSubmitted: true, finished });
      return 'already_confirmed' as const;
    }
    // As the repo: without a value only a confirmed account is written.
    if (!finished.confirmation) return 'gone' as const;
    this.items.set(owned.accountId, { ...item, detailsSubmitted: true, finished });
    return 'pending' as const;
  }

  async recordState(change: StateChange, _now: number) {
    this.writes += 1;
    this.returnWrites.push('recordState');
    const item = this.items.get(change.accountId);
    const stateAt = Math.floor(change.asOf / 1000);
    // As the repo: only a connected account, never over a newer snapshot, and over one of its own second only
    // while the snapshot the reader saw is stored.
    const storedAt = item?.stateAt ?? Number.NEGATIVE_INFINITY;
    if (item?.status !== 'connected' || storedAt > stateAt) return false;
    if (storedAt === stateAt && change.seen !== item.stateVersion) return false;
    this.items.set(change.accountId, {
      ...item,
      stateVersion: item.stateVersion + 1,
      detailsSubmitted: change.state.detailsSubmitted,
      rejected: isRejectedReason(change.state.requirements?.disabledReason),
      state: change.state,
      stateAt,
    });
    return true;
  }

  add(record: Partial<StoredAccount> & Pick<OnboardingAccount, 'accountId' | 'platformUserId'>): void {
    this.items.set(record.accountId, {
      type: 'express',
      connection: 'created',
      status: 'connected',
      detailsSubmitted: false,
      confirmationPending: false,
      browserHashes: [],
      connectedAt: new Date().toISOString(),
      rejected: false,
      stateVersion: 0,
      ...record,
    });
  }
}

export const stripeError = (type: 'api' | 'invalid_request', message = 'boom') =>
  type === 'api'
    ? new Stripe.errors.StripeAPIError({ message, type: 'api_error' })
    : new Stripe.errors.StripeInvalidRequestError({ message, type: 'invalid_request_error' });

/** Stripe as the service sees it: accounts created once per idempotency key, scripted failures. */
export class FakeStripe implements OnboardingStripe {
  readonly livemode = false;
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly accountsByKey = new Map<string, string>();
  readonly accounts = new Map<
    string,
    {
      details_submitted: boolean;
      charges_enabled: boolean;
      payouts_enabled: boolean;
      capabilities?: Record<string, string>;
    }
  >();
  failNext: Partial<Record<'createAccount' | 'createAccountLink' | 'retrieveAccount' | 'createAccountSession', Error>> =
    {};
  private counter = 0;

  private failure(method: keyof FakeStripe['failNext']): void {
    const error = this.failNext[method];
    if (error) {
      delete this.failNext[method];
      throw error;
    }
  }

  async createAccount(params: Stripe.AccountCreateParams, idempotencyKey: string) {
    this.calls.push({ method: 'createAccount', args: [params, idempotencyKey] });
    this.failure('createAccount');
    let id = this.accountsByKey.get(idempotencyKey);
    if (!id) {
      this.counter += 1;
      id = `acct_fake${String(this.counter).padStart(4, '0')}`;
      this.accountsByKey.set(idempotencyKey, id);
      this.accounts.set(id, { details_submitted: false, charges_enabled: false, payouts_enabled: false });
    }
    return { id };
  }

  async createAccountLink(params: Stripe.AccountLinkCreateParams) {
    this.calls.push({ method: 'createAccountLink', args: [params] });
    this.failure('createAccountLink');
    return {
      object: 'account_link' as const,
      created: Math.floor(NOW / 1000),
      expires_at: Math.floor(NOW / 1000) + 300,
      url: `https://connect.stripe.example/setup/s/${params.account}/link${this.calls.length}`,
    };
  }

  async retrieveAccount(accountId: string) {
    this.calls.push({ method: 'retrieveAccount', args: [accountId] });
    this.failure('retrieveAccount');
    const account = this.accounts.get(accountId);
    if (!account) throw stripeError('invalid_request', `No such account: '${accountId}'`);
    return { id: accountId, object: 'account', ...account } as unknown as Stripe.Account;
  }

  async createAccountSession(params: Stripe.AccountSessionCreateParams) {
    this.calls.push({ method: 'createAccountSession', args: [params] });
    this.failure('createAccountSession');
    return {
      object: 'account_session' as const,
      account: params.account,
      client_secret: 'accs_secret__fake',
      expires_at: Math.floor(NOW / 1000) + 1800,
      livemode: false,
      components: params.components as unknown as Stripe.AccountSession.Components,
    };
  }

  callNames(): string[] {
    return this.calls.map((call) => call.method);
  }
}

export class FakeMetrics implements ServiceMetrics {
  readonly counted: { name: MetricName; dimension?: unknown }[] = [];
  count(name: MetricName, dimension?: unknown): void {
    this.counted.push(dimension === undefined ? { name } : { name, dimension });
  }
}

export const quietLogger = () => createLogger('test', () => undefined);

/** The context the onboarding use cases take, on fresh fakes; the fakes too, to seed and inspect. */
export const fakeContext = () => {
  const accounts = new FakeStore();
  const stripe = new FakeStripe();
  const metrics = new FakeMetrics();
  const context = {
    config,
    secrets: { platformTokenSecret: TOKEN_SECRET },
    accounts,
    stripe: async () => stripe,
    logger: quietLogger(),
    metrics,
    notices: { publish: async () => undefined },
    now: NOW,
  };
  return { accounts, stripe, metrics, context };
};
