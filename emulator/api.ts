import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAccountLink } from './account-links';
import { createAccountSession } from './account-sessions';
import { cloneAccount } from './accounts';
import { createConnectedAccount } from './accounts-api';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import { type ApiError, apiErrors, onlyExpand } from './errors';
import { apiKeyFrom, readBody, sendHtml, sendStripeJson } from './http-util';
import { idempotent } from './idempotency';
import { newId } from './ids';
import { expressDashboardPage, linkUsedPage } from './pages';
import type { ApiReply, FaultMode, StripeAccount, StripeLoginLink } from './types';

/** api.stripe.com: the few /v1 endpoints the service uses, and the pages login links open. */

type Reply = ApiError | { status: number; body: unknown };

/** The account if it exists and is connected to the platform; Stripe answers the same 403 otherwise. */
function accessibleAccount(ctx: EmulatorContext, accountId: string): StripeAccount | undefined {
  return ctx.state.activeConnection(accountId) ? ctx.state.accounts.get(accountId) : undefined;
}

function retrieveAccount(ctx: EmulatorContext, key: string, accountId: string, params: URLSearchParams): Reply {
  const refused = onlyExpand(params);
  if (refused) return refused;
  const account = accessibleAccount(ctx, accountId);
  return account ? { status: 200, body: cloneAccount(account) } : apiErrors.noAccessToAccount(key, accountId);
}

/**
 * POST /v1/accounts/{id}/login_links: Express accounts only, once onboarded (sources: docs/stripe-fidelity.md,
 * "Sources of the emulator's endpoints").
 */
function createLoginLink(ctx: EmulatorContext, key: string, accountId: string, params: URLSearchParams): Reply {
  const refused = onlyExpand(params);
  if (refused) return refused;
  const account = accessibleAccount(ctx, accountId);
  if (!account) return apiErrors.noAccessToAccount(key, accountId);
  if (account.type !== 'express') return apiErrors.loginLinkNotExpress(accountId);
  if (!account.details_submitted) return apiErrors.loginLinkOnboardingIncomplete();
  const token = newId.loginToken();
  ctx.state.loginLinks.set(token, { token, accountId, used: false, createdAt: ctx.now() });
  const link: StripeLoginLink = {
    object: 'login_link',
    created: seconds(ctx.now()),
    url: `${ctx.baseUrl()}/express/login/${token}`,
  };
  return { status: 200, body: link };
}

function route(
  ctx: EmulatorContext,
  method: string,
  path: string,
  key: string,
  stripeAccount: string | undefined,
  params: URLSearchParams,
): Reply {
  if (method === 'POST' && path === '/v1/accounts') return createConnectedAccount(ctx, params);
  if (method === 'POST' && path === '/v1/account_links') return createAccountLink(ctx, params);
  if (method === 'POST' && path === '/v1/account_sessions') return createAccountSession(ctx, params);
  const accountMatch = /^\/v1\/accounts\/([^/]+)$/.exec(path);
  if (method === 'GET' && accountMatch?.[1])
    return retrieveAccount(ctx, key, decodeURIComponent(accountMatch[1]), params);
  // stripe.accounts.retrieve(undefined, { stripeAccount }) calls GET /v1/account with a Stripe-Account header.
  if (method === 'GET' && path === '/v1/account' && stripeAccount)
    return retrieveAccount(ctx, key, stripeAccount, params);
  const linkMatch = /^\/v1\/accounts\/([^/]+)\/login_links$/.exec(path);
  if (method === 'POST' && linkMatch?.[1]) return createLoginLink(ctx, key, decodeURIComponent(linkMatch[1]), params);
  return apiErrors.unrecognizedUrl(method, path);
}

/** `Stripe-Should-Retry` for a reply that sets its own (see ApiReply.shouldRetry). */
const retryHeader = (reply: ApiReply): Record<string, string> =>
  reply.shouldRetry === undefined ? {} : { 'Stripe-Should-Retry': String(reply.shouldRetry) };

/** The faults that fail an API endpoint once it has started (see `FaultMode`). */
export type SavedFailureFault = Extract<FaultMode, 'saved_server_error' | 'saved_server_error_lost'>;

export const isSavedFailureFault = (fault: FaultMode | undefined): fault is SavedFailureFault =>
  fault === 'saved_server_error' || fault === 'saved_server_error_lost';

/**
 * An API request. A `savedFailure` fault makes the endpoint fail once it has started, so a request with an
 * idempotency key has its 500 saved and replayed like any other result; `saved_server_error_lost` then resets
 * the connection instead of answering, and answers a replay.
 */
export async function handleApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  path: string,
  savedFailure?: SavedFailureFault,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  // stripe-node sends a GET's parameters in the query string, a POST's in the body.
  const params =
    method === 'GET' ? new URL(req.url ?? '/', 'http://emulator.invalid').searchParams : new URLSearchParams(body);
  const key = apiKeyFrom(req);
  if (key === undefined || key === '' || key !== ctx.secretKey) {
    const reply = key === undefined || key === '' ? apiErrors.missingKey() : apiErrors.invalidKey(key);
    sendStripeJson(res, requestId, reply.status, reply.body);
    return;
  }
  const accountHeader = req.headers['stripe-account'];
  const stripeAccount = typeof accountHeader === 'string' ? accountHeader : undefined;
  const run = (): Reply =>
    savedFailure ? apiErrors.savedServerError() : route(ctx, method, path, key, stripeAccount, params);
  const keyHeader = req.headers['idempotency-key'];
  const idempotencyKey = method === 'POST' && typeof keyHeader === 'string' ? keyHeader : undefined;
  const { reply, replayed } =
    idempotencyKey === undefined
      ? { reply: run(), replayed: false }
      : idempotent(ctx, { apiKey: key, stripeAccount, key: idempotencyKey, method, path, params: [...params] }, run);
  if (savedFailure === 'saved_server_error_lost' && !replayed) {
    req.socket.resetAndDestroy();
    return;
  }
  sendStripeJson(res, requestId, reply.status, reply.body, {
    ...retryHeader(reply),
    ...(idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey }),
    ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
  });
}

/** GET /express/login/:token — works once, like a real login link. */
export function showExpressLogin(ctx: EmulatorContext, res: ServerResponse, requestId: string, token: string): void {
  const link = ctx.state.loginLinks.get(token);
  if (!link || link.used) {
    sendHtml(res, requestId, 404, linkUsedPage());
    return;
  }
  link.used = true;
  sendHtml(res, requestId, 200, expressDashboardPage(link.accountId));
}
