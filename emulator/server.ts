import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { isLiveKey } from '../shared/stripe/mode';
import { cloneAccount } from './accounts';
import { handleApi, isSavedFailureFault, showExpressLogin } from './api';
import { handleDecision, showAuthorizePage } from './authorize';
import { decide } from './browser-driver';
import type { EmulatorContext } from './context';
import { handleControl } from './control';
import { apiErrors } from './errors';
import { buildEvent, triggerEvent, updateAccount } from './events';
import { FaultRegistry } from './faults';
import { sendHtml, sendStripeJson } from './http-util';
import { newId } from './ids';
import { handleOAuth } from './oauth';
import { handleOnboardingDecision, ONBOARDING_DECISION_PATH, showOnboarding } from './onboarding-page';
import { errorPage } from './pages';
import { EmulatorState } from './state';
import type { RequestLogEntry, StripeEmulator, StripeEmulatorOptions } from './types';
import { handleWebhookEndpoints } from './webhook-endpoints';
import { renderedInAccountVersion, WebhookDispatcher } from './webhooks';

/** The API version the installed stripe-node pins; events carry it like a real endpoint's would. */
export const DEFAULT_API_VERSION = Stripe.API_VERSION;

/** The connected accounts' own API version by default (see `accountApiVersion`): older than the pinned one. */
export const DEFAULT_ACCOUNT_API_VERSION = '2024-06-20';

async function route(
  ctx: EmulatorContext,
  emulator: StripeEmulator,
  faults: FaultRegistry,
  log: RequestLogEntry[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = newId.request();
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
  if (path.startsWith('/_emulator/')) return handleControl(emulator, req, res, requestId, path);
  log.push({ method, path, at: ctx.now() });
  const fault = faults.take(method, path);
  if (isSavedFailureFault(fault) && path.startsWith('/v1/')) return handleApi(ctx, req, res, requestId, path, fault);
  if (fault) return faults.apply(fault, req, res, requestId);
  const url = new URL(req.url ?? '/', ctx.baseUrl());
  if (method === 'GET' && path === '/oauth/authorize')
    return showAuthorizePage(ctx, 'standard', req, res, requestId, url);
  if (method === 'GET' && path === '/express/oauth/authorize')
    return showAuthorizePage(ctx, 'express', req, res, requestId, url);
  if (method === 'POST' && path === '/oauth/authorize/decision') return handleDecision(ctx, req, res, requestId);
  if (method === 'POST' && path === '/oauth/token') return handleOAuth(ctx, 'token', req, res, requestId);
  if (method === 'POST' && path === '/oauth/deauthorize') return handleOAuth(ctx, 'deauthorize', req, res, requestId);
  if (path.startsWith('/v1/webhook_endpoints')) return handleWebhookEndpoints(ctx, emulator, req, res, requestId);
  if (path.startsWith('/v1/')) return handleApi(ctx, req, res, requestId, path);
  const login = /^\/express\/login\/([A-Za-z0-9]+)$/.exec(path)?.[1];
  if (method === 'GET' && login) return showExpressLogin(ctx, res, requestId, login);
  const setup = /^\/setup\/s\/acct_[A-Za-z0-9]+\/([A-Za-z0-9]+)$/.exec(path)?.[1];
  if (method === 'GET' && setup) return showOnboarding(ctx, res, requestId, setup);
  if (method === 'POST' && path === ONBOARDING_DECISION_PATH) return handleOnboardingDecision(ctx, req, res, requestId);
  if (path.startsWith('/oauth/')) {
    const error = apiErrors.unrecognizedUrl(method, path);
    return sendStripeJson(res, requestId, error.status, error.body);
  }
  sendHtml(res, requestId, 404, errorPage('not_found', `Nothing at ${method} ${path} on the local Stripe emulator.`));
}

export async function startStripeEmulator(options: StripeEmulatorOptions): Promise<StripeEmulator> {
  const now = options.now ?? Date.now;
  const retry = options.webhookRetry ?? {};
  const webhooks = new WebhookDispatcher(
    options.webhookEndpoints ?? [],
    { attempts: retry.attempts ?? 3, backoffMs: retry.backoffMs ?? 100, timeoutMs: retry.timeoutMs ?? 5000 },
    now,
  );
  const faults = new FaultRegistry();
  const log: RequestLogEntry[] = [];
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const accountApiVersion = options.accountApiVersion ?? DEFAULT_ACCOUNT_API_VERSION;
  let baseUrl = '';
  const ctx: EmulatorContext = {
    state: new EmulatorState(),
    secretKey: options.secretKey,
    clientId: options.clientId,
    redirectUris: [...options.redirectUris],
    platformName: options.platformName ?? 'Local Platform',
    livemode: isLiveKey(options.secretKey),
    codeTtlMs: (options.codeTtlSeconds ?? 300) * 1000,
    now,
    baseUrl: () => baseUrl,
    emit(input) {
      const event = buildEvent(ctx, input, {
        id: newId.event(),
        apiVersion: renderedInAccountVersion.has(input.type) ? accountApiVersion : apiVersion,
        pendingWebhooks: webhooks.endpointCount,
      });
      webhooks.dispatch(event);
      return event;
    },
  };

  const setUnavailableCapabilities = (country: string, capabilities: readonly string[]): void => {
    if (capabilities.length === 0) ctx.state.unavailableCapabilities.delete(country.toUpperCase());
    else ctx.state.unavailableCapabilities.set(country.toUpperCase(), new Set(capabilities));
  };
  for (const [country, capabilities] of Object.entries(options.unavailableCapabilities ?? {}))
    setUnavailableCapabilities(country, capabilities);

  const server = createServer();
  const emulator: StripeEmulator = {
    get url() {
      return baseUrl;
    },
    async close() {
      webhooks.close();
      faults.releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    decide: (authorizeUrl, decision, decideOptions) => decide(baseUrl, authorizeUrl, decision, decideOptions),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    getAccount(id) {
      const account = ctx.state.accounts.get(id);
      return account ? cloneAccount(account) : undefined;
    },
    accountIds: () => [...ctx.state.accounts.keys()],
    updateAccount: async (id, patch) => updateAccount(ctx, id, patch),
    trigger: async (type, accountId) => triggerEvent(ctx, type, accountId),
    deliveries: () => webhooks.deliveries(),
    waitForDeliveries: (count, timeoutMs = 5000) => webhooks.waitFor(count, timeoutMs),
    webhooksIdle: (timeoutMs = 5000) => webhooks.idle(timeoutMs),
    redeliver: (eventId) => webhooks.redeliver(eventId),
    rollWebhookSecret: (secret, url) => webhooks.rollSecret(secret, url),
    expireRolledSecrets: () => webhooks.expireRolledSecrets(),
    setUnavailableCapabilities,
    requestLog: () => log.map((entry) => ({ ...entry })),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(ctx, emulator, faults, log, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const error = apiErrors.serverError();
      error.body.error.message = `Emulator failure: ${err instanceof Error ? err.message : String(err)}`;
      sendStripeJson(res, newId.request(), error.status, error.body);
    });
  });
  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 12111, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  return emulator;
}
