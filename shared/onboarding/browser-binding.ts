/**
 * Which browser an onboarding belongs to. A resume value is a bearer value that lives a day, and the
 * refresh and return URLs that carry it are on this service's domain: anyone given one could otherwise
 * fill in the account's onboarding, or fetch the confirmation once someone else had filled it in
 * (docs/security.md, "Onboarding links"). So `/connect/onboard` sets an HttpOnly cookie holding 256 random
 * bits (the binding) in the browser that opened it, and signs the binding's SHA-256 into the resume value;
 * the refresh and return pages act only for the browser whose cookie matches it.
 *
 * A resume value minted for the platform API's account links has no binding: the platform's backend, not
 * a browser of ours, hands that link to its user. Its refresh goes back to the platform, which makes a new
 * link for its signed-in user, and its return never hands out a confirmation.
 */
import { timingSafeEqual } from 'node:crypto';
import { onboardingCookie, onboardingCookieName, readCookie } from '../http/cookies';
import { hashSecretValue, isWellFormedStateValue, mintSecretValue } from '../oauth/state';
import { resumeLifetimeSeconds } from './resume-value';

export interface BrowserBinding {
  /** What the resume value carries: the SHA-256 (base64url) of the cookie's value. */
  readonly hash: string;
  /** The Set-Cookie that keeps the binding in the browser as long as a resume value lives. */
  readonly cookie: string;
}

/**
 * The browser's binding to the onboarding of `accountId`: the one its cookie already holds (a second tab,
 * a revisit), or a fresh one.
 */
export const bindBrowser = (cookies: readonly string[] | undefined, accountId: string): BrowserBinding => {
  const held = readCookie(cookies, onboardingCookieName(accountId));
  const binding = isWellFormedStateValue(held) ? held : mintSecretValue();
  return { hash: hashSecretValue(binding), cookie: onboardingCookie(accountId, binding, resumeLifetimeSeconds) };
};

/** Whether the browser sending `cookies` holds the binding whose hash is `bindingHash`, compared in constant time. */
export const isBoundBrowser = (
  cookies: readonly string[] | undefined,
  accountId: string,
  bindingHash: string,
): boolean => {
  const held = readCookie(cookies, onboardingCookieName(accountId));
  if (!isWellFormedStateValue(held)) return false;
  const presented = Buffer.from(hashSecretValue(held));
  const expected = Buffer.from(bindingHash);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
};
