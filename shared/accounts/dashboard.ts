/**
 * `GET /connect/dashboard?ticket=...[&account=acct_...]`: sends the browser straight into its
 * Express dashboard. With several Express accounts and no `account=`, the user picks one.
 */
import type Stripe from 'stripe';
import { HttpError, badRequest } from '../errors';
import { parseQuery, singleParam } from '../http/query';
import { linkListPage, redirectResponse, type HttpResponse } from '../http/responses';
import { verifyPlatformToken } from '../platform-token';
import type { PlatformSecrets } from '../secrets';
import type { AccountsRepo } from '../stores/accounts-repo';
import { createLoginLink } from './login-links';
import { parseAccountId, requireOwnedAccount } from './owned-account';

export interface DashboardContext {
  readonly secrets: PlatformSecrets;
  readonly accounts: AccountsRepo;
  readonly stripe: () => Promise<Stripe>;
  readonly now: number;
}

const knownParameters = new Set(['ticket', 'account']);

export const openDashboard = async (rawQueryString: string | undefined, context: DashboardContext): Promise<HttpResponse> => {
  const query = parseQuery(rawQueryString);
  for (const key of query.keys()) {
    if (!knownParameters.has(key)) throw badRequest('unknown_parameter', `The parameter ${key} is not supported by /connect/dashboard.`);
  }
  const ticket = singleParam(query, 'ticket');
  const { platformUserId } = await verifyPlatformToken(ticket, context.secrets.platformTokenSecret, context.now);
  const requested = singleParam(query, 'account');

  if (requested !== undefined) {
    const record = await requireOwnedAccount(context.accounts, parseAccountId(requested), platformUserId);
    return redirectResponse((await createLoginLink(await context.stripe(), record)).url);
  }
  const { records } = await context.accounts.listByUser(platformUserId, { limit: 100 });
  const express = records.filter((record) => record.type === 'express' && record.status === 'connected');
  const [only] = express;
  if (!only) throw new HttpError(404, 'no_express_account', 'You have no connected Express account. Connect one first, then open its dashboard.');
  if (express.length === 1) return redirectResponse((await createLoginLink(await context.stripe(), only)).url);
  return linkListPage(
    'Choose a Stripe account',
    'You have several Express accounts connected. Which dashboard do you want to open?',
    express.map((record) => ({ href: `?ticket=${encodeURIComponent(ticket ?? '')}&account=${record.accountId}`, text: record.accountId })),
  );
};
