/**
 * The single source of truth for the service's HTTP surface and its Lambda functions.
 * The CDK stack (infra/) and the local gateway (local/) both loop over these tables, so a
 * route exists in AWS exactly when it exists locally. Keep this file free of runtime imports:
 * the CDK app and the Lambda bundles both load it.
 */
import type { TableName } from './tables';

export const functionNames = [
  'authorize',
  'callback',
  'login-link',
  'accounts',
  'deauthorize',
  'onboard',
  'onboarding-api',
  'webhook',
] as const;
export type FunctionName = (typeof functionNames)[number];

/**
 * What a function may do to a table: read, write (put, update, delete), both, or, for a function that only ever
 * makes one kind of write, that write alone (`put`, `update`).
 */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'put' | 'update';

export interface FunctionSpec {
  /** `functions/<name>.ts` exports `handler`. */
  readonly name: FunctionName;
  readonly description: string;
  /** Least privilege: the stack grants exactly these, nothing else. */
  readonly tables: Readonly<Partial<Record<TableName, TableAccess>>>;
  /** Whether the function reads the Secrets Manager secret (platform key, client id, ...). */
  readonly readsSecret: boolean;
  /** Whether it publishes account changes to the optional EventBridge bus. */
  readonly publishesNotices: boolean;
  /** Well under the 30 s integration limit of API Gateway's HTTP API; Stripe calls time out after a few seconds. */
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export const functionSpecs: Readonly<Record<FunctionName, FunctionSpec>> = {
  authorize: {
    name: 'authorize',
    description: 'Mints a single-use OAuth state and redirects the browser to Stripe',
    tables: { states: 'put' },
    readsSecret: true,
    publishesNotices: false,
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  callback: {
    name: 'callback',
    description: 'Consumes the OAuth state, exchanges the code and stores the connected account',
    tables: { states: 'update', accounts: 'readWrite' },
    readsSecret: true,
    publishesNotices: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  'login-link': {
    name: 'login-link',
    description: 'Creates Express dashboard login links for the owner of an account',
    tables: { accounts: 'read' },
    readsSecret: true,
    publishesNotices: false,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  accounts: {
    name: 'accounts',
    description: "Reads a platform user's connected accounts",
    tables: { accounts: 'read' },
    readsSecret: true,
    publishesNotices: false,
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  deauthorize: {
    name: 'deauthorize',
    description: "Changes an owned account: confirms it for the platform's user, or disconnects a Standard account",
    tables: { accounts: 'readWrite' },
    readsSecret: true,
    publishesNotices: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  onboard: {
    name: 'onboard',
    description: 'Creates connected accounts and sends their owners through Stripe-hosted onboarding',
    tables: { accounts: 'readWrite' },
    readsSecret: true,
    publishesNotices: false,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  'onboarding-api': {
    name: 'onboarding-api',
    description: 'Creates Account Links and Account Sessions for the owner of a connected account',
    tables: { accounts: 'read' },
    readsSecret: true,
    publishesNotices: false,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  webhook: {
    name: 'webhook',
    description: 'Verifies and applies Stripe webhook events exactly once',
    tables: { events: 'readWrite', accounts: 'readWrite' },
    readsSecret: true,
    publishesNotices: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
};

/** Who calls a route decides how its errors look: HTML/redirects for browsers, JSON for APIs. */
export type RouteCaller = 'browser' | 'api' | 'stripe';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** API Gateway path syntax: `{name}` is a path parameter. */
  readonly path: string;
  readonly function: FunctionName;
  readonly caller: RouteCaller;
  /**
   * An API route's query parameters (none when absent): any other is refused, 400 `unknown_parameter`, once the
   * caller is authenticated (shared/accounts/authenticate.ts), so a misplaced or misspelt parameter is never ignored.
   * Browser routes check their own, with the pages they answer.
   */
  readonly query?: readonly string[];
}

/** Every route by name; a function's handler serves exactly the routes naming it (see shared/http/handler.ts). */
export const routeTable = {
  authorize: { method: 'GET', path: '/connect/authorize', function: 'authorize', caller: 'browser' },
  callback: { method: 'GET', path: '/connect/callback', function: 'callback', caller: 'browser' },
  dashboard: { method: 'GET', path: '/connect/dashboard', function: 'login-link', caller: 'browser' },
  createLoginLink: { method: 'POST', path: '/accounts/{accountId}/login_links', function: 'login-link', caller: 'api' },
  listAccounts: { method: 'GET', path: '/accounts', function: 'accounts', caller: 'api', query: ['limit', 'cursor'] },
  getAccount: { method: 'GET', path: '/accounts/{accountId}', function: 'accounts', caller: 'api' },
  confirmAccount: { method: 'POST', path: '/accounts/{accountId}/confirm', function: 'deauthorize', caller: 'api' },
  deauthorize: { method: 'POST', path: '/accounts/{accountId}/deauthorize', function: 'deauthorize', caller: 'api' },
  webhook: { method: 'POST', path: '/webhooks/stripe', function: 'webhook', caller: 'stripe' },
  startOnboarding: { method: 'GET', path: '/connect/onboard', function: 'onboard', caller: 'browser' },
  refreshOnboarding: { method: 'GET', path: '/connect/onboard/refresh', function: 'onboard', caller: 'browser' },
  finishOnboarding: { method: 'GET', path: '/connect/onboard/return', function: 'onboard', caller: 'browser' },
  createAccountLink: {
    method: 'POST',
    path: '/accounts/{accountId}/account_links',
    function: 'onboarding-api',
    caller: 'api',
  },
  createAccountSession: {
    method: 'POST',
    path: '/accounts/{accountId}/account_sessions',
    function: 'onboarding-api',
    caller: 'api',
  },
} as const satisfies Readonly<Record<string, Route>>;

export type RouteName = keyof typeof routeTable;

/** The names of the routes one function serves, e.g. `RoutesOf<'accounts'>` is 'listAccounts' | 'getAccount'. */
export type RoutesOf<F extends FunctionName> = {
  [N in RouteName]: (typeof routeTable)[N]['function'] extends F ? N : never;
}[RouteName];

export const routes: readonly Route[] = Object.values(routeTable);

/** The path Stripe redirects back to; its full URL is the `redirect_uri` registered at Stripe. */
export const callbackPath = routeTable.callback.path;

/** The path Stripe sends webhook events to. */
export const webhookPath = routeTable.webhook.path;

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;
