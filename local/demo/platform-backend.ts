/**
 * What a platform's own backend does: vouch for its logged-in user with a platform token and
 * call the service's API over HTTP with it, through the same gateway a browser uses.
 */
import { settingVariables } from '../../shared/config';
import { mintPlatformToken } from '../../shared/platform-token';
import { callbackPath } from '../../shared/routes';
import { localDefaults } from '../defaults';

/** Links on the demo page carry a ticket; ten minutes is time to read the page, under the 15-minute cap. */
export const ticketLifetimeSeconds = 10 * 60;
const apiTimeoutMs = 10_000;

export interface DemoAccount {
  readonly accountId: string;
  readonly type: string;
  readonly status: string;
  readonly chargesEnabled?: boolean;
  readonly payoutsEnabled?: boolean;
  readonly detailsSubmitted?: boolean;
  readonly connectedAt?: string;
  /** `oauth` or `created` (through onboarding). */
  readonly connection?: string;
}

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/**
 * The origin the stack was started for (CALLBACK_URL's): the state cookie is set on it and Stripe
 * returns to it, so the demo sends browsers there and calls the API there.
 */
export const serviceOrigin = (): string | undefined => {
  const callback = process.env[settingVariables.callbackUrl];
  return callback && URL.canParse(callback) && callback.endsWith(callbackPath) ? new URL(callback).origin : undefined;
};

export const mintTicket = (platformUserId: string): Promise<string> =>
  mintPlatformToken(
    platformUserId,
    process.env.PLATFORM_TOKEN_SECRET ?? localDefaults.platformTokenSecret,
    ticketLifetimeSeconds,
  );

const callApi = async (
  origin: string,
  platformUserId: string,
  method: 'GET' | 'POST',
  path: string,
  json?: Readonly<Record<string, string>>,
): Promise<ApiResult<unknown>> => {
  const token = await mintTicket(platformUserId);
  try {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
      ...(json ? { body: JSON.stringify(json) } : {}),
      signal: AbortSignal.timeout(apiTimeoutMs),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return { ok: true, value: body };
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return {
      ok: false,
      status: response.status,
      code: typeof error?.code === 'string' ? error.code : 'unexpected_response',
      message: typeof error?.message === 'string' ? error.message : `The service answered ${response.status}.`,
    };
  } catch (error) {
    return {
      ok: false,
      status: 0,
      code: 'unreachable',
      message: `The service did not answer: ${(error as Error).message}`,
    };
  }
};

const isAccount = (value: unknown): value is DemoAccount =>
  typeof value === 'object' && value !== null && typeof (value as { accountId?: unknown }).accountId === 'string';

/** `GET /accounts`; accepts a bare array or a `{ data: [...] }` list. */
export const listAccounts = async (
  origin: string,
  platformUserId: string,
): Promise<ApiResult<readonly DemoAccount[]>> => {
  const result = await callApi(origin, platformUserId, 'GET', '/accounts');
  if (!result.ok) return result;
  const list = Array.isArray(result.value) ? result.value : (result.value as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(list))
    return { ok: false, status: 200, code: 'unexpected_response', message: 'GET /accounts did not answer a list.' };
  return { ok: true, value: list.filter(isAccount) };
};

/** `POST /accounts/{id}/deauthorize`. */
export const deauthorizeAccount = async (
  origin: string,
  platformUserId: string,
  accountId: string,
): Promise<ApiResult<unknown>> =>
  callApi(origin, platformUserId, 'POST', `/accounts/${encodeURIComponent(accountId)}/deauthorize`);

/**
 * `POST /accounts/{id}/confirm` for the logged-in user with the success redirect's `confirmation`:
 * until then the account is not theirs to use (the browser that finished the flow may be someone else's).
 */
export const confirmAccount = async (
  origin: string,
  platformUserId: string,
  accountId: string,
  confirmation: string,
): Promise<ApiResult<unknown>> =>
  callApi(origin, platformUserId, 'POST', `/accounts/${encodeURIComponent(accountId)}/confirm`, { confirmation });

const linkNames = { account_links: 'account link', login_links: 'login link' } as const;

/**
 * `POST /accounts/{id}/<links>` for the logged-in user: the `url` of the Stripe link object the API
 * answers (an account link, a login link), the URL to send that user to, or why there is none.
 */
const linkUrl = async (
  origin: string,
  platformUserId: string,
  accountId: string,
  links: 'account_links' | 'login_links',
  body?: Record<string, string>,
): Promise<ApiResult<string>> => {
  const result = await callApi(
    origin,
    platformUserId,
    'POST',
    `/accounts/${encodeURIComponent(accountId)}/${links}`,
    body,
  );
  if (!result.ok) return result;
  const url = (result.value as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' && URL.canParse(url)
    ? { ok: true, value: url }
    : { ok: false, status: 200, code: 'unexpected_response', message: `The ${linkNames[links]} answer had no URL.` };
};

/**
 * A fresh Stripe-hosted onboarding link that asks for everything Stripe will need (`account_update` links
 * are refused for accounts with a Stripe-hosted Dashboard, which every account here has).
 */
export const updateDetailsUrl = (origin: string, platformUserId: string, accountId: string) =>
  linkUrl(origin, platformUserId, accountId, 'account_links', {
    type: 'account_onboarding',
    collect: 'eventually_due',
  });

/** An Express Dashboard login link for the logged-in user's account. */
export const loginLinkUrl = (origin: string, platformUserId: string, accountId: string) =>
  linkUrl(origin, platformUserId, accountId, 'login_links');
