import { documentClient } from '../shared/clients/dynamodb';
import { accountNotices } from '../shared/clients/notices';
import { platformStripe } from '../shared/clients/stripe';
import { serviceConfig, tableName } from '../shared/config';
import { httpHandler } from '../shared/http/handler';
import { createObservability } from '../shared/observability/observability';
import { completeConnection } from '../shared/oauth/complete-connection';
import { createAccountsRepo } from '../shared/stores/accounts-repo';
import { createStatesRepo } from '../shared/stores/states-repo';

const observability = createObservability('callback');
const { logger, metrics } = observability;

/** GET /connect/callback — see shared/oauth/complete-connection.ts. */
export const handler = httpHandler('browser', observability, async (event) =>
  completeConnection(
    { rawQueryString: event.rawQueryString, cookies: event.cookies },
    {
      config: serviceConfig(),
      states: createStatesRepo(documentClient(), tableName('states')),
      accounts: createAccountsRepo(documentClient(), tableName('accounts')),
      stripe: platformStripe,
      notices: accountNotices(logger),
      logger,
      metrics,
      now: Date.now(),
    },
  ),
);
