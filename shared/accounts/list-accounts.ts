/**
 * `GET /accounts`: the token user's accounts, newest connection first, in pages of `limit`
 * (1..100, default 25) with an opaque `next_cursor` (see cursor.ts).
 */
import { badRequest } from '../errors';
import { parseQuery, singleParam } from '../http/query';
import type { PlatformTokenSecrets } from '../secrets';
import type { AccountsRepo } from '../stores/accounts-repo';
import { type AccountView, toAccountView } from './account-view';
import { decodeCursor, encodeCursor } from './cursor';

export const defaultPageSize = 25;
export const maxPageSize = 100;

export interface ListAccountsContext {
  readonly accounts: Pick<AccountsRepo, 'listByUser'>;
  /**
   * The platform token secret, which signs cursors; a cursor signed with the previous one during a roll is still
   * read. Removing that previous secret invalidates only the cursors signed with it.
   */
  readonly cursorSecrets: PlatformTokenSecrets;
}

export interface AccountList {
  readonly object: 'list';
  readonly data: AccountView[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

const parseLimit = (value: string | undefined): number => {
  if (value === undefined) return defaultPageSize;
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > maxPageSize) {
    throw badRequest('invalid_limit', `limit must be a whole number from 1 to ${maxPageSize}.`);
  }
  return Number(value);
};

/** One page of the platform user's accounts, in Stripe's list shape. */
export const listAccounts = async (
  rawQueryString: string | undefined,
  platformUserId: string,
  context: ListAccountsContext,
): Promise<AccountList> => {
  // `authenticate` has refused any parameter but the route's (`routeTable.listAccounts.query`).
  const query = parseQuery(rawQueryString);
  const limit = parseLimit(singleParam(query, 'limit'));
  const cursor = singleParam(query, 'cursor');
  // One more than asked: when the store finds it, has_more is exact (the next page holds at least that one).
  const page = await context.accounts.listByUser(platformUserId, {
    limit: limit + 1,
    ...(cursor === undefined ? {} : { startAfter: decodeCursor(cursor, platformUserId, context.cursorSecrets) }),
  });
  // The store's own key comparison is not trusted to be exact: only this user's records leave.
  const records = page.records.filter((record) => record.platformUserId === platformUserId).slice(0, limit);
  const cut = page.records.length > limit;
  // The store skips accounts pending confirmation, and DynamoDB may stop early at 1 MB: when it stopped
  // before finding one more than asked, the next page starts where it stopped (and may turn out empty).
  const next = cut ? records.at(-1) : page.lastKey;
  const hasMore = next !== undefined;
  return {
    object: 'list',
    data: records.map(toAccountView),
    has_more: hasMore,
    next_cursor: next ? encodeCursor(next, context.cursorSecrets.platformTokenSecret) : null,
  };
};
