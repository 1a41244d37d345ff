import { badRequest } from '../errors';

/**
 * Query parameters from the raw query string. API Gateway's `queryStringParameters` joins repeated
 * keys with commas, which would corrupt `suggested_capabilities[]` and hide duplicates.
 */
export const parseQuery = (rawQueryString: string | undefined): URLSearchParams => {
  const raw = rawQueryString ?? '';
  if (raw.length > 8192) throw badRequest('query_too_long', 'The query string is too long.');
  try {
    decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw badRequest('invalid_query', 'The query string is not valid percent-encoded UTF-8.');
  }
  return new URLSearchParams(raw);
};

/**
 * Refuses a parameter outside the route's allow-list. The name is the sender's text, so it is
 * never repeated in the answer (it would be shown on the service's own page): the answer lists the
 * names the route supports instead.
 */
export const refuseUnknownParameters = (
  query: URLSearchParams,
  route: string,
  supported: readonly string[],
  isSupported: (name: string) => boolean = (name) => supported.includes(name),
): void => {
  for (const name of query.keys()) {
    if (!isSupported(name))
      throw badRequest(
        'unknown_parameter',
        `The request has a parameter that ${route} does not support. ${supported.length > 0 ? `Supported: ${supported.join(', ')}.` : 'It takes none.'}`,
      );
  }
};

/**
 * `base` with these query parameters set (replacing any of the same name it has), in their order: the
 * redirects this service sends, parsed once however many parameters they carry.
 */
export const withQuery = (base: string, params: Readonly<Record<string, string>>): string => {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
};

/** A parameter that may appear at most once. */
export const singleParam = (query: URLSearchParams, name: string): string | undefined => {
  const values = query.getAll(name);
  if (values.length > 1) throw badRequest('duplicate_parameter', `The parameter ${name} was given more than once.`);
  return values[0];
};

export const requiredParam = (query: URLSearchParams, name: string): string => {
  const value = singleParam(query, name);
  if (value === undefined || value === '') throw badRequest('missing_parameter', `The parameter ${name} is required.`);
  return value;
};

/** C0 controls and DEL: never part of a value a person typed (CR/LF would split headers and logs). */
const isControlCode = (code: number): boolean => code <= 0x1f || code === 0x7f;

export const hasControlCharacters = (value: string): boolean => {
  for (let i = 0; i < value.length; i += 1) if (isControlCode(value.charCodeAt(i))) return true;
  return false;
};
