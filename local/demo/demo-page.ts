/**
 * The demo platform's home page: a logged-in platform user, Connect buttons, and the user's
 * connected accounts with what can be done with each. Every link carries a freshly minted ticket.
 */
import { escapeHtml } from '../../shared/http/responses';
import { localPagePaths } from '../environment';
import { layout } from './layout';
import type { ApiResult, DemoAccount } from './platform-backend';

export interface DemoPageInput {
  readonly origin: string;
  readonly user: string;
  readonly ticket: string;
  readonly accounts: ApiResult<readonly DemoAccount[]>;
  /** Whether the service has a Connect OAuth client ID (`STRIPE_CLIENT_ID`); without one only onboarding is offered. */
  readonly oauth: boolean;
  /** Already plain words; escaped here. */
  readonly flash?: { readonly kind: 'info' | 'error'; readonly text: string };
}

const href = (path: string, params: Record<string, string>): string =>
  escapeHtml(`${path}?${new URLSearchParams(params).toString()}`);
const yesNo = (value: boolean | undefined): string => (value === undefined ? '—' : value ? 'yes' : 'no');

const connectButtons = ({ origin, user, ticket, oauth }: DemoPageInput): string => {
  // return_to brings the browser back to this user's success page (the origin is allowlisted locally).
  const returnTo = `${origin}${localPagePaths.success}?${new URLSearchParams({ user }).toString()}`;
  const link = (type: string) => href('/connect/authorize', { type, ticket, return_to: returnTo });
  const onboard = (type: string) => href('/connect/onboard', { type, ticket, return_to: returnTo });
  return `<p>Get paid through the platform with a Stripe account. <strong>Standard</strong>: a full Stripe account of your own. <strong>Express</strong>: a lighter account Stripe hosts for the platform.</p>
<h2>New account <span class="note">(recommended for new platforms)</span></h2>
<div class="buttons"><a class="button" id="onboard-express" href="${onboard('express')}">Onboard a new Express account</a>
<a class="button secondary" id="onboard-standard" href="${onboard('standard')}">Onboard a new Standard account</a></div>
<p class="note">The platform creates the account with Stripe's Accounts API and sends you through Stripe-hosted onboarding (Account Links). Stripe no longer offers Express OAuth to new Connect platforms.</p>
<h2>Existing Stripe account <span class="note">(OAuth, for platforms that have it)</span></h2>
${
  oauth
    ? `<div class="buttons"><a class="button" id="connect-standard" href="${link('standard')}">Connect with Stripe (Standard)</a>
<a class="button secondary" id="connect-express" href="${link('express')}">Connect with Stripe (Express)</a></div>`
    : '<p class="note" id="oauth-off">This service has no Connect OAuth client ID (<code>STRIPE_CLIENT_ID</code>), so it offers onboarding only.</p>'
}`;
};

/** A form the demo's backend answers for the logged-in user. */
const accountForm = (action: string, user: string, accountId: string, button: string): string =>
  `<form method="post" action="${action}"><input type="hidden" name="user" value="${escapeHtml(user)}"><input type="hidden" name="account" value="${escapeHtml(accountId)}">${button}</form>`;

const actions = (account: DemoAccount, { user }: DemoPageInput): string => {
  if (account.status !== 'connected') return '<span class="note">—</span>';
  // The demo's own routes: its backend creates the login or account link on the click (no token in these links).
  const update =
    account.connection === 'created'
      ? `<a class="button small secondary" data-action="update" href="${href('/demo/update', { user, account: account.accountId })}">Update details</a>`
      : '';
  if (account.type === 'express') {
    return `<a class="button small" data-action="dashboard" href="${href('/demo/dashboard', { user, account: account.accountId })}">Open Express dashboard</a> ${update}`;
  }
  // A platform cannot disconnect an account it created (Stripe refuses); it can only reject it.
  if (account.connection === 'created') return update;
  return accountForm(
    '/demo/disconnect',
    user,
    account.accountId,
    '<button class="danger small" data-action="disconnect" type="submit">Disconnect</button>',
  );
};

/** How far onboarding got: created accounts only; OAuth ones were onboarded at Stripe before connecting. */
const onboardingProgress = (account: DemoAccount): string =>
  account.connection !== 'created'
    ? '<span class="note">OAuth</span>'
    : account.detailsSubmitted
      ? 'details submitted'
      : 'in progress';

const accountRow = (account: DemoAccount, input: DemoPageInput): string => {
  const status = account.status === 'connected' ? 'connected' : 'deauthorized';
  return `<tr data-account="${escapeHtml(account.accountId)}"><td><code>${escapeHtml(account.accountId)}</code></td><td>${escapeHtml(account.type)}</td>
<td><span class="status ${status}" data-field="status">${escapeHtml(account.status)}</span></td><td data-field="onboarding">${onboardingProgress(account)}</td><td>${yesNo(account.chargesEnabled)} / ${yesNo(account.payoutsEnabled)}</td>
<td class="nowrap">${escapeHtml(account.connectedAt?.slice(0, 16).replace('T', ' ') ?? '—')}</td><td class="actions">${actions(account, input)}</td></tr>`;
};

const accountsSection = (input: DemoPageInput): string => {
  const { accounts } = input;
  let content: string;
  if (!accounts.ok) {
    content = `<div class="problem" id="accounts-error"><p>The service could not list your accounts (${escapeHtml(accounts.status === 0 ? 'no answer' : `HTTP ${accounts.status}`)}, <code>${escapeHtml(accounts.code)}</code>): ${escapeHtml(accounts.message)}</p></div>`;
  } else if (accounts.value.length === 0) {
    content = '<p class="note" id="no-accounts">No Stripe account connected yet. Use a button above.</p>';
  } else {
    content = `<table id="accounts"><thead><tr><th>Account</th><th>Type</th><th>Status</th><th>Onboarding</th><th>Charges / payouts</th><th>Connected (UTC)</th><th></th></tr></thead>
<tbody>${accounts.value.map((account) => accountRow(account, input)).join('')}</tbody></table>`;
  }
  return `<section><h2>Your connected accounts</h2>${content}
<p class="note">Listed server-side with <code>GET /accounts</code> and a Bearer platform token, as a platform backend would. Express accounts cannot be disconnected by a platform; Standard ones connected with OAuth can, created ones cannot. <strong>Update details</strong> asks the service for an <code>account_onboarding</code> Account Link that collects everything Stripe will need (<code>collect=eventually_due</code>): Stripe refuses <code>account_update</code> links for accounts with a Stripe-hosted Dashboard, which every account here has.</p></section>`;
};

export const demoPage = (input: DemoPageInput): string => {
  const flash = input.flash
    ? `<div class="flash ${input.flash.kind}" id="flash">${escapeHtml(input.flash.text)}</div>`
    : '';
  const intro = `<section><h1>Welcome back, <span id="user">${escapeHtml(input.user)}</span></h1>${connectButtons(input)}
<p class="note">This page plays a platform that uses connect-onboarding; you are its logged-in user <code>${escapeHtml(input.user)}</code> (switch with <code>?user=</code>). Its links carry a platform token minted for you just now, valid 10 minutes: reload for fresh ones.</p></section>`;
  return layout(
    'Demo Platform — connect-onboarding (local)',
    `signed in as ${input.user}`,
    `${flash}${intro}${accountsSection(input)}`,
  );
};
