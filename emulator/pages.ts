import { escapeHtml } from './http-util';
import type { PendingAuthorization } from './state';

/** Small self-contained HTML pages (no external resources). */

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; border-radius: 8px; padding: 2rem;
         box-shadow: 0 2px 8px rgba(50, 50, 93, 0.12); }
  h1 { font-size: 1.3rem; margin-top: 0; }
  .badge { display: inline-block; background: #635bff; color: #fff; border-radius: 4px; padding: 0.1rem 0.5rem; font-size: 0.8rem; }
  .note { color: #697386; font-size: 0.85rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; }
  dt { color: #697386; }
  dd { margin: 0; word-break: break-all; }
  label { display: block; margin: 1rem 0 0.3rem; font-size: 0.9rem; }
  input[type=text] { width: 100%; box-sizing: border-box; padding: 0.4rem; }
  .buttons { display: flex; gap: 1rem; margin-top: 1.5rem; }
  button { flex: 1; padding: 0.6rem; border-radius: 4px; border: 1px solid #635bff; font-size: 1rem; cursor: pointer; }
  #authorize { background: #635bff; color: #fff; }
  #deny { background: #fff; color: #635bff; }
  .error { border-left: 4px solid #df1b41; padding-left: 1rem; }
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
<p class="note">Local Stripe emulator — nothing here talks to Stripe.</p>
</main></body>
</html>`;
}

function row(label: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`;
}

export function authorizePage(platformName: string, pending: PendingAuthorization): string {
  const flow = pending.flow === 'express' ? 'Express' : 'Standard';
  const title = `Connect to ${platformName} — Stripe (local emulator)`;
  const capabilities = pending.suggestedCapabilities.join(', ');
  const body = `
<h1>${escapeHtml(title)}</h1>
<p><span class="badge" id="flow">${flow}</span> ${escapeHtml(platformName)} wants to connect to your Stripe account.</p>
<dl>
  ${row('Email', pending.prefill.email)}
  ${row('Business name', pending.prefill.business_name)}
  ${row('Country', pending.prefill.country)}
  ${pending.flow === 'standard' ? row('Access', pending.scope) : ''}
  ${pending.flow === 'express' ? row('Suggested capabilities', capabilities) : ''}
  ${row('Returns to', pending.redirectUri)}
</dl>
<form method="post" action="/oauth/authorize/decision">
  <input type="hidden" name="authorization" value="${escapeHtml(pending.id)}">
  <label for="account">Connect an existing account instead of creating one (optional)</label>
  <input type="text" id="account" name="account" placeholder="acct_..." autocomplete="off">
  <div class="buttons">
    <button type="submit" id="authorize" name="decision" value="allow">Authorize access to this account</button>
    <button type="submit" id="deny" name="decision" value="deny">Deny</button>
  </div>
</form>`;
  return layout(title, body);
}

export function errorPage(error: string, description: string): string {
  const body = `
<h1>Something went wrong</h1>
<div class="error" id="error" data-error="${escapeHtml(error)}">
  <p><strong>${escapeHtml(error)}</strong></p>
  <p id="error_description">${escapeHtml(description)}</p>
</div>`;
  return layout('Error — Stripe (local emulator)', body);
}

export function expressDashboardPage(accountId: string): string {
  const body = `<h1>Express dashboard for ${escapeHtml(accountId)}</h1><p>You are signed in to the Express dashboard.</p>`;
  return layout(`Express dashboard for ${accountId} — Stripe (local emulator)`, body);
}

export function linkUsedPage(): string {
  const body = `<h1>This link has expired</h1><p>Login links can only be used once. Ask the platform for a new one.</p>`;
  return layout('Link expired — Stripe (local emulator)', body);
}
