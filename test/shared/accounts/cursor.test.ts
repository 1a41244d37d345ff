/**
 * The cursor of `GET /accounts` (shared/accounts/cursor.ts) while the platform token secret is rolled: a page
 * fetched before the roll still reads on, and new cursors are signed with the new secret only.
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../shared/accounts/cursor';
import { listAccounts } from '../../../shared/accounts/list-accounts';
import type { AccountRecord } from '../../../shared/stores/accounts-repo';

const previous = 'the-platform-token-secret-before-the-roll-0123';
const rolledTo = 'the-new-platform-token-secret-after-the-roll';
const duringTheRoll = { platformTokenSecret: rolledTo, previousPlatformTokenSecret: previous };
const key = { accountId: 'acct_1', platformUserId: 'user_1', connectedAt: '2026-12-01T10:00:00.000Z' };

const refused = expect.objectContaining({ code: 'invalid_cursor' });

describe('decodeCursor during a roll of the platform token secret', () => {
  it('reads on from a cursor signed with the previous secret, before the roll', () => {
    const beforeTheRoll = encodeCursor(key, previous);

    expect(decodeCursor(beforeTheRoll, 'user_1', duringTheRoll)).toEqual(key);
  });

  it('refuses a cursor signed with any other secret, and one of the previous secret once the roll is over', () => {
    const unrelated = encodeCursor(key, 'a-secret-neither-current-nor-previous-0123');

    expect(() => decodeCursor(unrelated, 'user_1', duringTheRoll)).toThrowError(refused);
    expect(() => decodeCursor(encodeCursor(key, previous), 'user_1', { platformTokenSecret: rolledTo })).toThrowError(
      refused,
    );
  });

  it("still refuses another user's cursor of the previous secret", () => {
    expect(() => decodeCursor(encodeCursor(key, previous), 'user_2', duringTheRoll)).toThrowError(refused);
  });
});

describe('listAccounts during a roll of the platform token secret', () => {
  it('signs the next cursor with the new secret only', async () => {
    const records = ['acct_2', 'acct_1'].map(
      (accountId) =>
        ({
          accountId,
          platformUserId: 'user_1',
          connectedAt: '2026-12-01T10:00:00.000Z',
          status: 'connected',
        }) as AccountRecord,
    );
    const accounts = { listByUser: async () => ({ records, lastKey: undefined }) };

    const page = await listAccounts('limit=1', 'user_1', { accounts, cursorSecrets: duringTheRoll });

    const next = String(page.next_cursor);
    expect(decodeCursor(next, 'user_1', { platformTokenSecret: rolledTo })).toMatchObject({ accountId: 'acct_2' });
    expect(() => decodeCursor(next, 'user_1', { platformTokenSecret: previous })).toThrowError(refused);
  });
});
