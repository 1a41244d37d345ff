/**
 * The URLs onboarding hands out to Stripe: `refresh_url` and `return_url`, on this service, carrying the
 * resume value. (The platform's success and failure redirects are shared/http/platform-redirects.ts.)
 */
import type { ServiceConfig } from '../config';
import { withQuery } from '../http/query';
import { callbackPath, routeTable } from '../routes';

export const onboardRefreshPath = routeTable.refreshOnboarding.path;
export const onboardReturnPath = routeTable.finishOnboarding.path;

/** This service's public base URL: the registered OAuth callback URL without its own path. */
export const serviceBaseUrl = (config: Pick<ServiceConfig, 'callbackUrl'>): string => {
  const url = new URL(config.callbackUrl);
  url.pathname = url.pathname.endsWith(callbackPath) ? url.pathname.slice(0, -callbackPath.length) : '';
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/$/, '');
};

/** Stripe's `refresh_url` and `return_url` for one onboarding. */
export const stripeReturnUrls = (
  config: Pick<ServiceConfig, 'callbackUrl'>,
  resume: string,
): { refresh_url: string; return_url: string } => {
  const base = serviceBaseUrl(config);
  return {
    refresh_url: withQuery(`${base}${onboardRefreshPath}`, { resume }),
    return_url: withQuery(`${base}${onboardReturnPath}`, { resume }),
  };
};
