import { badRequest } from '../errors';
import { hasControlCharacters } from '../http/query';

/**
 * The longest `return_to`, as given and once the URL parser has percent-encoded it: it rides in the state and
 * in onboarding's resume value, which Stripe's return must still carry (a `€` given raw is 9 characters encoded).
 */
export const maxReturnToLength = 2048;

/**
 * A character some servers take for a dot once they decode a path: the ideographic full stop `。`, which NFKC
 * keeps (it folds the half-width `｡` into it).
 */
const ideographicStops = /\u3002/g;

/**
 * Unicode's Default_Ignorable_Code_Point, as [first, last] code points: a zero-width space or joiner, a soft hyphen,
 * a direction mark, a variation selector, a byte-order mark… Written out rather than as the pattern
 * `\p{Default_Ignorable_Code_Point}`, which V8 checks as it parses the module: that lookup cost every function
 * loading this file about 3 M instructions of its cold start, return_to or not. A test holds the list to the property.
 */
const invisible = (code: number): boolean =>
  [
    [0xad, 0xad],
    [0x34f, 0x34f],
    [0x61c, 0x61c],
    [0x115f, 0x1160],
    [0x17b4, 0x17b5],
    [0x180b, 0x180f],
    [0x200b, 0x200f],
    [0x202a, 0x202e],
    [0x2060, 0x206f],
    [0x3164, 0x3164],
    [0xfe00, 0xfe0f],
    [0xfeff, 0xfeff],
    [0xffa0, 0xffa0],
    [0xfff0, 0xfff8],
    [0x1bca0, 0x1bca3],
    [0x1d173, 0x1d17a],
    [0xe0000, 0xe0fff],
  ].some(([first = 0, last = 0]) => code >= first && code <= last);

/**
 * Whether a segment is made of dots, spaces and invisible characters only: Windows servers trim a segment's trailing
 * dots and spaces, so `.. ` (`..%20`) is their `..`, and an invisible character may be dropped as well, as IDNA's
 * mapping drops many of them. No page is named like this.
 */
export const isDotsOnly = (segment: string): boolean => {
  if (!segment.includes('.')) return false;
  for (const character of segment) {
    if (character !== '.' && character.trim() !== '' && !invisible(character.codePointAt(0) ?? 0)) return false;
  }
  return true;
};

/**
 * Whether a path, decoded as a server might decode it, still names the same folders: it must be valid
 * percent-encoded UTF-8 (an overlong `%c0%ae` is a dot to some old decoders), hold no control character (`%00`
 * cuts a path short in others), and have no segment that folds into dots alone ({@link isDotsOnly}: a full-width
 * `．`, NFKC's dot, or an ideographic `。`), segments split at `/` and at `\`, as some servers do (a full-width `＼`
 * folds into it).
 */
const decodesToItself = (pathname: string): boolean => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (hasControlCharacters(decoded)) return false;
  const folded = decoded.normalize('NFKC').replace(ideographicStops, '.');
  return !folded.split(/[/\\]/).some(isDotsOnly);
};

/**
 * Whether the allowlist entry `entry` (parsed) admits `url`: an origin alone admits any page of it; an origin with a
 * path admits that page and the pages under it (`/connect` admits `/connect/done`, not `/connected`), and no
 * path with an encoded `/`, `\` or `%` in it, which a server could decode (once, or twice behind a proxy) into a
 * way out of the path, nor with a `;` (raw or encoded): Java servers such as Tomcat strip `;` parameters before
 * resolving dot segments, so `/connect/..;/redirect` is their `/redirect`. Nor one that a lenient decoder would
 * read as a way out ({@link decodesToItself}).
 */
export const admits = (entry: URL, url: URL): boolean => {
  if (entry.origin !== url.origin) return false;
  const path = entry.pathname;
  if (path === '/') return true;
  if (/;|%(?:2f|5c|3b|25)/i.test(url.pathname) || !decodesToItself(url.pathname)) return false;
  return url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
};

/**
 * Checks a `return_to` against the allowlist (origins, or origins with a path: see `admits`). Only absolute http(s) URLs
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
  if (!allowedOrigins.some((allowed) => admits(new URL(allowed), url)))
    throw refuse('must be a page this service allows');
  if (url.href.length > maxReturnToLength)
    throw refuse(`is too long once percent-encoded (${url.href.length} characters)`);
  return url.href;
};
