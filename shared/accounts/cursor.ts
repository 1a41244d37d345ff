/**
 * The opaque `cursor` of `GET /accounts`: the position after the last account of a page, as
 * base64url JSON, followed by an HMAC that binds it to the platform user it was issued to. A
 * cursor that was altered, made up, or issued to someone else is refused with a 400 before it
 * reaches DynamoDB (where another user's key would otherwise be a ValidationException, a 503). A new cursor is
 * signed with the current platform token secret; during a roll one signed with the previous secret (a page
 * fetched before the roll) still reads on.
 */
import { createHmac } from 'node:crypto';
import { badRequest, type ServiceError } from '../errors';
import { sameBytes } from '../same-bytes';
import { type PlatformTokenSecrets, platformTokenSecretsThatVerify } from '../secrets';
import type { AccountsPageKey } from '../stores/accounts-repo';
import { accountIdPattern } from '../stripe/ids';

// Domain separation: the platform token secret also signs tokens; a cursor MAC is never a token signature.
const purpose = 'connect-onboarding/accounts-cursor/v1';

const mac = (secret: string, platformUserId: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(`${purpose}\n${platformUserId}\n${payload}`).digest().subarray(0, 16);

const invalidCursor = (): ServiceError =>
  badRequest('invalid_cursor', 'The cursor is not one this API returned for this user; list again without it.');

/** Encodes the key of the last account on a page for `next_cursor`. */
export const encodeCursor = (key: AccountsPageKey, secret: string): string => {
  const payload = Buffer.from(JSON.stringify([key.accountId, key.connectedAt])).toString('base64url');
  return `${payload}.${mac(secret, key.platformUserId, payload).toString('base64url')}`;
};

const validKey = (value: unknown): value is [string, string] =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'string' &&
  accountIdPattern.test(value[0]) &&
  typeof value[1] === 'string' &&
  !Number.isNaN(Date.parse(value[1]));

/**
 * The DynamoDB start key a cursor stands for, or a 400 `invalid_cursor`.
 * @example
 * const startAfter = decodeCursor(query.get('cursor'), platformUserId, secrets);
 */
export const decodeCursor = (
  cursor: string,
  platformUserId: string,
  secrets: PlatformTokenSecrets,
): AccountsPageKey => {
  const [payload = '', signature = '', ...rest] = cursor.split('.');
  if (rest.length > 0) throw invalidCursor();
  const given = Buffer.from(signature, 'base64url');
  if (!platformTokenSecretsThatVerify(secrets).some((secret) => sameBytes(given, mac(secret, platformUserId, payload))))
    throw invalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  // Signed by us, so malformed only if our own format changed; still checked rather than trusted.
  if (!validKey(key)) throw invalidCursor();
  return { accountId: key[0], platformUserId, connectedAt: key[1] };
};
