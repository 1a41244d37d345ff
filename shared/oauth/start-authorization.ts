import type { ServiceConfig } from '../config';
import { clearedCookie, maxOpenFlowsPerBrowser, stateCookie, stateCookieNames } from '../http/cookies';
import { type HttpResponse, redirectResponse } from '../http/responses';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import { verifyPlatformToken } from '../platform-token';
import { oauthClientId, type PlatformSecrets } from '../secrets';
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

export interface AuthorizeRequest {
  readonly rawQueryString: string | undefined;
  /** The browser's cookies: the bindings of the flows it holds open. */
  readonly cookies: readonly string[] | undefined;
}

/**
 * What a new flow's answer clears: nothing while the browser holds fewer than `maxOpenFlowsPerBrowser` flows,
 * else every one of them (their ages are unknown here), so that no page sending a browser through
 * `/connect/authorize` again and again can grow its `Cookie` header past what the gateway accepts.
 */
const flowsToClose = (cookies: AuthorizeRequest['cookies']): readonly string[] => {
  // Fewer cookies than the cap cannot hold the cap's flows (and a browser new to the service has none).
  if ((cookies?.length ?? 0) < maxOpenFlowsPerBrowser) return [];
  const open = stateCookieNames(cookies);
  return open.length >= maxOpenFlowsPerBrowser ? open.map(clearedCookie) : [];
};

/**
 * `GET /connect/authorize`: validates the request and the platform token, stores a single-use
 * state bound to this browser, and sends the browser to Stripe's authorize page.
 */
export const startAuthorization = async (
  { rawQueryString, cookies }: AuthorizeRequest,
  context: StartAuthorizationContext,
): Promise<HttpResponse> => {
  const { config, secrets, states, logger, metrics, now } = context;
  const clientId = oauthClientId(secrets);
  const request = parseAuthorizeRequest(rawQueryString, config.returnToOrigins);
  const { platformUserId } = await verifyPlatformToken(request.ticket, secrets, now);
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
    clientId,
    state,
    redirectUri: config.callbackUrl,
    request,
  });
  return redirectResponse(location, [...flowsToClose(cookies), stateCookie(state, binding, config.stateTtlSeconds)]);
};
