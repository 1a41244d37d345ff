import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { documentClient } from '../shared/clients/dynamodb';
import { accountNotices } from '../shared/clients/notices';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { serviceConfig, tableName } from '../shared/config';
import { soleRouteHandler } from '../shared/http/handler';
import { callbackCookies, completeConnection } from '../shared/oauth/complete-connection';
import { createObservability } from '../shared/observability/observability';
import { oauthClientId } from '../shared/secrets';
import {
  accountsRepoOf,
  getAccountRecord,
  putConnectedAccount,
  putUnclaimedAccount,
  recordAccountState,
  setAccountCapabilitiesMissing,
} from '../shared/stores/accounts-repo';
import { createStatesRepo } from '../shared/stores/states-repo';

const observability = createObservability('callback');
const { logger, metrics } = observability;

/** GET /connect/callback — see shared/oauth/complete-connection.ts. */
const serve = async (event: APIGatewayProxyEventV2, lambda: Context) =>
  completeConnection(
    { rawQueryString: event.rawQueryString, cookies: event.cookies },
    {
      config: serviceConfig(),
      states: createStatesRepo(documentClient(), tableName('states')),
      accounts: accountsRepoOf(documentClient(), tableName('accounts'), {
        get: getAccountRecord,
        putConnected: putConnectedAccount,
        putUnclaimed: putUnclaimedAccount,
        recordState: recordAccountState,
        setCapabilitiesMissing: setAccountCapabilitiesMissing,
      }),
      stripe: platformStripe(lambda),
      clientId: async () => oauthClientId(await platformSecrets().get()),
      notices: accountNotices(logger),
      logger,
      metrics,
      now: Date.now(),
    },
  );

// Whatever fails before or inside the flow (configuration, a bug), this flow's state cookie goes too.
export const handler = soleRouteHandler('callback', observability, serve, {
  errorCookies: (event) => callbackCookies(event.rawQueryString),
});
