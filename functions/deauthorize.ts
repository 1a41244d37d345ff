import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticate } from '../shared/accounts/authenticate';
import { confirmAccount } from '../shared/accounts/confirm-account';
import { deauthorizeAccount } from '../shared/accounts/deauthorize-account';
import { parseAccountId, requireOwnedAccount } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { accountNotices } from '../shared/clients/notices';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { tableName } from '../shared/config';
import { routesHandler } from '../shared/http/handler';
import { refuseBody } from '../shared/http/json-body';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import {
  accountsRepoOf,
  confirmPendingAccount,
  getAccountRecord,
  markAccountDeauthorized,
} from '../shared/stores/accounts-repo';

const observability = createObservability('deauthorize');
const { logger, metrics } = observability;

/** The token user, the account id of the path, and the accounts table. */
const signedIn = async (event: APIGatewayProxyEventV2, now: number) => {
  const secrets = await platformSecrets().get();
  const platformUserId = await authenticate(event, secrets, now);
  const accountId = parseAccountId(event.pathParameters?.accountId);
  const accounts = accountsRepoOf(documentClient(), tableName('accounts'), {
    get: getAccountRecord,
    confirm: confirmPendingAccount,
    markDeauthorized: markAccountDeauthorized,
  });
  return { secrets, platformUserId, accountId, accounts };
};

/** The platform API's writes to an owned account (shared/accounts/). */
export const handler = routesHandler('deauthorize', observability, {
  /** POST /accounts/{accountId}/confirm — see shared/accounts/confirm-account.ts. */
  confirmAccount: async (event) => {
    const now = Date.now();
    const { platformUserId, accountId, accounts } = await signedIn(event, now);
    const view = await confirmAccount(
      { accountId, platformUserId, body: event.body, isBase64Encoded: event.isBase64Encoded },
      { accounts, metrics, notices: accountNotices(logger), now },
    );
    logger.info('account confirmed', { accountId, platformUserId });
    return jsonResponse(200, view);
  },
  /** POST /accounts/{accountId}/deauthorize — see shared/accounts/deauthorize-account.ts. */
  deauthorize: async (event, lambda) => {
    const now = Date.now();
    const { secrets, platformUserId, accountId, accounts } = await signedIn(event, now);
    refuseBody(event);
    const record = await requireOwnedAccount(accounts, accountId, platformUserId);
    const view = await deauthorizeAccount(record, {
      accounts,
      stripe: platformStripe(lambda),
      clientId: secrets.clientId,
      notices: accountNotices(logger),
      metrics,
      now,
    });
    logger.info('account deauthorized', { accountId: record.accountId, platformUserId });
    return jsonResponse(200, view);
  },
});
