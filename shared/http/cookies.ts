/**
 * The cookie that binds an OAuth state to the browser that started the flow. `__Host-` forces
 * Secure, Path=/ and no Domain; SameSite=Lax (not Strict) because the return from Stripe is a
 * cross-site top-level GET that must carry it.
 */
export const stateCookieName = '__Host-connect_state';

export const stateCookie = (value: string, maxAgeSeconds: number): string =>
  `${stateCookieName}=${value}; Max-Age=${maxAgeSeconds}; Path=/; Secure; HttpOnly; SameSite=Lax`;

export const clearedStateCookie = (): string =>
  `${stateCookieName}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`;

/** API Gateway v2 delivers cookies as `name=value` strings; the first occurrence of a name wins. */
export const readCookie = (cookies: readonly string[] | undefined, name: string): string | undefined => {
  for (const cookie of cookies ?? []) {
    const separator = cookie.indexOf('=');
    if (separator > 0 && cookie.slice(0, separator).trim() === name) return cookie.slice(separator + 1).trim();
  }
  return undefined;
};
