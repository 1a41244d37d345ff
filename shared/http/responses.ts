import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export const jsonResponse = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export const redirectResponse = (location: string, cookies: string[] = []): HttpResponse => ({
  statusCode: 302,
  headers: { location },
  ...(cookies.length > 0 ? { cookies } : {}),
  body: '',
});

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);

const pageShell = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1f36}h1{font-size:1.4rem}a{color:#635bff}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** A small self-contained page: no scripts, no third-party resources (nothing can leak a URL). */
export const htmlPage = (statusCode: number, title: string, paragraphs: readonly string[]): HttpResponse => ({
  statusCode,
  headers: { ...pageHeaders },
  body: pageShell(title, paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('')),
});
