/**
 * The cookies that bind a browser flow to the browser that started it.
 * - OAuth: one per flow, so two flows started side by side in one browser (two tabs) do not overwrite
 *   each other's binding. The name carries a short id of the state (`__Host-connect_state_` and the first
 *   16 characters of the state's SHA-256 in base64url), so the callback finds its own cookie from the
 *   `state` it is given, and clears that one only.
 * - Onboarding: one per account (`__Host-connect_onboard_` and a short id of the account id), so
 *   `/connect/onboard` and the refresh and return pages find it from the account in question
 *   (shared/onboarding/browser-binding.ts); and one per browser, `__Host-connect_browser`, its id, from which
 *   the binding of each account it creates is derived, so that no other browser can hold that binding.
 * `__Host-` forces Secure, Path=/ and no Domain; SameSite=Lax (not Strict) because the return from Stripe
 * is a cross-site top-level GET that must carry it.
 *
 * A name is read exactly: RFC 6265 (section 5.2) trims spaces and tabs around a name, and nothing else. A
 * name that becomes ours only once other white space is trimmed (`"\u2000__Host-..."`) is a browser's
 * ordinary cookie, which any host of the site may set with `Domain=`, not a `__Host-` one.
 */
import { hashSecretValue } from '../oauth/state';

export const stateCookiePrefix = '__Host-connect_state_';

/** How many characters of the state's SHA-256 (base64url) name its cookie. */
const stateIdLength = 16;

/** The name of the binding cookie of the flow whose state is `state`. */
export const stateCookieName = (state: string): string =>
  `${stateCookiePrefix}${hashSecretValue(state).slice(0, stateIdLength)}`;

const attributes = (maxAgeSeconds: number) => `Max-Age=${maxAgeSeconds}; Path=/; Secure; HttpOnly; SameSite=Lax`;

export const stateCookie = (state: string, binding: string, maxAgeSeconds: number): string =>
  `${stateCookieName(state)}=${binding}; ${attributes(maxAgeSeconds)}`;

export const onboardingCookiePrefix = '__Host-connect_onboard_';

/** The name of the binding cookie of the onboarding of `accountId`. */
export const onboardingCookieName = (accountId: string): string =>
  `${onboardingCookiePrefix}${hashSecretValue(accountId).slice(0, 16)}`;

export const onboardingCookie = (accountId: string, binding: string, maxAgeSeconds: number): string =>
  `${onboardingCookieName(accountId)}=${binding}; ${attributes(maxAgeSeconds)}`;

/** The browser's id, from which its bindings to the accounts it creates are derived (shared/onboarding/browser-binding.ts). */
export const browserCookieName = '__Host-connect_browser';

export const browserCookie = (value: string, maxAgeSeconds: number): string =>
  `${browserCookieName}=${value}; ${attributes(maxAgeSeconds)}`;

/** A `Set-Cookie` that removes the binding cookie `name` from the browser. */
export const clearedCookie = (name: string): string => `${name}=; ${attributes(0)}`;

export const clearedStateCookie = (state: string): string => clearedCookie(stateCookieName(state));

/** OAuth flows a browser holds open at once: a start beyond them clears the others (docs/security.md). */
export const maxOpenFlowsPerBrowser = 5;

const trimSpacesAndTabs = (text: string): string => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** One `name=value` string as API Gateway v2 delivers it, split as RFC 6265 splits it; undefined without a name. */
const cookiePair = (cookie: string): readonly [name: string, value: string] | undefined => {
  const separator = cookie.indexOf('=');
  const name = separator > 0 ? trimSpacesAndTabs(cookie.slice(0, separator)) : '';
  return name ? [name, trimSpacesAndTabs(cookie.slice(separator + 1))] : undefined;
};

/** The value of cookie `name`; the first occurrence of a name wins. */
export const readCookie = (cookies: readonly string[] | undefined, name: string): string | undefined => {
  for (const cookie of cookies ?? []) {
    const pair = cookiePair(cookie);
    if (pair?.[0] === name) return pair[1];
  }
  return undefined;
};

/**
 * The names of the OAuth binding cookies (one per open flow) a request carries, each once. Only names of the
 * form this service gives count: the answer that closes the flows names them again in its `Set-Cookie`s, and
 * a name the browser was given by anything else could hold characters no header may carry.
 */
export const stateCookieNames = (cookies: readonly string[] | undefined): readonly string[] => {
  // Built here, not at load: a pattern built at the top of this module would be built at every cold start of
  // each function that reads a cookie, though only a start with several flows open comes here.
  const stateCookieNamePattern = new RegExp(`^${stateCookiePrefix}[A-Za-z0-9_-]{${stateIdLength}}$`);
  const names = new Set<string>();
  for (const cookie of cookies ?? []) {
    const name = cookiePair(cookie)?.[0];
    if (name !== undefined && stateCookieNamePattern.test(name)) names.add(name);
  }
  return [...names];
};
