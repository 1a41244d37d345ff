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
const context = async (): Promise<OnboardingContext> => ({
  config: serviceConfig(),
  secrets: await platformSecrets().get(),
  accounts: onboardingAccounts(documentClient(), tableName('accounts')),
  stripe: onboardingStripe(platformStripe),
  logger,
  metrics,
  now: Date.now(),
});

/** The browser's onboarding pages (shared/onboarding/): start, Stripe's refresh_url and its return_url. */
export const handler = routesHandler(
  'onboard',
  observability,
  {
    startOnboarding: async (event) => startOnboarding(event, await context()),
    refreshOnboarding: async (event) => refreshOnboarding(event, await context()),
    finishOnboarding: async (event) => finishOnboarding(event, await context()),
  },
  // A start that recorded the account before failing keeps the browser's binding (shared/onboarding/browser-binding.ts).
  { errorCookies: (_event, error) => cookiesOf(error) },
);
