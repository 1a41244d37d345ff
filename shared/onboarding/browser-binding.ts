/**
 * Which browser an onboarding belongs to. A resume value is a bearer value that lives a day, and the
 * refresh and return URLs that carry it are on this service's domain: anyone given one could otherwise
 * fill in the account's onboarding, or fetch the confirmation once someone else had filled it in
 * (docs/security.md, "Onboarding links opened in another browser"). So each browser first gets an id of its
 * own (an HttpOnly cookie of 256 random bits, {@link browserIdOf}), and the click that creates an account sets
 * a second cookie for that account, the binding: a MAC of the browser's id and the account id under the
 * deployment's secret ({@link bindingFor}). The record keeps the binding's SHA-256 and the resume value
 * carries it, signed:
 * - `/connect/onboard` continues an unfinished account only for a browser the record names (by the binding
 *   its id gives, or the one its cookie holds: {@link recordedBinding}); any other browser of the user gets
 *   an account of its own;
 * - clicks that race to create the same account (Stripe gives them one account under the slot's key) get
 *   the same binding only from one browser (a double click), so the record takes only that browser's
 *   clicks: another browser's, even at the same moment (a victim's, sent to Mallory's start link by her page
 *   as she clicks it herself), moves on to an account of its own;
 * - the refresh and return pages act only for the browser whose cookie matches the resume value.
 *
 * A resume value minted for the platform API's account links has no binding: the platform's backend, not
 * a browser of ours, hands that link to its user. Its refresh goes back to the platform, which makes a new
 * link for its signed-in user, and its return never hands out a confirmation.
 */
import { createHmac } from 'node:crypto';
import { browserCookie, browserCookieName, onboardingCookie, onboardingCookieName, readCookie } from '../http/cookies';
import { hashSecretValue, isWellFormedStateValue, mintSecretValue } from '../oauth/state';
import { sameBytes } from '../same-bytes';
import { type PlatformTokenSecrets, platformTokenSecretsThatVerify } from '../secrets';

type Cookies = readonly string[] | undefined;

/**
 * How long the browser keeps its binding: longer than a resume value lives (a day), so an owner who comes
 * back to the platform weeks later, in the same browser, still continues the same account.
 */
export const bindingLifetimeSeconds = 30 * 24 * 60 * 60;

export interface BrowserBinding {
  /** What the record keeps and the resume value carries: the SHA-256 (base64url) of the cookie's value. */
  readonly hash: string;
  /** The Set-Cookie that keeps the binding in the browser for `accountId` ({@link bindingLifetimeSeconds}). */
  cookie(accountId: string): string;
}

const bindingOf = (binding: string): BrowserBinding => ({
  hash: hashSecretValue(binding),
  cookie: (accountId) => onboardingCookie(accountId, binding, bindingLifetimeSeconds),
});

/** The value of cookie `name` when it is a well-formed secret value (a binding or an id); otherwise undefined. */
const wellFormedCookie = (cookies: Cookies, name: string): string | undefined => {
  const held = readCookie(cookies, name);
  return isWellFormedStateValue(held) ? held : undefined;
};

/** The binding the browser's cookie holds for `accountId`, when it holds a well-formed one. */
const heldBinding = (cookies: Cookies, accountId: string): string | undefined =>
  wellFormedCookie(cookies, onboardingCookieName(accountId));

/**
 * The browser's own id, the cookie `/connect/onboard` sends a browser without one back with; undefined when the
 * browser holds no well-formed one.
 */
export const browserIdOf = (cookies: Cookies): string | undefined => wellFormedCookie(cookies, browserCookieName);

/** The Set-Cookie that gives a browser a new id of 256 random bits, kept as long as a binding. */
export const newBrowserIdCookie = (): string => browserCookie(mintSecretValue(), bindingLifetimeSeconds);

/**
 * The binding of browser `browserId` to account `accountId`, for the click that creates it: every click of that
 * browser computes the same one, and no other browser can. 256 bits of an HMAC under the deployment's secret,
 * for this one purpose, in the same form as a random binding. A new binding is made with the current platform
 * token secret only; {@link recordedBinding} also finds one made with the previous secret during a roll.
 */
export const bindingFor = (platformTokenSecret: string, browserId: string, accountId: string): BrowserBinding =>
  bindingOf(
    createHmac('sha256', platformTokenSecret)
      .update(`connect-onboarding browser-binding v1\n${browserId}\n${accountId}`)
      .digest('base64url'),
  );

/**
 * The bindings this browser can show for `accountId` at `/connect/onboard`: the ones its id derives, and the
 * one its cookie for the account holds. The first cover a browser whose binding cookie is gone (a start
 * whose answer never arrived, say) and the second a browser whose id has changed since it created the
 * account (two tabs that were each given an id at once keep only the later one). Its id derives one binding
 * with each secret that verifies: during a roll of the platform token secret, an account the browser created
 * before the roll is still found by its id. (The cookie's binding needs no secret: the record keeps its hash.)
 */
const bindingsShown = (cookies: Cookies, secrets: PlatformTokenSecrets, accountId: string): BrowserBinding[] => {
  const browserId = browserIdOf(cookies);
  const held = heldBinding(cookies, accountId);
  return [
    ...(browserId === undefined
      ? []
      : platformTokenSecretsThatVerify(secrets).map((secret) => bindingFor(secret, browserId, accountId))),
    ...(held === undefined ? [] : [bindingOf(held)]),
  ];
};

/**
 * The binding of this browser to the account, when the record names it among the browsers that may continue
 * the account's onboarding (a revisit, a second tab); otherwise none.
 */
export const recordedBinding = (
  cookies: Cookies,
  secrets: PlatformTokenSecrets,
  account: { readonly accountId: string; readonly browserHashes: readonly string[] },
): BrowserBinding | undefined =>
  bindingsShown(cookies, secrets, account.accountId).find((binding) => account.browserHashes.includes(binding.hash));

/**
 * Whether the browser sending `cookies` holds the binding whose hash is `bindingHash` in its cookie for the
 * account, compared in constant time. Only the cookie counts here, not the id: the refresh and return pages
 * take no ticket, so someone who once read a browser's id (a shared computer) and is later forwarded a
 * resume value of an account that browser created still gets nowhere; `/connect/onboard`, which accepts the
 * id, also needs the user's ticket.
 */
export const isBoundBrowser = (cookies: Cookies, accountId: string, bindingHash: string): boolean => {
  const held = heldBinding(cookies, accountId);
  if (held === undefined) return false;
  return sameBytes(Buffer.from(hashSecretValue(held)), Buffer.from(bindingHash));
};
