/**
 * The demo platform, served by `npm start` in front of the route table (never deployed):
 * `GET /` renders the logged-in user's page, `POST /demo/disconnect` deauthorizes an account
 * server-side with a Bearer token and goes back to `/` (post/redirect/get), `GET /demo/dashboard`
 * creates an Express Dashboard login link for the logged-in user and sends that user to it (a link,
 * not a form: the page's CSP `form-action 'self'` would block a form's redirect to Stripe), and
 * `GET /demo/update` does the same with an onboarding Account Link for a created account's details.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isClientIdUnset } from '../../shared/secrets';
import { accountIdPattern } from '../../shared/stripe/ids';
import { readBodyUpTo } from '../read-body';
import { type DemoPageInput, demoPage } from './demo-page';
import { layout, redirect, sendHtml } from './layout';
import {
  type ApiResult,
  deauthorizeAccount,
  listAccounts,
  loginLinkUrl,
  mintTicket,
  serviceOrigin,
  updateDetailsUrl,
} from './platform-backend';

export const demoPaths = {
  home: '/',
  disconnect: '/demo/disconnect',
  dashboard: '/demo/dashboard',
  update: '/demo/update',
} as const;
export const defaultDemoUser = 'demo_user';

/** A demo user name (`?user=`): letters, digits and `_.@-`, as a platform's user ids might be. */
export const demoUserPattern = /^[A-Za-z0-9_.@-]{1,64}$/;
const codePattern = /^[a-z_]{1,64}$/;
const maxFormBytes = 4096;

const badRequest = (response: ServerResponse, text: string): true =>
  sendHtml(
    response,
    400,
    layout(
      'Bad request — Demo Platform',
      'demo',
      `<section><h1>Bad request</h1><p>${text}</p><p><a href="/">Back to the platform</a></p></section>`,
    ),
  );

const homeUrl = (user: string, extra: Record<string, string> = {}): string =>
  `/?${new URLSearchParams(user === defaultDemoUser ? extra : { user, ...extra }).toString()}`.replace(/\?$/, '');

const flashFrom = (url: URL): DemoPageInput['flash'] => {
  const account = url.searchParams.get('account') ?? '';
  if (!accountIdPattern.test(account)) return undefined;
  if (url.searchParams.get('disconnected') === '1')
    return {
      kind: 'info',
      text: `Disconnected ${account}. The platform can no longer act for it; it stays listed as deauthorized.`,
    };
  const dashboardCode = url.searchParams.get('dashboard_error') ?? '';
  if (codePattern.test(dashboardCode))
    return { kind: 'error', text: `Could not open Stripe for ${account} (${dashboardCode}).` };
  const code = url.searchParams.get('disconnect_error') ?? '';
  return codePattern.test(code) ? { kind: 'error', text: `Could not disconnect ${account} (${code}).` } : undefined;
};

const renderHome = async (response: ServerResponse, url: URL, origin: string): Promise<true> => {
  const user = url.searchParams.get('user') ?? defaultDemoUser;
  if (!demoUserPattern.test(user))
    return badRequest(response, 'The user name may only use letters, digits and <code>_ . @ -</code> (at most 64).');
  const [ticket, accounts] = await Promise.all([mintTicket(user), listAccounts(origin, user)]);
  const flash = flashFrom(url);
  // The demo plays the platform on the service's own machine: it offers OAuth when the service has a client ID.
  const oauth = !isClientIdUnset(process.env.STRIPE_CLIENT_ID);
  return sendHtml(response, 200, demoPage({ origin, user, ticket, accounts, oauth, ...(flash ? { flash } : {}) }));
};

const readForm = async (request: IncomingMessage): Promise<URLSearchParams | undefined> => {
  const body = await readBodyUpTo(request, maxFormBytes);
  return body === undefined ? undefined : new URLSearchParams(body.toString('utf8'));
};

/** The user and account of a form posted from the demo page itself, or undefined after answering 400. */
const accountForm = async (
  request: IncomingMessage,
  response: ServerResponse,
  origin: string,
): Promise<{ user: string; account: string } | undefined> => {
  // A cross-site form must not act for anyone: browsers send Origin on every POST.
  if (request.headers.origin !== undefined && request.headers.origin !== origin) {
    badRequest(response, 'This form only works from the demo page itself.');
    return undefined;
  }
  const form = await readForm(request);
  const user = form?.get('user') ?? '';
  const account = form?.get('account') ?? '';
  if (!demoUserPattern.test(user) || !accountIdPattern.test(account)) {
    badRequest(response, 'The form needs a valid user and account.');
    return undefined;
  }
  return { user, account };
};

/**
 * As a platform sends its logged-in user to a Stripe page (the Express Dashboard, or onboarding to update
 * their details): a link for that user, then a redirect to it. Such links live a few minutes and open
 * once, so they are created on the click, never put in a page.
 */
const toStripe =
  (create: (origin: string, user: string, account: string) => Promise<ApiResult<string>>) =>
  async (response: ServerResponse, url: URL, origin: string): Promise<true> => {
    const user = url.searchParams.get('user') ?? defaultDemoUser;
    const account = url.searchParams.get('account') ?? '';
    if (!demoUserPattern.test(user) || !accountIdPattern.test(account))
      return badRequest(response, 'The link needs a valid user and account.');
    const result = await create(origin, user, account);
    if (result.ok) return redirect(response, result.value);
    const code = codePattern.test(result.code) ? result.code : 'unexpected_response';
    return redirect(response, homeUrl(user, { dashboard_error: code, account }));
  };

const dashboard = toStripe(loginLinkUrl);
const updateDetails = toStripe(updateDetailsUrl);

const disconnect = async (request: IncomingMessage, response: ServerResponse, origin: string): Promise<true> => {
  const posted = await accountForm(request, response, origin);
  if (!posted) return true;
  const { user, account } = posted;
  const result = await deauthorizeAccount(origin, user, account);
  const code = result.ok ? '' : codePattern.test(result.code) ? result.code : 'unexpected_response';
  return redirect(
    response,
    homeUrl(user, result.ok ? { disconnected: '1', account } : { disconnect_error: code, account }),
  );
};

/** Serves the demo's routes; answers false for anything else. */
export const serveDemo = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> => {
  const isHome = url.pathname === demoPaths.home && request.method === 'GET';
  const isDisconnect = url.pathname === demoPaths.disconnect && request.method === 'POST';
  const isDashboard = url.pathname === demoPaths.dashboard && request.method === 'GET';
  const isUpdate = url.pathname === demoPaths.update && request.method === 'GET';
  if (!isHome && !isDisconnect && !isDashboard && !isUpdate) return false;
  const origin = serviceOrigin() ?? `http://${request.headers.host ?? 'localhost'}`;
  // The state cookie lives on the host the flow starts from and Stripe returns to CALLBACK_URL's
  // host: opened as 127.0.0.1, the flow would come back cookie-less. Send the browser there first.
  if ((isHome || isDashboard || isUpdate) && request.headers.host !== new URL(origin).host)
    return redirect(response, `${origin}${url.pathname}${url.search}`);
  if (isHome) return renderHome(response, url, origin);
  if (isUpdate) return updateDetails(response, url, origin);
  return isDashboard ? dashboard(response, url, origin) : disconnect(request, response, origin);
};
