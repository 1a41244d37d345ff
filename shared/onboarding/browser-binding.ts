/**
 * Which browser an onboarding belongs to. A resume value is a bearer value that lives a day, and the
 * refresh and return URLs that carry it are on this service's domain: anyone given one could otherwise
 * fill in the account's onboarding, or fetch the confirmation once someone else had filled it in
 * (docs/security.md, "Onboarding links opened in another browser"). So the click that creates an account
 * sets an HttpOnly cookie holding 256 random bits (the binding) in its browser, stores the binding's
 * SHA-256 on the record, and signs it into the resume value:
 * - `/connect/onboard` continues an unfinished account only for a browser the record names; any other
 *   browser of the user gets an account of its own;
 * - the refresh and return pages act only for the browser whose cookie matches the resume value.
 *
 * A browser's first click is sent back to the same start URL with a cookie of its own first, which names it
 * in the idempotency key of every account it creates ({@link browserIdHash}): two browsers given one user's
 * start link at the same moment (a victim's, sent there by Mallory's page as she clicks it herself) compute
 * different keys, so they never meet on one account; the clicks of one browser (a double click) still share
 * a key, and an account.
 *
 * A resume value minted for the platform API's account links has no binding: the platform's backend, not
 * a browser of ours, hands that link to its user. Its refresh goes back to the platform, which makes a new
 * link for its signed-in user, and its return never hands out a confirmation.
 */
import { browserCookie, browserCookieName, onboardingCookie, onboardingCookieName, readCookie } from '../http/cookies';
import { hashSecretValue, isWellFormedStateValue, mintSecretValue } from '../oauth/state';
import { sameBytes } from '../same-bytes';

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

/** The binding the browser's cookie holds for `accountId`, when it holds a well-formed one. */
const heldBinding = (cookies: Cookies, accountId: string): string | undefined => {
  const held = readCookie(cookies, onboardingCookieName(accountId));
  return isWellFormedStateValue(held) ? held : undefined;
};

/**
 * The SHA-256 (base64url) of the browser's own id, the cookie `/connect/onboard` sends a browser without one
 * back with: what the keys of the accounts it creates name. Undefined when the browser holds no well-formed one.
 */
export const browserIdHash = (cookies: Cookies): string | undefined => {
  const held = readCookie(cookies, browserCookieName);
  return isWellFormedStateValue(held) ? hashSecretValue(held) : undefined;
};

/** The Set-Cookie that gives a browser a new id of 256 random bits, kept as long as a binding. */
export const newBrowserIdCookie = (): string => browserCookie(mintSecretValue(), bindingLifetimeSeconds);

/** A new browser binding, for the click that creates an account. */
export const newBrowserBinding = (): BrowserBinding => bindingOf(mintSecretValue());

/**
 * The binding this browser holds for the account, when the record names it among the browsers that may
 * continue the account's onboarding (a revisit, a second tab); otherwise none.
 */
export const recordedBinding = (
  cookies: Cookies,
  account: { readonly accountId: string; readonly browserHashes: readonly string[] },
): BrowserBinding | undefined => {
  const held = heldBinding(cookies, account.accountId);
  return held !== undefined && account.browserHashes.includes(hashSecretValue(held)) ? bindingOf(held) : undefined;
};

/** Whether the browser sending `cookies` holds the binding whose hash is `bindingHash`, compared in constant time. */
export const isBoundBrowser = (cookies: Cookies, accountId: string, bindingHash: string): boolean => {
  const held = heldBinding(cookies, accountId);
  if (held === undefined) return false;
  return sameBytes(Buffer.from(hashSecretValue(held)), Buffer.from(bindingHash));
};
