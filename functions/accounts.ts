import { authenticate } from '../shared/accounts/authenticate';
import { listAccounts } from '../shared/accounts/list-accounts';
import { parseAccountId, requireOwnedAccount } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { tableName } from '../shared/config';
import { httpHandler } from '../shared/http/handler';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import { createAccountsRepo, toAccountView } from '../shared/stores/accounts-repo';

const observability = createObservability('accounts');

/** GET /accounts and GET /accounts/{accountId}: the token user's accounts (shared/accounts/). */
export const handler = httpHandler('api', observability, async (event) => {
  const secrets = await platformSecrets().get();
  const platformUserId = await authenticate(event, secrets, Date.now());
  const accounts = createAccountsRepo(documentClient(), tableName('accounts'));
  if (event.routeKey === 'GET /accounts') {
    return jsonResponse(
      200,
      await listAccounts(event.rawQueryString, platformUserId, { accounts, cursorSecret: secrets.platformTokenSecret }),
    );
  }
  const record = await requireOwnedAccount(accounts, parseAccountId(event.pathParameters?.accountId), platformUserId);
  return jsonResponse(200, toAccountView(record));
});
