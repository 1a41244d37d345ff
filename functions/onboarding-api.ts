import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { authenticate } from '../shared/accounts/authenticate';
import { parseAccountId } from '../shared/accounts/owned-account';
import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { serviceConfig, tableName } from '../shared/config';
import { routesHandler } from '../shared/http/handler';
import { parseJsonObjectBody } from '../shared/http/json-body';
import { jsonResponse } from '../shared/http/responses';
import { createObservability } from '../shared/observability/observability';
import {
  createAccountLink,
  createAccountSession,
  type PlatformOnboardingContext,
  type PlatformOnboardingRequest,
} from '../shared/onboarding/platform-api';
import { onboardingAccountReader, onboardingStripe } from '../shared/onboarding/ports';

const observability = createObservability('onboarding-api');
const { logger, metrics } = observability;

/** The token user's request for one of their accounts, and what serving it needs. */
const signedIn = async (
  event: APIGatewayProxyEventV2,
  lambda: Context,
): Promise<{ request: PlatformOnboardingRequest; context: PlatformOnboardingContext }> => {
  const secrets = await platformSecrets().get();
  const now = Date.now();
  const platformUserId = await authenticate(event, secrets, now);
  const accountId = parseAccountId(event.pathParameters?.accountId);
  return {
    request: { platformUserId, accountId, body: parseJsonObjectBody(event) },
    context: {
      config: serviceConfig(),
      secrets,
      accounts: onboardingAccountReader(documentClient(), tableName('accounts')),
      stripe: onboardingStripe(platformStripe(lambda)),
      logger,
      metrics,
      now,
    },
  };
};

/** The platform backend's onboarding calls (shared/onboarding/platform-api.ts): Stripe's own objects. */
export const handler = routesHandler('onboarding-api', observability, {
  createAccountLink: async (event, lambda) => {
    const { request, context } = await signedIn(event, lambda);
    return jsonResponse(200, await createAccountLink(request, context));
  },
  createAccountSession: async (event, lambda) => {
    const { request, context } = await signedIn(event, lambda);
    return jsonResponse(200, await createAccountSession(request, context));
  },
});
