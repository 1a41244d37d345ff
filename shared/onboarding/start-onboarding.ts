/**
 * `GET /connect/onboard?type=express|standard&ticket=...[&return_to=...]`: continues the user's
 * unfinished account of that type that this browser created, or creates one (idempotently) and records it,
 * with this browser, before anything else can fail; then sends the browser to a fresh Stripe-hosted
 * onboarding link, binding the onboarding to it with a cookie (./browser-binding.ts). A browser without an id
 * of its own is first sent back to the same URL with one.
 */

import { unconfirmableHash } from '../accounts/confirmation';
import type { ServiceConfig } from '../config';
import { badRequest, conflict, ServiceError, tooManyRequests, withCookies } from '../errors';
import { parseQuery, refuseUnknownParameters, singleParam, withQuery } from '../http/query';
import { type HttpResponse, redirectResponse } from '../http/responses';
import { type ConnectFlow, flowLabel } from '../oauth/flow';
import { flowStartParameters, parseFlowStart } from '../oauth/flow-start';
import { verifyPlatformToken } from '../platform-token';
import { routeTable } from '../routes';
import type { PlatformTokenSecrets } from '../secrets';
import { classifyStripeError, isSavedFailure, stripeFailure } from '../stripe/errors';
import { type EpochMs, inSeconds, pause, secondsMs, toIso } from '../time';
import {
  accountCreateParams,
  accountIdempotencyKey,
  nextOnboardingSlot,
  nextStartAllowedAt,
  unfinishedAccountLimit,
  unfinishedAccounts,
} from './account-settings';
import {
  type BrowserBinding,
  bindingFor,
  bindingLifetimeSeconds,
  browserIdOf,
  newBrowserIdCookie,
  recordedBinding,
} from './browser-binding';
import { onboardingLink } from './onboarding-link';
import { serviceBaseUrl } from './onboarding-urls';
import type { OnboardingAccount, OnboardingObservability, OnboardingStore, OnboardingStripe } from './ports';
import type { OnboardingPageRequest } from './resumed-account';

export interface OnboardingContext extends Omit<OnboardingObservability, 'notices'> {
  readonly config: Pick<
    ServiceConfig,
    'callbackUrl' | 'returnToOrigins' | 'successUrl' | 'failureUrl' | 'expressFeesPayer' | 'expressLosses'
  >;
  readonly secrets: PlatformTokenSecrets;
  readonly accounts: OnboardingStore;
  /** Created only once the request checks out: a refused request never touches Stripe. */
  readonly stripe: () => Promise<OnboardingStripe>;
  readonly now: number;
}

export interface StartOnboardingRequest {
  readonly type: ConnectFlow;
  readonly ticket: string | undefined;
  readonly returnTo: string | undefined;
  /** The URL is the one this route sent a browser without an id back to, with an id cookie set. */
  readonly cookieCheck: boolean;
}

/** The parameter the route adds when it sends a browser back to get an id: without one then, cookies are off. */
const cookieCheckParameter = 'cookie_check';

export const startOnboardingParameters = [...flowStartParameters, cookieCheckParameter] as const;

export const parseStartOnboarding = (
  rawQueryString: string | undefined,
  returnToOrigins: readonly string[],
): StartOnboardingRequest => {
  const query = parseQuery(rawQueryString);
  refuseUnknownParameters(query, '/connect/onboard', startOnboardingParameters);
  const { flow, ticket, returnTo } = parseFlowStart(query, returnToOrigins);
  const cookieCheck = singleParam(query, cookieCheckParameter);
  if (cookieCheck !== undefined && cookieCheck !== '1') {
    throw badRequest('invalid_parameter', `${cookieCheckParameter} is set by this service, to 1 only.`);
  }
  return { type: flow, ticket, returnTo, cookieCheck: cookieCheck !== undefined };
};

/**
 * A browser without an id: sent back to the same URL with one (a redirect that reads and writes nothing), or,
 * when this already was that URL, told that it keeps no cookies, which onboarding cannot do without.
 */
const giveBrowserAnId = (
  request: StartOnboardingRequest,
  rawQueryString: string | undefined,
  config: OnboardingContext['config'],
): HttpResponse => {
  if (request.cookieCheck) {
    throw badRequest(
      'cookies_required',
      'This browser did not keep the cookie that ties an onboarding to it. Allow cookies for this site, then ' +
        'start again from the platform.',
    );
  }
  const again = withQuery(`${serviceBaseUrl(config)}${routeTable.startOnboarding.path}?${rawQueryString ?? ''}`, {
    [cookieCheckParameter]: '1',
  });
  return redirectResponse(again, [newBrowserIdCookie()]);
};

/**
 * How many keys one request gives up when its own request fails under them and Stripe saves that failure. A
 * saved 500 is replayed to that key for 24 hours, so without a new key every click of the user would fail for
 * a day; the cost is a second account if the failed request had created one (findable by its metadata,
 * docs/onboarding.md).
 */
const maxKeyRenewals = 1;

/**
 * How many keys one request moves past whose failure an earlier request left (Stripe answers it
 * `Idempotent-Replayed`): the first click of an outage leaves two and each later one one more, and every click
 * walks the same keys, so once Stripe is back the first click walks past them to a key that works, up to 15
 * clicks into an outage. Each is one quick answer from Stripe.
 */
const maxReplayedKeys = 16;

/** A click that no retry of the next few minutes can help: it is told to come back later, not to try again now. */
const cannotSetUpNow = (): ServiceError =>
  conflict(
    'onboarding_unavailable',
    'A new account could not be set up for you right now. Go back to the platform and try again later.',
  );

/**
 * How long a click waits, once, when another click's request still holds the same key (Stripe's 409
 * `idempotency_key_in_use`, after stripe-node's own retry): then the same key gets that request's account.
 */
const keyInUseWaitMs = 500;

/**
 * Creates the account at Stripe under the slot's idempotency key: waiting once for another click that holds
 * the key, and moving past a key Stripe saved a failure under.
 */
const createAccountAtStripe = async (
  platformUserId: string,
  type: ConnectFlow,
  slot: number,
  stripe: OnboardingStripe,
  context: OnboardingContext,
): Promise<string> => {
  let renewal = 0;
  let renewedForOwnFailure = 0;
  let waited = false;
  for (;;) {
    let sent = 0;
    try {
      // The current platform token secret's key only, even during a roll (accountIdempotencyKey says what that costs).
      const key = accountIdempotencyKey(context.secrets.platformTokenSecret, platformUserId, type, slot, renewal);
      const params = accountCreateParams(type, platformUserId, slot, context.config);
      return (await stripe.createAccount(params, key, () => (sent += 1))).id;
    } catch (error) {
      const failure = classifyStripeError(error);
      // A saved failure would be replayed to this key for a day; a key first sent with other parameters (an
      // earlier deployment's, or other settings: an account created then, never recorded) is refused as long.
      const keyIsDead = isSavedFailure(failure) || failure.kind === 'key_reused';
      // A replay answered to a request sent once is an earlier request's; sent again (its first answer lost), the
      // replay may be of this request's own failure.
      const leftByEarlierRequest = isSavedFailure(failure) && failure.replayed === true && sent <= 1;
      const walkedPast = renewal - renewedForOwnFailure;
      // A failure of its own after walking past earlier clicks' says Stripe still fails: its key is not renewed, so
      // each click of an outage leaves one more key for the click after Stripe is back to walk past, not two.
      const mayRenew = leftByEarlierRequest
        ? walkedPast < maxReplayedKeys
        : renewedForOwnFailure < maxKeyRenewals && (walkedPast === 0 || failure.kind === 'key_reused');
      if (failure.kind === 'key_in_use' && !waited) {
        waited = true;
        await pause(keyInUseWaitMs);
      } else if (keyIsDead && mayRenew) {
        renewal += 1;
        if (!leftByEarlierRequest) renewedForOwnFailure += 1;
        context.logger.warn('account creation cannot succeed under its idempotency key; trying a new key', {
          platformUserId,
          type,
          slot,
          renewal,
          stripeFailure: failure.kind,
          replayed: leftByEarlierRequest,
        });
      } else if (leftByEarlierRequest) {
        // Every key this request may walk past holds a failure earlier clicks left, which Stripe replays for a day:
        // no click succeeds before then, so the answer is not a 5xx that says to try again in a moment.
        context.logger.error('account creation: the slot keys a click walks all hold failures earlier clicks left', {
          platformUserId,
          type,
          slot,
          renewal,
        });
        throw cannotSetUpNow();
      } else {
        throw stripeFailure(error);
      }
    }
  }
};

/** How many slots one click moves past when the user's earlier accounts, or other browsers', already hold them. */
const maxSlotSkips = 3;

interface Continued {
  readonly record: OnboardingAccount;
  readonly browser: BrowserBinding;
}

/** The accounts of `lists` by id, a later list's record replacing an earlier one's. */
const mergedById = (...lists: readonly (readonly OnboardingAccount[])[]): OnboardingAccount[] => [
  ...new Map(lists.flat().map((account) => [account.accountId, account])).values(),
];

/**
 * Creates the account at Stripe (the same one again for a repeat) and records it with this browser's binding to
 * it; one write. When the slot's key gives back an account the record does not give this browser (another
 * browser's click won a race to it, or an earlier account of the user's holds the slot), the next slot is used,
 * after the user's accounts are listed again: the other browser's account may have been the last start allowed.
 * That list comes from an index DynamoDB updates a moment after each write, so the accounts found holding a
 * slot (read consistently) are counted with it: a burst of clicks from many browsers stops at the limit.
 */
const createAndRecord = async (
  platformUserId: string,
  browserId: string,
  type: ConnectFlow,
  existing: readonly OnboardingAccount[],
  stripe: OnboardingStripe,
  context: OnboardingContext,
): Promise<Continued> => {
  const first = nextOnboardingSlot(existing, type);
  const holders: OnboardingAccount[] = [];
  for (let slot = first; ; slot += 1) {
    const accountId = await createAccountAtStripe(platformUserId, type, slot, stripe, context);
    // A new binding is made with the current secret; during a roll, recordedBinding also finds the previous one's.
    const browser = bindingFor(context.secrets.platformTokenSecret, browserId, accountId);
    const stored = await context.accounts.putCreated({
      accountId,
      platformUserId,
      type,
      livemode: stripe.livemode,
      onboardingSlot: slot,
      confirmationHash: unconfirmableHash(),
      browserHash: browser.hash,
      at: context.now,
    });
    if (stored.ok) {
      context.logger.info('onboarding account created', { accountId, platformUserId, type, slot });
      context.metrics.count('OnboardingAccountCreated', { flow: type });
      return { record: stored.record, browser };
    }
    // The key is this user's own, so an account under it that is not this browser's is left where it is
    // (another user's record is never handed over, another browser's never joined) and the next slot is tried.
    context.logger[stored.reason === 'claimed' ? 'error' : 'warn'](
      stored.reason === 'claimed'
        ? "onboarding slot's account is held by another user; trying the next"
        : "onboarding slot's account is another browser's or an earlier one of the user's; trying the next",
      { accountId, platformUserId, type, slot },
    );
    if (slot - first >= maxSlotSkips) throw cannotSetUpNow();
    if (stored.reason === 'slot_taken') {
      holders.push(stored.holder);
      const listed = await context.accounts.listCreated(platformUserId, type);
      const allowedAt = nextStartAllowedAt(mergedById(existing, listed, holders), type, context.now);
      if (allowedAt !== undefined) throw tooManyUnfinished(type, allowedAt, context.now);
    }
  }
};

/**
 * The user's unfinished account of this type that this browser may continue (its record names the
 * browser), with the browser's binding; any other browser gets an account of its own.
 */
const continuedHere = (
  existing: readonly OnboardingAccount[],
  type: ConnectFlow,
  cookies: OnboardingPageRequest['cookies'],
  secrets: PlatformTokenSecrets,
): Continued | undefined => {
  for (const record of unfinishedAccounts(existing, type)) {
    const browser = recordedBinding(cookies, secrets, record);
    if (browser) return { record, browser };
  }
  return undefined;
};

const minuteMs = secondsMs(60);

/**
 * A click that would start one unfinished account too many (`unfinishedAccountLimit`): nothing is created.
 * The time is rounded up to the minute, so that a click at the time it names (or after `Retry-After`) is allowed.
 */
const tooManyUnfinished = (type: ConnectFlow, allowedAt: EpochMs, now: EpochMs): ServiceError => {
  const allowedFrom = Math.ceil(allowedAt / minuteMs) * minuteMs;
  return tooManyRequests(
    'too_many_unfinished_accounts',
    `You have started ${unfinishedAccountLimit} ${flowLabel(type)} accounts in the last ` +
      `${bindingLifetimeSeconds / (24 * 60 * 60)} days without finishing them. Continue one in the browser ` +
      'where you started it, or start a new ' +
      `one from ${toIso(allowedFrom).slice(0, 16).replace('T', ' ')} UTC.`,
    Math.max(0, Math.ceil(inSeconds(allowedFrom - now))),
  );
};

export const startOnboarding = async (
  { rawQueryString, cookies }: OnboardingPageRequest,
  context: OnboardingContext,
): Promise<HttpResponse> => {
  const { config, secrets, accounts, now } = context;
  const request = parseStartOnboarding(rawQueryString, config.returnToOrigins);
  const { platformUserId } = await verifyPlatformToken(request.ticket, secrets, now);
  const browserId = browserIdOf(cookies);
  if (browserId === undefined) return giveBrowserAnId(request, rawQueryString, config);
  const existing = await accounts.listCreated(platformUserId, request.type);
  const continued = continuedHere(existing, request.type, cookies, secrets);
  const allowedAt = continued ? undefined : nextStartAllowedAt(existing, request.type, now);
  if (allowedAt !== undefined) throw tooManyUnfinished(request.type, allowedAt, now);
  const stripe = await context.stripe();
  const { record, browser } =
    continued ?? (await createAndRecord(platformUserId, browserId, request.type, existing, stripe, context));
  context.metrics.count('OnboardingStarted', { flow: request.type });
  const binding = [browser.cookie(record.accountId)];
  try {
    const link = await onboardingLink(
      {
        accountId: record.accountId,
        platformUserId,
        type: record.type,
        ...(request.returnTo ? { returnTo: request.returnTo } : {}),
        bindingHash: browser.hash,
      },
      stripe,
      context,
    );
    return redirectResponse(link.url, binding);
  } catch (error) {
    // The account is recorded with this browser: its next click continues it, even after this failure.
    throw error instanceof ServiceError ? withCookies(error, binding) : error;
  }
};
