import type { IncomingMessage, ServerResponse } from 'node:http';
import { onboardedPatch } from './accounts-api';
import { type EmulatorContext, seconds } from './context';
import { updateAccount } from './events';
import { ParsedForm } from './form';
import { escapeHtml, readBody, sendHtml, sendRedirect } from './http-util';
import { randomAlphanumeric } from './ids';
import { errorPage, layout } from './pages';
import type { AccountLinkRecord } from './state';

/**
 * The Stripe-hosted onboarding an Account Link opens. Opening the link uses it up; the form it shows
 * submits the owner's details (the account becomes onboarded, `account.updated` is sent) or leaves
 * with "Save for later". Either way the browser goes to the link's `return_url`.
 */

export const ONBOARDING_DECISION_PATH = '/setup/decision';

const originOf = (url: string | undefined): string[] => (url ? [new URL(url).origin] : []);

function onboardingForm(ctx: EmulatorContext, link: AccountLinkRecord, sessionId: string): string {
  const account = ctx.state.accounts.get(link.accountId);
  const updating = link.type === 'account_update';
  const title = `${updating ? 'Update' : 'Set up'} your account for ${ctx.platformName} — Stripe (local emulator)`;
  const email = account?.email ?? '';
  const body = `
<h1>${escapeHtml(title)}</h1>
<p><span class="badge" id="flow">${escapeHtml(link.type)}</span> ${escapeHtml(ctx.platformName)} uses Stripe to get you paid.</p>
<dl>
  <dt>Account</dt><dd id="account">${escapeHtml(link.accountId)}</dd>
  <dt>Collects</dt><dd>${escapeHtml(link.collect)} requirements</dd>
</dl>
<form method="post" action="${ONBOARDING_DECISION_PATH}">
  <input type="hidden" name="session" value="${escapeHtml(sessionId)}">
  <label for="business_name">Business name</label>
  <input type="text" id="business_name" name="business_name" autocomplete="organization">
  <label for="email">Email</label>
  <input type="text" id="email" name="email" value="${escapeHtml(email)}" autocomplete="email">
  <div class="buttons">
    <button type="submit" id="submit" name="decision" value="submit">Agree and submit</button>
    <button type="submit" id="later" name="decision" value="later">Save for later</button>
  </div>
</form>`;
  return layout(title, body);
}

/** GET /setup/s/:account/:token — works once and only until it expires; otherwise back to refresh_url. */
export function showOnboarding(ctx: EmulatorContext, res: ServerResponse, requestId: string, token: string): void {
  const link = ctx.state.accountLinks.get(token);
  if (!link) {
    sendHtml(
      res,
      requestId,
      404,
      errorPage('invalid_link', 'This onboarding link is not valid. Ask the platform for a new one.'),
    );
    return;
  }
  if (link.used || ctx.now() >= link.expiresAt || !ctx.state.activeConnection(link.accountId)) {
    if (link.refreshUrl) sendRedirect(res, requestId, link.refreshUrl);
    else
      sendHtml(res, requestId, 410, errorPage('link_expired', 'This onboarding link has expired or was already used.'));
    return;
  }
  link.used = true;
  const sessionId = `onb_${randomAlphanumeric(24)}`;
  ctx.state.onboardingSessions.set(sessionId, {
    id: sessionId,
    accountId: link.accountId,
    type: link.type,
    returnUrl: link.returnUrl,
    done: false,
  });
  sendHtml(res, requestId, 200, onboardingForm(ctx, link, sessionId), originOf(link.returnUrl));
}

/** POST /setup/decision — "Agree and submit" onboards the account; "Save for later" leaves it as it is. */
export async function handleOnboardingDecision(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const form = new ParsedForm(await readBody(req));
  const session = ctx.state.onboardingSessions.get(form.get('session') ?? '');
  if (!session || session.done) {
    sendHtml(
      res,
      requestId,
      400,
      errorPage(
        'invalid_session',
        'This onboarding page was already submitted or has expired. Ask the platform for a new link.',
      ),
    );
    return;
  }
  session.done = true;
  const account = ctx.state.accounts.get(session.accountId);
  if (form.get('decision') === 'submit' && account) {
    const businessName = form.get('business_name')?.trim();
    const email = form.get('email')?.trim();
    updateAccount(ctx, account.id, {
      ...onboardedPatch(account, seconds(ctx.now())),
      ...(email ? { email } : {}),
      ...(businessName ? { business_profile: { name: businessName } } : {}),
    });
  }
  if (session.returnUrl) sendRedirect(res, requestId, session.returnUrl);
  else sendHtml(res, requestId, 200, layout('Done — Stripe (local emulator)', '<h1>You can close this page.</h1>'));
}
