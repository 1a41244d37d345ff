import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { serviceConfig, tableName } from '../shared/config';
import { soleRouteHandler } from '../shared/http/handler';
import { startAuthorization } from '../shared/oauth/start-authorization';
import { createObservability } from '../shared/observability/observability';
import { createStatesRepo } from '../shared/stores/states-repo';

const observability = createObservability('authorize');
const { logger, metrics } = observability;

/** GET /connect/authorize — see shared/oauth/start-authorization.ts. */
export const handler = soleRouteHandler('authorize', observability, async (event) =>
  startAuthorization(
    { rawQueryString: event.rawQueryString, cookies: event.cookies },
    {
      config: serviceConfig(),
      secrets: await platformSecrets().get(),
      states: createStatesRepo(documentClient(), tableName('states')),
      logger,
      metrics,
      now: Date.now(),
    },
  ),
);
