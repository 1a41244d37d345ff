import type { ServiceConfig } from '../config';
import { stateCookie } from '../http/cookies';
import { type HttpResponse, redirectResponse } from '../http/responses';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import { verifyPlatformToken } from '../platform-token';
import type { PlatformSecrets } from '../secrets';
import type { StatesRepo } from '../stores/states-repo';
import { secondsMs, toIso, ttlAt } from '../time';
import { parseAuthorizeRequest } from './authorize-request';
import { buildAuthorizeUrl } from './authorize-url';
import { hashSecretValue, mintState } from './state';

export interface StartAuthorizationContext {
  readonly config: ServiceConfig;
  readonly secrets: PlatformSecrets;
  readonly states: StatesRepo;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly now: number;
}

const stripeConnectBase = 'https://connect.stripe.com';

/**
 * `GET /connect/authorize`: validates the request and the platform token, stores a single-use
 * state bound to this browser, and sends the browser to Stripe's authorize page.
 */
export const startAuthorization = async (
  rawQueryString: string | undefined,
  context: StartAuthorizationContext,
): Promise<HttpResponse> => {
  const { config, secrets, states, logger, metrics, now } = context;
  const request = parseAuthorizeRequest(rawQueryString, config.returnToOrigins);
  const { platformUserId } = await verifyPlatformToken(request.ticket, secrets.platformTokenSecret, now);
  const { state, binding } = mintState();
  const expiresAt = now + secondsMs(config.stateTtlSeconds);
  await states.put({
    stateHash: hashSecretValue(state),
    bindingHash: hashSecretValue(binding),
    flow: request.flow,
    platformUserId,
    ...(request.returnTo ? { returnTo: request.returnTo } : {}),
    suggestedCapabilities: request.suggestedCapabilities,
    expiresAt,
    ttl: ttlAt(expiresAt),
    createdAt: toIso(now),
  });
  logger.info('connect started', { flow: request.flow, platformUserId });
  metrics.count('ConnectStarted', { flow: request.flow });
  const location = buildAuthorizeUrl({
    connectBase: config.stripeApiBase ?? stripeConnectBase,
    clientId: secrets.clientId,
    state,
    redirectUri: config.callbackUrl,
    request,
  });
  return redirectResponse(location, [stateCookie(state, binding, config.stateTtlSeconds)]);
};
