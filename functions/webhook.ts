import { documentClient } from '../shared/clients/dynamodb';
import { accountNotices } from '../shared/clients/notices';
import { platformSecrets } from '../shared/clients/secrets';
import { serviceConfig, tableName } from '../shared/config';
import { soleRouteHandler } from '../shared/http/handler';
import { createObservability } from '../shared/observability/observability';
import { createEventsRepo } from '../shared/stores/events-repo';
import { createAccountReader } from '../shared/stripe/account-reader';
import { requestDeadline } from '../shared/stripe/call-budget';
import { ingestWebhook } from '../shared/webhooks/ingest-event';

const observability = createObservability('webhook');
const { logger, metrics } = observability;

/** POST /webhooks/stripe — see shared/webhooks/ingest-event.ts. */
export const handler = soleRouteHandler('webhook', observability, async (event, lambda) => {
  const config = serviceConfig();
  const secrets = await platformSecrets().get();
  return ingestWebhook(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, signature: event.headers['stripe-signature'] },
    {
      config,
      secrets,
      events: createEventsRepo(documentClient(), { events: tableName('events'), accounts: tableName('accounts') }),
      readAccount: createAccountReader(secrets.secretKey, {
        apiBase: config.stripeApiBase,
        timeoutMs: config.stripeTimeoutMs,
        deadline: requestDeadline(lambda),
      }),
      notices: accountNotices(logger),
      logger,
      metrics,
      now: Date.now(),
    },
  );
});
