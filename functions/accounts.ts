import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toAccountView } from '../shared/accounts/account-view';
import { authenticate } from '../shared/accounts/authenticate';
import { listAccounts } from '../shared/accounts/list-accounts';
import { parseAccountId, requireOwnedAccount } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { tableName } from '../shared/config';
import { routesHandler } from '../shared/http/handler';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import { accountsRepoOf, getAccountRecord, listAccountsByUser } from '../shared/stores/accounts-repo';

const observability = createObservability('accounts');

/** The token user and their accounts table. */
const signedIn = async (event: APIGatewayProxyEventV2) => {
  const secrets = await platformSecrets().get();
  const platformUserId = await authenticate(event, secrets, Date.now());
  const accounts = accountsRepoOf(documentClient(), tableName('accounts'), {
    get: getAccountRecord,
    listByUser: listAccountsByUser,
  });
  return { secrets, platformUserId, accounts };
};

/** GET /accounts and GET /accounts/{accountId}: the token user's accounts (shared/accounts/). */
export const handler = routesHandler('accounts', observability, {
  listAccounts: async (event) => {
    const { secrets, platformUserId, accounts } = await signedIn(event);
    return jsonResponse(
      200,
      await listAccounts(event.rawQueryString, platformUserId, { accounts, cursorSecrets: secrets }),
    );
  },
  getAccount: async (event) => {
    const { platformUserId, accounts } = await signedIn(event);
    const record = await requireOwnedAccount(accounts, parseAccountId(event.pathParameters?.accountId), platformUserId);
    return jsonResponse(200, toAccountView(record));
  },
});
