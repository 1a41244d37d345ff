import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { type OAuthError, oauthErrors } from './errors';
import { ParsedForm } from './form';
import { apiKeyFrom, readBody, sendStripeJson } from './http-util';
import { newId } from './ids';
import type { Connection, Scope } from './state';
import type { StripeEvent, StripeOAuthToken } from './types';

/** connect.stripe.com: POST /oauth/token and POST /oauth/deauthorize. */

type Reply = OAuthError | { status: 200; body: unknown };

function authenticate(ctx: EmulatorContext, req: IncomingMessage, form: ParsedForm): OAuthError | undefined {
  const key = apiKeyFrom(req, form);
  if (key === undefined || key === '') return oauthErrors.missingKey();
  if (key !== ctx.secretKey) return oauthErrors.noSuchKey(key);
  return undefined;
}

function tokenResponse(
  ctx: EmulatorContext,
  connection: Connection,
  scope: Scope = connection.scope,
): { status: 200; body: StripeOAuthToken } {
  connection.accessToken = newId.accessToken(ctx.livemode);
  connection.refreshToken ??= newId.refreshToken();
  return {
    status: 200,
    body: {
      access_token: connection.accessToken,
      livemode: ctx.livemode,
      refresh_token: connection.refreshToken,
      scope,
      stripe_publishable_key: newId.publishableKey(ctx.livemode),
      stripe_user_id: connection.accountId,
      token_type: 'bearer',
    },
  };
}

/** Revokes a connection and sends the event Stripe sends when access ends. */
export function revokeConnection(ctx: EmulatorContext, connection: Connection, requestId?: string): StripeEvent {
  connection.active = false;
  delete connection.accessToken;
  delete connection.refreshToken;
  return ctx.emit({
    type: 'account.application.deauthorized',
    account: connection.accountId,
    object: { id: ctx.clientId, object: 'application', name: ctx.platformName },
    ...(requestId ? { requestId } : {}),
  });
}

function redeemCode(ctx: EmulatorContext, form: ParsedForm, requestId: string): Reply {
  const code = form.get('code');
  if (!code) return oauthErrors.missingParam('code');
  const record = ctx.state.codes.get(code);
  if (!record) return oauthErrors.codeDoesNotExist(code);
  if (record.used) {
    // [doc] "Consuming an authorization code more than once revokes the account connection."
    const connection = ctx.state.activeConnection(record.accountId);
    if (connection) revokeConnection(ctx, connection, requestId);
    return oauthErrors.codeAlreadyUsed();
  }
  if (ctx.now() - record.createdAt > ctx.codeTtlMs) return oauthErrors.codeExpired();
  const connection = ctx.state.activeConnection(record.accountId);
  const account = ctx.state.accounts.get(record.accountId);
  if (!connection || !account) return oauthErrors.codeDoesNotExist(code);
  const asserted = form.list('assert_capabilities');
  if (record.flow === 'express' && asserted.length > 0) {
    // [doc] Express only. The code is left unused on failure (undocumented).
    const missing = asserted.filter((name) => account.capabilities[name] === undefined);
    if (missing.length > 0) return oauthErrors.assertCapabilitiesFailed(missing);
  }
  record.used = true;
  const reply = tokenResponse(ctx, connection);
  // [doc] A passed assert answers with the account's capabilities too: "capabilities": "transfers".
  if (record.flow !== 'express' || asserted.length === 0) return reply;
  return { status: 200, body: { ...reply.body, capabilities: Object.keys(account.capabilities).join(',') } };
}

/**
 * [doc] The scopes a refresh may ask for: "any scope that has an equal or lesser scope as the refresh token",
 * `read_only` being the lesser of the two. [guess] An Express connection's `express` has no other.
 */
const refreshScopes: Readonly<Record<Scope, readonly Scope[]>> = {
  read_write: ['read_write', 'read_only'],
  read_only: ['read_only'],
  express: ['express'],
};

function refresh(ctx: EmulatorContext, form: ParsedForm): Reply {
  const token = form.get('refresh_token');
  if (!token) return oauthErrors.missingParam('refresh_token');
  const connection = ctx.state.connectionByRefreshToken(token);
  if (!connection) return oauthErrors.refreshTokenDoesNotExist(token);
  // [doc] "Defaults to the scope of the refresh token"; the refresh token keeps its own.
  const asked = form.get('scope') ?? connection.scope;
  const scope = refreshScopes[connection.scope].find((allowed) => allowed === asked);
  if (scope === undefined) return oauthErrors.invalidScope(asked);
  return tokenResponse(ctx, connection, scope);
}

function token(ctx: EmulatorContext, req: IncomingMessage, form: ParsedForm, requestId: string): Reply {
  const authFailure = authenticate(ctx, req, form);
  if (authFailure) return authFailure;
  const grantType = form.get('grant_type');
  if (!grantType) return oauthErrors.noGrantType();
  if (grantType === 'authorization_code') return redeemCode(ctx, form, requestId);
  if (grantType === 'refresh_token') return refresh(ctx, form);
  return oauthErrors.unsupportedGrantType(grantType);
}

function deauthorize(ctx: EmulatorContext, req: IncomingMessage, form: ParsedForm, requestId: string): Reply {
  const authFailure = authenticate(ctx, req, form);
  if (authFailure) return authFailure;
  const clientId = form.get('client_id');
  if (!clientId) return oauthErrors.missingParam('client_id');
  const accountId = form.get('stripe_user_id');
  if (!accountId) return oauthErrors.missingParam('stripe_user_id');
  if (clientId !== ctx.clientId) return oauthErrors.clientIdNotYours(clientId);
  const connection = ctx.state.activeConnection(accountId);
  if (!connection) return oauthErrors.notConnected(accountId);
  // [doc] "You can only revoke a Standard account's access to your platform." An account the platform
  // controls (Express, or any account it created with the Accounts API) cannot be disconnected.
  if (ctx.state.accounts.get(accountId)?.controller.type === 'application')
    return oauthErrors.controlledAccount(accountId);
  revokeConnection(ctx, connection, requestId);
  return { status: 200, body: { stripe_user_id: accountId } };
}

export async function handleOAuth(
  ctx: EmulatorContext,
  endpoint: 'token' | 'deauthorize',
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const form = new ParsedForm(await readBody(req));
  const reply = endpoint === 'token' ? token(ctx, req, form, requestId) : deauthorize(ctx, req, form, requestId);
  sendStripeJson(res, requestId, reply.status, reply.body);
}
