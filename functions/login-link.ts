import { authenticate } from '../shared/accounts/authenticate';
import { dashboardRetired } from '../shared/accounts/dashboard';
import { createLoginLink } from '../shared/accounts/login-links';
import { parseAccountId, requireOwnedAccount } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { tableName } from '../shared/config';
import { routesHandler } from '../shared/http/handler';
import { refuseBody } from '../shared/http/json-body';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import { accountsRepoOf, getAccountRecord } from '../shared/stores/accounts-repo';

const observability = createObservability('login-link');
const { metrics } = observability;
const accounts = () => accountsRepoOf(documentClient(), tableName('accounts'), { get: getAccountRecord });

/** One function, two routes: the caller (browser or API, from the route table) decides how errors look. */
export const handler = routesHandler('login-link', observability, {
  /** GET /connect/dashboard: retired, a 410 page that says what replaced it (shared/accounts/dashboard.ts). */
  dashboard: async () => {
    throw dashboardRetired();
  },
  /** POST /accounts/{accountId}/login_links (platform backend: Stripe's login_link object). */
  createLoginLink: async (event, lambda) => {
    const platformUserId = await authenticate(event, await platformSecrets().get(), Date.now());
    const accountId = parseAccountId(event.pathParameters?.accountId);
    refuseBody(event);
    const record = await requireOwnedAccount(accounts(), accountId, platformUserId);
    return jsonResponse(200, await createLoginLink(platformStripe(lambda), record, metrics));
  },
});
