/**
 * Platform user ids are store keys: two ids the platform keeps apart must never reach one user's
 * accounts. A lone surrogate has no UTF-8 form, so DynamoDB Local stores `X\ud800` as `X?`; a
 * token for such an id is refused, and the routes that list accounts check the owner of each record.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listAccounts } from '../../shared/accounts/list-accounts';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { type AccountsRepo, createAccountsRepo } from '../../shared/stores/accounts-repo';
import { useLocalStack } from '../support/local-stack';
import { apiError, callApi, connectAccount, seedAccount } from '../support/platform-api';

const stack = useLocalStack();
let repo: AccountsRepo;

beforeAll(async () => {
  repo = createAccountsRepo(createDocumentClient(), stack.tables.accounts);
});

const loneSurrogateMessage =
  'The platform token sub (platform user id) is not well-formed Unicode: it contains a lone surrogate.';
const listed = (body: Record<string, unknown>) =>
  (body.data as { accountId: string }[]).map((account) => account.accountId);

describe('platform user ids with a lone surrogate', () => {
  it('are refused with 401 on GET /accounts, so X\\ud800 never sees the accounts of X?', async () => {
    const victims = await seedAccount(stack, { platformUserId: 'X?', type: 'express' });

    for (const sub of ['X\ud800', 'X\udc00']) {
      expect(await callApi(stack, 'GET', '/accounts', await stack.mintTicket(sub))).toMatchObject({
        status: 401,
        body: apiError('authentication_error', 'invalid_token', loneSurrogateMessage),
      });
    }
    const own = await callApi(stack, 'GET', '/accounts', await stack.mintTicket('X?'));
    expect(own.status).toBe(200);
    expect(listed(own.body)).toEqual([victims.accountId]);
  });

  it('are refused with 401 on POST /accounts/{id}/login_links, so Y\\ud800 never opens the dashboard of Y?', async () => {
    const accountId = await connectAccount(stack, 'express', 'Y?');

    expect(
      await callApi(stack, 'POST', `/accounts/${accountId}/login_links`, await stack.mintTicket('Y\ud800')),
    ).toMatchObject({ status: 401, body: apiError('authentication_error', 'invalid_token', loneSurrogateMessage) });
  });
});

describe('the store, if it ever confused two ids', () => {
  it('is what DynamoDB Local does with a lone surrogate: the query for X\\ud800 finds the records of X?', async () => {
    const victims = await seedAccount(stack, { platformUserId: 'Z?', type: 'standard' });
    const page = await repo.listByUser('Z\ud800', { limit: 10 });
    // DynamoDB Local stores UTF-8 and replaces the lone surrogate; dynalite (no Java) keeps them apart.
    expect(page.records.map((record) => record.accountId)).toEqual(
      inject('dynamoDbEngine') === 'dynamodb-local' ? [victims.accountId] : [],
    );
  });

  it('GET /accounts still lists only records whose owner is the token user', async () => {
    await seedAccount(stack, { platformUserId: 'W?', type: 'standard' });
    const confused: AccountsRepo = { ...repo, listByUser: (_user, options) => repo.listByUser('W?', options) };

    expect(
      await listAccounts('', 'W\ud800', { accounts: confused, cursorSecrets: { platformTokenSecret: 'a'.repeat(32) } }),
    ).toEqual({
      object: 'list',
      data: [],
      has_more: false,
      next_cursor: null,
    });
  });
});
