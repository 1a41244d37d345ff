import { authenticate } from '../shared/accounts/authenticate';
import { deauthorizeAccount } from '../shared/accounts/deauthorize-account';
import { parseAccountId, requireOwnedAccount } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { accountNotices } from '../shared/clients/notices';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { tableName } from '../shared/config';
import { httpHandler } from '../shared/http/handler';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import { routeTable } from '../shared/routes';
import { createAccountsRepo } from '../shared/stores/accounts-repo';

const observability = createObservability('deauthorize');
const { logger, metrics } = observability;

/** POST /accounts/{accountId}/deauthorize — see shared/accounts/deauthorize-account.ts. */
export const handler = httpHandler(routeTable.deauthorize, observability, async (event) => {
  const secrets = await platformSecrets().get();
  const now = Date.now();
  const platformUserId = await authenticate(event, secrets, now);
  const accounts = createAccountsRepo(documentClient(), tableName('accounts'));
  const record = await requireOwnedAccount(accounts, parseAccountId(event.pathParameters?.accountId), platformUserId);
  const view = await deauthorizeAccount(record, {
    accounts,
    stripe: platformStripe,
    clientId: secrets.clientId,
    notices: accountNotices(logger),
    metrics,
    now,
  });
  logger.info('account deauthorized', { accountId: record.accountId, platformUserId });
  return jsonResponse(200, view);
});
