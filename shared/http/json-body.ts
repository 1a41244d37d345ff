/**
 * The JSON object body of an API request. API routes take small bodies (at most `maxJsonBodyBytes`);
 * anything that is not one JSON object is a 400 that says what was expected.
 */
import { badRequest } from '../errors';

export const maxJsonBodyBytes = 16 * 1024;

/** JSON text is UTF-8 (RFC 8259, section 8.1): other bytes are refused, not replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether valid JSON `text` gives one object a field twice. JSON.parse keeps the last of them, silently; a query
 * parameter given twice is refused (`duplicate_parameter`), and so is this. Field names compare as decoded, so
 * `"a"` and `"\u0061"` are one field.
 */
export const hasRepeatedField = (text: string): boolean => {
  // One entry per open object (its field names so far) or array (undefined).
  const open: (Set<string> | undefined)[] = [];
  let atFieldName = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (char === '"') {
      let end = at + 1;
      // Bounded by the text's end, should a caller ever pass text JSON.parse has not accepted (an unclosed string).
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return false;
      const names = open.at(-1);
      if (atFieldName && names) {
        const name = JSON.parse(text.slice(at, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
      }
      atFieldName = false;
      at = end;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : undefined);
      atFieldName = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      atFieldName = open.at(-1) !== undefined;
    }
  }
  return false;
};

export const parseJsonObjectBody = (request: {
  readonly body?: string | undefined;
  readonly isBase64Encoded?: boolean;
}): Record<string, unknown> => {
  const tooLarge = () => badRequest('body_too_large', `The request body must be at most ${maxJsonBodyBytes} bytes.`);
  // Refused before decoding when even its base64 form is too long for the cap.
  if ((request.body ?? '').length > Math.ceil(maxJsonBodyBytes / 3) * 4) throw tooLarge();
  const bytes = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  let text: string;
  try {
    // A byte order mark before the JSON is dropped by the decoder, as RFC 8259 (section 8.1) allows a parser to.
    text = utf8.decode(bytes);
  } catch {
    // Read leniently, each bad byte would be U+FFFD, and the body refused for a value its sender never wrote.
    throw badRequest('invalid_body', 'The request body is not valid UTF-8.');
  }
  if (Buffer.byteLength(text) > maxJsonBodyBytes) throw tooLarge();
  if (text.trim() === '') throw badRequest('invalid_body', 'The request body must be a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('invalid_body', 'The request body is not valid JSON.');
  }
  if (!isJsonObject(value)) throw badRequest('invalid_body', 'The request body must be a JSON object.');
  if (hasRepeatedField(text)) throw badRequest('invalid_body', 'The request body gives a field more than once.');
  return value;
};

/** Refuses fields a route does not know, so a typo is caught rather than ignored. */
export const refuseUnknownFields = (
  body: Readonly<Record<string, unknown>>,
  known: readonly string[],
  where = 'The request body',
): void => {
  // The sender's field name is not repeated back (it could be anything); the route's own fields are.
  if (Object.keys(body).some((key) => !known.includes(key)))
    throw badRequest(
      'unknown_field',
      `${where} has a field this route does not take (it takes${known.length > 0 ? `: ${known.join(', ')}` : ' none'}).`,
    );
};

/**
 * The body of a route that takes none: absent, or a JSON object without fields. Anything else is refused as any
 * route refuses a body it cannot use, so a field a caller meant (a parameter, an account) is never ignored.
 */
export const refuseBody = (request: {
  readonly body?: string | undefined;
  readonly isBase64Encoded?: boolean;
}): void => {
  if (!request.body) return;
  refuseUnknownFields(parseJsonObjectBody(request), []);
};
