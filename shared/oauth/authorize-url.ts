import type { AuthorizeRequest } from './authorize-request';

export interface AuthorizeUrlInput {
  /** `https://connect.stripe.com`, or the emulator locally. */
  readonly connectBase: URL | string;
  readonly clientId: string;
  readonly state: string;
  readonly redirectUri: string;
  readonly request: Pick<
    AuthorizeRequest,
    'flow' | 'stripeUser' | 'suggestedCapabilities' | 'stripeLanding' | 'alwaysPrompt'
  >;
}

/**
 * Stripe's authorize URL for the flow. Built here rather than with `stripe.oauth.authorizeUrl()`,
 * which hard-codes `https://connect.stripe.com` without a port and would pull the SDK into a
 * function that otherwise never calls Stripe.
 */
export const buildAuthorizeUrl = ({
  connectBase,
  clientId,
  state,
  redirectUri,
  request,
}: AuthorizeUrlInput): string => {
  const express = request.flow === 'express';
  const url = new URL(express ? '/express/oauth/authorize' : '/oauth/authorize', connectBase);
  const params = url.searchParams;
  if (!express) {
    params.set('response_type', 'code');
    params.set('scope', 'read_write');
  }
  params.set('client_id', clientId);
  params.set('state', state);
  params.set('redirect_uri', redirectUri);
  if (request.stripeLanding) params.set('stripe_landing', request.stripeLanding);
  if (request.alwaysPrompt) params.set('always_prompt', 'true');
  for (const capability of request.suggestedCapabilities) params.append('suggested_capabilities[]', capability);
  for (const [field, value] of Object.entries(request.stripeUser)) params.set(`stripe_user[${field}]`, value);
  return url.href;
};
