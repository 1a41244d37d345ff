/**
 * `GET /accounts`: the token user's accounts, newest connection first, paginated with an opaque
 * cursor. A cursor is only ever accepted for the user it was issued to.
 */
import { badRequest } from '../errors';
import { parseQuery, singleParam } from '../http/query';
import { toAccountView, type AccountsPageKey, type AccountsRepo } from '../stores/accounts-repo';

export const defaultPageSize = 25;
export const maxPageSize = 100;

export const encodeCursor = (key: AccountsPageKey): string =>
  Buffer.from(JSON.stringify([key.accountId, key.platformUserId, key.connectedAt])).toString('base64url');

const invalidCursor = () => badRequest('invalid_cursor', 'The cursor is not one this API returned for you; start again without it.');

export const decodeCursor = (cursor: string, platformUserId: string): AccountsPageKey => {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === 'string')) throw invalidCursor();
  const [accountId, owner, connectedAt] = parts as [string, string, string];
  if (owner !== platformUserId || !/^acct_[A-Za-z0-9]{1,64}$/.test(accountId) || Number.isNaN(Date.parse(connectedAt))) throw invalidCursor();
  return { accountId, platformUserId: owner, connectedAt };
};

const parseLimit = (value: string | undefined): number => {
  if (value === undefined) return defaultPageSize;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > maxPageSize) throw badRequest('invalid_limit', `limit must be a whole number from 1 to ${maxPageSize}.`);
  return limit;
};

export const listAccounts = async (rawQueryString: string | undefined, platformUserId: string, accounts: AccountsRepo) => {
  const query = parseQuery(rawQueryString);
  for (const key of query.keys()) {
    if (key !== 'limit' && key !== 'cursor') throw badRequest('unknown_parameter', `The parameter ${key} is not supported by GET /accounts.`);
  }
  const cursor = singleParam(query, 'cursor');
  const limit = parseLimit(singleParam(query, 'limit'));
  // One more than asked: has_more is then exact, never a last page that turns out empty.
  const page = await accounts.listByUser(platformUserId, {
    limit: limit + 1,
    ...(cursor ? { startAfter: decodeCursor(cursor, platformUserId) } : {}),
  });
  const records = page.records.slice(0, limit);
  const last = records.at(-1);
  const hasMore = page.records.length > limit;
  return {
    object: 'list' as const,
    data: records.map(toAccountView),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor(last) : null,
  };
};
