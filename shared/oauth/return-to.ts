import { badRequest } from '../errors';
import { hasControlCharacters } from '../http/query';

/**
 * The longest `return_to`, as given and once the URL parser has percent-encoded it: it rides in the state and
 * in onboarding's resume value, which Stripe's return must still carry (a `€` given raw is 9 characters encoded).
 */
export const maxReturnToLength = 2048;

/**
 * Checks a `return_to` against the allowlisted origins (exact match). Only absolute http(s) URLs
 * qualify: scheme-relative (`//evil`), backslash (`/\evil`), `javascript:`, userinfo
 * (`https://ok@evil`) and whitespace or control characters (which the URL parser would silently
 * strip) are all refused before parsing can reinterpret them.
 */
export const validateReturnTo = (raw: string, allowedOrigins: readonly string[]): string => {
  const refuse = (why: string) => badRequest('invalid_return_to', `return_to ${why}.`);
  if (raw.length > maxReturnToLength) throw refuse('is too long');
  if (hasControlCharacters(raw) || /[\s\\]/.test(raw)) throw refuse('contains characters a URL may not have');
  if (!/^https?:\/\/[^/]/i.test(raw) || !URL.canParse(raw)) throw refuse('must be an absolute http(s) URL');
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') throw refuse('must not contain credentials');
  // The allowed origins are the operator's configuration: not shown to whoever sent the link.
  if (!allowedOrigins.includes(url.origin)) throw refuse('must be on an origin this service allows');
  if (url.href.length > maxReturnToLength)
    throw refuse(`is too long once percent-encoded (${url.href.length} characters)`);
  return url.href;
};
