/**
 * `GET /connect/dashboard?ticket=...[&account=acct_...]`: sends the browser straight into its
 * Express dashboard. With several Express accounts and no `account=`, the user picks one from a
 * small page (no scripts); with none, a 404 page says so. Errors are HTML pages (caller 'browser').
 */
import { notFound } from '../errors';
import { parseQuery, refuseUnknownParameters, singleParam } from '../http/query';
import { type HttpResponse, linkListPage, redirectResponse } from '../http/responses';
import type { ServiceMetrics } from '../metrics';
import { verifyPlatformToken } from '../platform-token';
import type { PlatformSecrets } from '../secrets';
import type { AccountRecord, AccountsPageKey, AccountsRepo } from '../stores/accounts-repo';
import type { StripeAccess } from '../stripe/client';
import { createLoginLink } from './login-links';
import { parseAccountId, requireOwnedAccount } from './owned-account';

export interface DashboardContext {
  readonly secrets: PlatformSecrets;
  readonly accounts: AccountsRepo;
  readonly stripe: StripeAccess;
  readonly metrics: ServiceMetrics;
  readonly now: number;
}

const knownParameters = ['ticket', 'account'];
// A bound on reads per request; a person with more Express accounts than this picks with account=.
const maxPages = 10;

const connectedExpressAccounts = async (accounts: AccountsRepo, platformUserId: string): Promise<AccountRecord[]> => {
  const found: AccountRecord[] = [];
  let startAfter: AccountsPageKey | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await accounts.listByUser(platformUserId, { limit: 100, ...(startAfter ? { startAfter } : {}) });
    // The owner is checked again on each record: the store's key comparison is not trusted to be exact.
    found.push(
      ...result.records.filter(
        (record) =>
          record.platformUserId === platformUserId && record.type === 'express' && record.status === 'connected',
      ),
    );
    startAfter = result.lastKey;
    if (!startAfter) break;
  }
  return found;
};

const redirectToDashboard = async (record: AccountRecord, context: DashboardContext): Promise<HttpResponse> =>
  redirectResponse((await createLoginLink(context.stripe, record, context.metrics)).url);

/** Redirects to a fresh login link, or answers the page to choose one; see the file comment. */
export const openDashboard = async (
  rawQueryString: string | undefined,
  context: DashboardContext,
): Promise<HttpResponse> => {
  const query = parseQuery(rawQueryString);
  refuseUnknownParameters(query, '/connect/dashboard', knownParameters);
  const ticket = singleParam(query, 'ticket');
  const { platformUserId } = await verifyPlatformToken(ticket, context.secrets.platformTokenSecret, context.now);
  const requested = singleParam(query, 'account');
  if (requested !== undefined) {
    return redirectToDashboard(
      await requireOwnedAccount(context.accounts, parseAccountId(requested), platformUserId),
      context,
    );
  }

  const express = await connectedExpressAccounts(context.accounts, platformUserId);
  const [only, ...others] = express;
  if (!only)
    throw notFound(
      'no_express_account',
      'You have no connected Express account. Connect one first, then open its dashboard.',
    );
  if (others.length === 0) return redirectToDashboard(only, context);
  // Relative links keep the path (and any API mapping prefix) of this page; the ticket still expires on its own.
  return linkListPage(
    'Choose a Stripe account',
    'You have several Express accounts connected. Which dashboard do you want to open?',
    express.map((record) => ({
      href: `?${new URLSearchParams({ ticket: ticket ?? '', account: record.accountId }).toString()}`,
      text: `${record.accountId} (connected ${record.connectedAt.slice(0, 10)})`,
    })),
  );
};
