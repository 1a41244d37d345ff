import type { Context } from 'aws-lambda';
import { documentClient } from '../shared/clients/dynamodb';
import { platformSecrets } from '../shared/clients/secrets';
import { platformStripe } from '../shared/clients/stripe';
import { serviceConfig, tableName } from '../shared/config';
import { cookiesOf } from '../shared/errors';
import { routesHandler } from '../shared/http/handler';
import { createObservability } from '../shared/observability/observability';
import { finishOnboarding } from '../shared/onboarding/finish-onboarding';
import { onboardingAccounts, onboardingStripe } from '../shared/onboarding/ports';
import { refreshOnboarding } from '../shared/onboarding/refresh-onboarding';
import { type OnboardingContext, startOnboarding } from '../shared/onboarding/start-onboarding';

const observability = createObservability('onboard');
const { logger, metrics } = observability;

/** What every onboarding page needs; Stripe is reached only once the request checks out. */
const context = async (lambda: Context): Promise<OnboardingContext> => ({
  config: serviceConfig(),
  secrets: await platformSecrets().get(),
  accounts: onboardingAccounts(documentClient(), tableName('accounts')),
  stripe: onboardingStripe(platformStripe(lambda)),
  logger,
  metrics,
  now: Date.now(),
});

/** The browser's onboarding pages (shared/onboarding/): start, Stripe's refresh_url and its return_url. */
export const handler = routesHandler(
  'onboard',
  observability,
  {
    startOnboarding: async (event, lambda) => startOnboarding(event, await context(lambda)),
    refreshOnboarding: async (event, lambda) => refreshOnboarding(event, await context(lambda)),
    finishOnboarding: async (event, lambda) => finishOnboarding(event, await context(lambda)),
  },
  // A start that recorded the account before failing keeps the browser's binding (shared/onboarding/browser-binding.ts).
  { errorCookies: (_event, error) => cookiesOf(error) },
);
