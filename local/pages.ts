/**
 * Local-only pages: stand-ins for the platform's own success and failure pages, which the
 * callback redirects to. In AWS these are the platform's URLs (SUCCESS_URL / FAILURE_URL).
 * Like a platform's, the success page first confirms the account server-side for its logged-in
 * user (the demo's `?user=`), and only then says it is connected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../shared/http/responses';
import { type ConnectFailure, capabilitiesMissingParam } from '../shared/oauth/complete-connection';
import type { OnboardingFailure } from '../shared/onboarding/resumed-account';
import { layout, sendHtml } from './demo/layout';
import { confirmAccount, serviceOrigin } from './demo/platform-backend';
import { defaultDemoUser, demoUserPattern } from './demo/serve-demo';
import { localPagePaths } from './environment';

interface Explanation {
  /** What happened, in plain words. */
  readonly what: string;
  /** What the person can do about it. */
  readonly next: string;
}

const startAgain = 'Start again from the platform with one of the Connect buttons.';
const tryLater = 'Wait a few minutes, then start again from the platform.';

type FlowFailure = ConnectFailure | OnboardingFailure;

export const failureExplanations: Readonly<Record<FlowFailure, Explanation>> = {
  access_denied: {
    what: 'You chose not to connect your Stripe account, so nothing was connected.',
    next: 'Whenever you change your mind, start again from the platform.',
  },
  authorization_failed: { what: 'Stripe could not complete the authorization.', next: startAgain },
  invalid_callback: { what: 'The link back from Stripe was incomplete, so it could not be checked.', next: startAgain },
  session_mismatch: {
    what: 'This connection or onboarding was not started in this browser. To protect your account, it only completes in the browser that started it — someone may have sent you a link that was meant for their own account.',
    next: 'Nothing was added to your accounts here. If you meant to connect or onboard your account, start again from the platform in this browser.',
  },
  state_invalid: {
    what: 'This connection link was already used or is unknown, so it cannot be used again.',
    next: startAgain,
  },
  state_expired: { what: 'This connection link expired before you came back from Stripe.', next: startAgain },
  code_invalid: {
    what: 'Stripe did not accept the authorization: it was already used or it expired.',
    next: startAgain,
  },
  code_reused: {
    what: 'Stripe received this authorization twice (a network retry, or someone else used your link first) and cancelled the connection to keep your account safe. Nothing was connected.',
    next: startAgain,
  },
  flow_mismatch: { what: 'The kind of connection Stripe confirmed is not the one that was started.', next: startAgain },
  livemode_mismatch: {
    what: 'The Stripe account was connected in the wrong mode (test or live) for this platform.',
    next: 'Connect an account in the mode the platform uses.',
  },
  account_claimed: {
    what: 'This Stripe account is already connected to another user of the platform.',
    next: 'Connect a different Stripe account, or ask the other user to disconnect it first.',
  },
  stripe_unavailable: {
    what: 'Stripe is not answering right now, so the connection could not be completed.',
    next: tryLater,
  },
  service_unavailable: {
    what: 'The service is having trouble right now, so the connection could not be completed.',
    next: tryLater,
  },
  onboarding_link_expired: {
    what: 'This onboarding link expired or was already used.',
    next: 'Go back to the platform and continue onboarding from there: it makes a new link for the same account.',
  },
  onboarding_incomplete: {
    what: 'You left Stripe before submitting everything it asked for, so your account is not ready for payments yet. What you entered is kept.',
    next: 'Continue onboarding from the platform whenever you are ready: you will pick up the same account where you left it.',
  },
};

const unknownFailure: Explanation = { what: 'The connection did not complete.', next: startAgain };

/** The demo's logged-in user: `?user=` when it is one, else the default user. */
const demoUser = (url: URL): string => {
  const user = url.searchParams.get('user');
  return user && demoUserPattern.test(user) ? user : defaultDemoUser;
};

/** Back to the demo platform, as the same user when the page knows it. */
const backLink = (url: URL): string => {
  const user = demoUser(url);
  const target = user !== defaultDemoUser ? `/?${new URLSearchParams({ user }).toString()}` : '/';
  return `<p><a class="button" id="back" href="${escapeHtml(target)}">Back to your accounts</a></p>`;
};

/** Stripe connected the account without some capabilities the platform suggested: said plainly. */
const capabilitiesNote = (url: URL): string => {
  const missing = url.searchParams.get(capabilitiesMissingParam);
  return missing
    ? `<p class="note" id="capabilities-missing">Stripe did not enable <code>${escapeHtml(missing)}</code> for this account ` +
        '(it is not offered where the account is, or not for this kind of business). The platform may not be able to use the account for everything it planned.</p>'
    : '';
};

const successPage = (url: URL): string => {
  const account = url.searchParams.get('account') ?? '';
  return layout(
    'Stripe account connected — Demo Platform',
    'connected',
    `<section><h1 id="outcome">Stripe account connected</h1><p>Your Stripe account <code id="account">${escapeHtml(account)}</code> is now connected to the platform. ` +
      `The platform can now send you payouts; you can see the account in your list.</p>${capabilitiesNote(url)}${backLink(url)}</section>`,
  );
};

const notConfirmedPage = (url: URL, code: string, message: string): string =>
  layout(
    'Stripe account not connected — Demo Platform',
    'not connected',
    `<section class="problem"><h1 id="outcome">Stripe account not connected</h1><p id="reason">The platform could not confirm this account for you: ${escapeHtml(message)}</p>` +
      `<p id="next"><strong>What to do:</strong> ${escapeHtml(startAgain)}</p><p class="note">Error code: <code id="error">${escapeHtml(code)}</code></p>${backLink(url)}</section>`,
  );

/** Confirms the account for the logged-in user with the redirect's value, then says what happened. */
const confirmedPage = async (request: IncomingMessage, url: URL): Promise<string> => {
  const account = url.searchParams.get('account') ?? '';
  const confirmation = url.searchParams.get('confirmation');
  if (confirmation === null)
    return notConfirmedPage(url, 'missing_confirmation', 'the link back from Stripe carried no confirmation.');
  const origin = serviceOrigin() ?? `http://${request.headers.host ?? 'localhost'}`;
  const result = await confirmAccount(origin, demoUser(url), account, confirmation);
  return result.ok ? successPage(url) : notConfirmedPage(url, result.code, result.message);
};

const failurePage = (url: URL): string => {
  const error = url.searchParams.get('error') ?? '';
  const explanation = Object.hasOwn(failureExplanations, error)
    ? failureExplanations[error as FlowFailure]
    : unknownFailure;
  return layout(
    'Stripe account not connected — Demo Platform',
    'not connected',
    `<section class="problem"><h1 id="outcome">Stripe account not connected</h1><p id="reason">${escapeHtml(explanation.what)}</p>` +
      `<p id="next"><strong>What to do:</strong> ${escapeHtml(explanation.next)}</p><p class="note">Error code: <code id="error">${escapeHtml(error || 'none')}</code></p>${backLink(url)}</section>`,
  );
};

export const serveResultPages = async (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> => {
  if (request.method !== 'GET') return false;
  if (url.pathname === localPagePaths.success) return sendHtml(response, 200, await confirmedPage(request, url));
  if (url.pathname === localPagePaths.failure) return sendHtml(response, 200, failurePage(url));
  return false;
};
