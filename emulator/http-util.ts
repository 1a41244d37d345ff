import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedForm } from './form';

/** An absolute http or https URL, the only kind Stripe takes where it sends a browser or an event. */
export const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Every response carries a Request-Id like Stripe's, and is never cached. */
export function baseHeaders(requestId: string): Record<string, string> {
  return { 'Request-Id': requestId, 'Cache-Control': 'no-cache, no-store' };
}

export function sendJson(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    ...baseHeaders(requestId),
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Whether Stripe says a retry of a failed request may succeed: yes for 409 conflicts, 429 lock timeouts and
 * 5xx; no for the other 4xx, which fail the same way again. A 429 rate limit says no itself (./faults.ts).
 * stripe-node's RequestSender obeys the `Stripe-Should-Retry` header before its own status rules.
 */
export const shouldRetry = (status: number): boolean => status === 409 || status === 429 || status >= 500;

/**
 * A JSON answer from Stripe's side (api.stripe.com or connect.stripe.com): errors carry Stripe-Should-Retry,
 * by their status unless `headers` names it.
 */
export function sendStripeJson(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, requestId, status, body, {
    ...(status >= 400 ? { 'Stripe-Should-Retry': String(shouldRetry(status)) } : {}),
    ...headers,
  });
}

/**
 * `formTargets`: origins a form on the page may end up at. Chromium applies CSP form-action to
 * the redirects that follow a form POST too, so the authorize page must allow the redirect URI's origin.
 */
export function sendHtml(
  res: ServerResponse,
  requestId: string,
  status: number,
  html: string,
  formTargets: readonly string[] = [],
): void {
  res.writeHead(status, {
    ...baseHeaders(requestId),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${["'self'", ...formTargets].join(' ')}`,
  });
  res.end(html);
}

export function sendRedirect(res: ServerResponse, requestId: string, location: string): void {
  res.writeHead(302, {
    ...baseHeaders(requestId),
    Location: location,
    'Referrer-Policy': 'no-referrer',
    'Content-Length': 0,
  });
  res.end();
}

/** Bearer (what stripe-node sends) or Basic with the key as user name (curl -u sk_...:). */
export function apiKeyFrom(req: IncomingMessage, form?: ParsedForm): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      return decoded.split(':', 1)[0];
    }
    return '';
  }
  const secret = form?.get('client_secret');
  return typeof secret === 'string' ? secret : undefined;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
