/**
 * How the service creates a connected account for each onboarding type, with controller properties
 * (docs/onboarding.md, "The flow in the browser"), and the idempotency key that
 * makes a retried or double-clicked start create one account, not two.
 */
import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import type { ServiceConfig } from '../config';
import type { ConnectFlow } from '../oauth/flow';
import { type EpochMs, secondsMs } from '../time';
import { bindingLifetimeSeconds } from './browser-binding';
import type { OnboardingAccount } from './ports';

/** Who pays an Express account's fees and carries its losses: the deployment's settings (../config.ts). */
export type ExpressResponsibilities = Pick<ServiceConfig, 'expressFeesPayer' | 'expressLosses'>;

/**
 * express: the owner uses the Express Dashboard; Stripe collects the requirements; fees and losses go where
 * the deployment says (by default both on the platform). standard: the owner has the full Stripe Dashboard
 * and carries both.
 */
export const controllerFor = (
  type: ConnectFlow,
  express: ExpressResponsibilities,
): Stripe.AccountCreateParams.Controller =>
  type === 'express'
    ? {
        stripe_dashboard: { type: 'express' },
        fees: { payer: express.expressFeesPayer },
        losses: { payments: express.expressLosses },
        requirement_collection: 'stripe',
      }
    : { stripe_dashboard: { type: 'full' } };

/** Express accounts ask for the capabilities a marketplace needs; Standard owners choose their own. */
const capabilitiesFor = (type: ConnectFlow): Stripe.AccountCreateParams.Capabilities | undefined =>
  type === 'express' ? { card_payments: { requested: true }, transfers: { requested: true } } : undefined;

export const accountCreateParams = (
  type: ConnectFlow,
  platformUserId: string,
  onboardingSlot: number,
  express: ExpressResponsibilities,
): Stripe.AccountCreateParams => {
  const capabilities = capabilitiesFor(type);
  return {
    controller: controllerFor(type, express),
    ...(capabilities ? { capabilities } : {}),
    // Lets an operator find an account whose record was never written (see docs/onboarding.md).
    metadata: { platform_user_id: platformUserId, onboarding_slot: String(onboardingSlot) },
  };
};

/**
 * The user's next slot for this type: one past the highest slot an account of that type was created in
 * (a created account keeps its slot for good, even once connected through OAuth, so a slot is never used
 * twice). Two requests racing before either is recorded compute the same slot, hence the same key and the same
 * account at Stripe; only clicks of one browser may share it (the record names the browser's binding,
 * shared/onboarding/browser-binding.ts): another browser's click moves on to the next slot.
 */
export const nextOnboardingSlot = (accounts: readonly OnboardingAccount[], type: ConnectFlow): number =>
  accounts.reduce(
    (next, account) =>
      account.type === type && account.onboardingSlot !== undefined ? Math.max(next, account.onboardingSlot + 1) : next,
    0,
  );

/** 160 bits of an HMAC of the user under this deployment's secret, for this one purpose. */
const userKeyPart = (platformTokenSecret: string, platformUserId: string): string =>
  createHmac('sha256', platformTokenSecret)
    .update(`connect-onboarding account-idempotency v1\n${platformUserId}`)
    .digest('hex')
    .slice(0, 40);

/**
 * Stripe keeps a key 24 hours: a repeat within that time gets the same account back. `renewal` counts the
 * keys given up because Stripe saved a failure under them (see start-onboarding.ts); every click walks the
 * same ones, so clicks still agree on the key.
 *
 * The user's part is a MAC keyed by the deployment's platform token secret, not a plain hash: two
 * deployments on one Stripe account (a dev and a staging stack sharing test keys) both have a `user_1`,
 * and with the same key the second would get, and record for its own user, the account the first created
 * (docs/onboarding.md, "One account per click, however many clicks").
 *
 * Only the current secret makes keys, also during a roll of the platform token secret: a key is not verified
 * but sent, and Stripe creates an account under any key it has not seen, so trying the previous secret's key
 * as well would create a second account wherever the first had none. What a roll costs: a create interrupted
 * right at the roll (Stripe created the account under the old secret's key, and the record was never written)
 * is not found again by the user's next click, which creates another account in the same slot under the new
 * key; the first stays at Stripe without a record, findable by its metadata (`platform_user_id`,
 * `onboarding_slot`), as after any create whose record write failed (docs/operations.md, "Rolling the platform
 * token secret").
 */
export const accountIdempotencyKey = (
  platformTokenSecret: string,
  platformUserId: string,
  type: ConnectFlow,
  onboardingSlot: number,
  renewal = 0,
): string =>
  `onboard-${type}-${onboardingSlot}-${userKeyPart(platformTokenSecret, platformUserId)}` +
  (renewal > 0 ? `-r${renewal}` : '');

/**
 * The accounts of this type this user started and has not finished: the ones a new click may continue
 * (the browser decides which, shared/onboarding/browser-binding.ts). An account rejected at Stripe is not
 * one of them: it can never be finished, so the browser that started it gets a new account instead of a
 * dead end, and it stops counting toward {@link unfinishedAccountLimit}.
 */
export const unfinishedAccounts = (accounts: readonly OnboardingAccount[], type: ConnectFlow): OnboardingAccount[] =>
  accounts.filter(
    (account) =>
      account.connection === 'created' &&
      account.type === type &&
      account.status === 'connected' &&
      !account.detailsSubmitted &&
      !account.rejected,
  );

/**
 * How many unfinished accounts of a type one user may start within {@link bindingLifetimeSeconds} (the life
 * of the cookie a start leaves). Each click without a binding creates an account at Stripe and leaves
 * a cookie in its browser: without a limit, one ticket could fill the platform's Stripe account with
 * empty accounts, or a page could send a victim's browser through it until its cookies for this service
 * outgrow what API Gateway accepts (docs/security.md, "Accounts started without end"). An owner who
 * switches browsers a few times stays well inside it; accounts the platform rejects at Stripe (as
 * docs/onboarding.md advises for abandoned ones) stop counting once Stripe's `account.updated` says so.
 */
export const unfinishedAccountLimit = 5;

/**
 * When the user may start another account of this type: undefined while below the limit, else when the
 * oldest of the unfinished accounts that count stops counting.
 */
export const nextStartAllowedAt = (
  accounts: readonly OnboardingAccount[],
  type: ConnectFlow,
  now: EpochMs,
): EpochMs | undefined => {
  const window = secondsMs(bindingLifetimeSeconds);
  const counted = unfinishedAccounts(accounts, type)
    .map((account) => Date.parse(account.connectedAt))
    .filter((startedAt) => startedAt > now - window)
    .sort((a, b) => a - b);
  const oldest = counted[counted.length - unfinishedAccountLimit];
  return oldest === undefined ? undefined : oldest + window;
};
