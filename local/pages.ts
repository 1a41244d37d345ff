/**
 * Local-only pages: stand-ins for the platform's own success and failure pages, which the
 * callback redirects to. In AWS these are the platform's URLs (SUCCESS_URL / FAILURE_URL).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../shared/http/responses';
import type { ConnectFailure } from '../shared/oauth/complete-connection';
import { localPagePaths } from './environment';

export const failureExplanations: Readonly<Record<ConnectFailure, string>> = {
  access_denied: 'You chose not to connect your Stripe account. Nothing was connected; you can start again whenever you like.',
  authorization_failed: 'Stripe could not complete the authorization. Please start again.',
  invalid_callback: 'The link back from Stripe was incomplete. Please start again from the platform.',
  session_mismatch: 'This connection was started in another browser or session. Start again from this browser.',
  state_invalid: 'This connection link was already used or is unknown. Start again from the platform.',
  state_expired: 'This connection link expired. Start again from the platform.',
  code_invalid: 'Stripe did not accept the authorization (it was already used or expired). Please start again.',
  capabilities_missing: 'The Stripe account does not have the capabilities the platform asked for.',
  flow_mismatch: 'The connection type did not match what was started. Please start again.',
  livemode_mismatch: 'The Stripe account was connected in the wrong mode (test or live) for this platform.',
  account_claimed: 'This Stripe account is already connected to another user of the platform.',
  stripe_unavailable: 'Stripe is not answering right now. Please try again in a few minutes.',
  service_unavailable: 'The service is having trouble right now. Please try again in a few minutes.',
};

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1a1f36}a{color:#635bff}</style></head><body>${body}<p><a href="/">Back to the platform</a></p></body></html>`;

const send = (response: ServerResponse, html: string): true => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end(html);
  return true;
};

export const serveResultPages = (request: IncomingMessage, response: ServerResponse, url: URL): boolean => {
  if (request.method !== 'GET') return false;
  if (url.pathname === localPagePaths.success) {
    const account = url.searchParams.get('account') ?? '';
    return send(response, page('Stripe account connected', `<h1>Stripe account connected</h1><p>Your Stripe account <code id="account">${escapeHtml(account)}</code> is now connected to the platform.</p>`));
  }
  if (url.pathname === localPagePaths.failure) {
    const error = url.searchParams.get('error') ?? '';
    const explanation = failureExplanations[error as ConnectFailure] ?? 'The connection did not complete. Please start again from the platform.';
    return send(response, page('Stripe account not connected', `<h1>Stripe account not connected</h1><p id="reason">${escapeHtml(explanation)}</p><p>Error code: <code id="error">${escapeHtml(error)}</code></p>`));
  }
  return false;
};
