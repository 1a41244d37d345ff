/**
 * The cookies that bind a browser flow to the browser that started it.
 * - OAuth: one per flow, so two flows started side by side in one browser (two tabs) do not overwrite
 *   each other's binding. The name carries a short id of the state (`__Host-connect_state_` and the first
 *   16 characters of the state's SHA-256 in base64url), so the callback finds its own cookie from the
 *   `state` it is given, and clears that one only.
 * - Onboarding: one per account (`__Host-connect_onboard_` and a short id of the account id), so
 *   `/connect/onboard` and the refresh and return pages find it from the account in question
 *   (shared/onboarding/browser-binding.ts).
 * `__Host-` forces Secure, Path=/ and no Domain; SameSite=Lax (not Strict) because the return from Stripe
 * is a cross-site top-level GET that must carry it.
 */
import { hashSecretValue } from '../oauth/state';

export const stateCookiePrefix = '__Host-connect_state_';

/** The name of the binding cookie of the flow whose state is `state`. */
export const stateCookieName = (state: string): string => `${stateCookiePrefix}${hashSecretValue(state).slice(0, 16)}`;

const attributes = (maxAgeSeconds: number) => `Max-Age=${maxAgeSeconds}; Path=/; Secure; HttpOnly; SameSite=Lax`;

export const stateCookie = (state: string, binding: string, maxAgeSeconds: number): string =>
  `${stateCookieName(state)}=${binding}; ${attributes(maxAgeSeconds)}`;

export const onboardingCookiePrefix = '__Host-connect_onboard_';

/** The name of the binding cookie of the onboarding of `accountId`. */
export const onboardingCookieName = (accountId: string): string =>
  `${onboardingCookiePrefix}${hashSecretValue(accountId).slice(0, 16)}`;

export const onboardingCookie = (accountId: string, binding: string, maxAgeSeconds: number): string =>
  `${onboardingCookieName(accountId)}=${binding}; ${attributes(maxAgeSeconds)}`;

export const clearedStateCookie = (state: string): string => `${stateCookieName(state)}=; ${attributes(0)}`;

/** API Gateway v2 delivers cookies as `name=value` strings; the first occurrence of a name wins. */
export const readCookie = (cookies: readonly string[] | undefined, name: string): string | undefined => {
  for (const cookie of cookies ?? []) {
    const separator = cookie.indexOf('=');
    if (separator > 0 && cookie.slice(0, separator).trim() === name) return cookie.slice(separator + 1).trim();
  }
  return undefined;
};
