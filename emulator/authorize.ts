import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAccount, grantCapabilities } from './accounts';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import { ACCESS_DENIED_DESCRIPTION, authorizeErrors } from './errors';
import { ParsedForm } from './form';
import { readBody, sendHtml, sendRedirect, sendStripeJson } from './http-util';
import { newId } from './ids';
import { authorizePage, errorPage } from './pages';
import type { Flow, PendingAuthorization, Scope } from './state';

/** An unanswered authorize page stays usable this long. */
const PENDING_TTL_MS = 60 * 60 * 1000;
/** Stripe's default capabilities for a new account when none are suggested (US platform defaults). */
const DEFAULT_CAPABILITIES = ['card_payments', 'transfers'];

interface AuthorizeFailure {
  error: string;
  description: string;
}

/**
 * Stripe shows authorize errors on its own side instead of redirecting (only access_denied is redirected).
 * Its docs describe them as a JSON dictionary; a browser gets an HTML page, a client asking for JSON gets JSON.
 */
function showError(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  failure: AuthorizeFailure,
  state?: string,
): void {
  const accept = req.headers.accept ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) {
    sendStripeJson(res, requestId, 400, {
      error: failure.error,
      error_description: failure.description,
      ...(state ? { state } : {}),
    });
    return;
  }
  sendHtml(res, requestId, 400, errorPage(failure.error, failure.description));
}

function validate(ctx: EmulatorContext, flow: Flow, query: ParsedForm): AuthorizeFailure | PendingAuthorization {
  const clientId = query.get('client_id');
  if (!clientId) return authorizeErrors.missingClientId();
  if (clientId !== ctx.clientId) return authorizeErrors.unknownClient(clientId);
  const responseType = query.get('response_type');
  // Stripe's Express examples omit response_type; the Standard endpoint requires it.
  if (responseType === undefined && flow === 'standard') return authorizeErrors.missingResponseType();
  if (responseType !== undefined && responseType !== 'code')
    return authorizeErrors.unsupportedResponseType(responseType);
  const requested = query.get('redirect_uri');
  if (requested !== undefined && !ctx.redirectUris.includes(requested))
    return authorizeErrors.invalidRedirectUri(requested);
  const redirectUri = requested ?? ctx.redirectUris[0];
  if (redirectUri === undefined) return authorizeErrors.invalidRedirectUri('');
  let scope: Scope = 'express';
  if (flow === 'standard') {
    const value = query.get('scope') ?? 'read_only'; // [doc] "Defaults to read_only for Standard accounts."
    if (value !== 'read_write' && value !== 'read_only') return authorizeErrors.invalidScope(value);
    scope = value;
  }
  return {
    id: newId.pending(),
    flow,
    clientId,
    redirectUri,
    state: query.get('state'),
    scope,
    prefill: query.map('stripe_user'),
    suggestedCapabilities: flow === 'express' ? query.list('suggested_capabilities') : [],
    createdAt: ctx.now(),
  };
}

export function showAuthorizePage(
  ctx: EmulatorContext,
  flow: Flow,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  url: URL,
): void {
  const query = new ParsedForm(url.searchParams);
  const result = validate(ctx, flow, query);
  if (!('id' in result)) {
    showError(req, res, requestId, result, query.get('state'));
    return;
  }
  ctx.state.pending.set(result.id, result);
  // Both decisions redirect to the platform's redirect URI: the page's CSP must let the form get there.
  sendHtml(res, requestId, 200, authorizePage(ctx.platformName, result), [new URL(result.redirectUri).origin]);
}

/** Appends parameters percent-encoded the way Stripe's redirects are (`%20` for spaces). */
function withParams(uri: string, params: [string, string | undefined][]): string {
  const url = new URL(uri);
  const extra = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  return url.toString();
}

export async function handleDecision(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const form = new ParsedForm(await readBody(req));
  const pending = ctx.state.pending.get(form.get('authorization') ?? '');
  if (!pending || ctx.now() - pending.createdAt > PENDING_TTL_MS) {
    showError(req, res, requestId, authorizeErrors.expiredAuthorization());
    return;
  }
  if (form.get('decision') !== 'allow') {
    ctx.state.pending.delete(pending.id);
    const location = withParams(pending.redirectUri, [
      ['error', 'access_denied'],
      ['error_description', ACCESS_DENIED_DESCRIPTION],
      ['state', pending.state],
    ]);
    sendRedirect(res, requestId, location);
    return;
  }
  const existingId = form.get('account')?.trim();
  if (existingId && !ctx.state.accounts.has(existingId)) {
    showError(req, res, requestId, authorizeErrors.unknownAccount(existingId), pending.state);
    return;
  }
  ctx.state.pending.delete(pending.id);
  const now = ctx.now();
  let accountId = existingId;
  if (!accountId) {
    const requested =
      pending.flow === 'express' && pending.suggestedCapabilities.length > 0
        ? pending.suggestedCapabilities
        : DEFAULT_CAPABILITIES;
    const country = (pending.prefill.country ?? 'US').toUpperCase();
    const account = createAccount({
      id: newId.account(),
      type: pending.flow,
      created: seconds(now),
      prefill: pending.prefill,
      // [doc] seed 001 describes the per-country fallback for the Express flow's suggested capabilities only.
      capabilities: grantCapabilities(
        requested,
        pending.flow === 'express' ? (ctx.state.unavailableCapabilities.get(country) ?? new Set()) : new Set(),
      ),
    });
    ctx.state.accounts.set(account.id, account);
    accountId = account.id;
  }
  ctx.state.connections.set(accountId, {
    accountId,
    clientId: pending.clientId,
    scope: pending.scope,
    livemode: ctx.livemode,
    connectedAt: now,
    active: true,
  });
  const code = newId.code();
  ctx.state.codes.set(code, { code, accountId, scope: pending.scope, flow: pending.flow, createdAt: now, used: false });
  const location = withParams(pending.redirectUri, [
    ['code', code],
    ['state', pending.state],
    ['scope', pending.flow === 'standard' ? pending.scope : undefined],
  ]);
  sendRedirect(res, requestId, location);
  ctx.emit({
    type: 'account.application.authorized',
    account: accountId,
    object: { id: ctx.clientId, object: 'application', name: ctx.platformName },
  });
}
