/**
 * The JSON object body of an API request. API routes take small bodies; anything that is not one
 * JSON object is a 400 that says what was expected.
 */
import { badRequest } from '../errors';
import { refuseUnknownNames } from './query';

export const maxJsonBodyBytes = 16 * 1024;

export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const parseJsonObjectBody = (request: {
  readonly body?: string | undefined;
  readonly isBase64Encoded?: boolean;
}): Record<string, unknown> => {
  const text = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  if (Buffer.byteLength(text) > maxJsonBodyBytes)
    throw badRequest('payload_too_large', `The request body must be at most ${maxJsonBodyBytes} bytes.`);
  if (text.trim() === '') throw badRequest('invalid_body', 'The request body must be a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('invalid_body', 'The request body is not valid JSON.');
  }
  if (!isJsonObject(value)) throw badRequest('invalid_body', 'The request body must be a JSON object.');
  return value;
};

/**
 * Refuses fields a route does not know, so a typo is caught rather than ignored. Like an unknown
 * query parameter, the sender's name is not repeated: the answer lists the fields `where` takes.
 */
export const refuseUnknownFields = (
  body: Readonly<Record<string, unknown>>,
  known: readonly string[],
  where = 'The request body',
): void => refuseUnknownNames(Object.keys(body), where, known);
