/**
 * The schema of `GET /connect/authorize`: what a platform may pass, validated in one place.
 * Unknown parameters are refused so a typo (`suggested_capabilites[]`) is caught, not ignored.
 */
import type Stripe from 'stripe';
import { badRequest } from '../errors';
import { parseQuery, refuseUnknownParameters, singleParam } from '../http/query';
import { capabilityNamePattern } from '../stripe/ids';
import type { ConnectFlow } from './flow';
import { type FlowStart, flowStartParameters, parseFlowStart } from './flow-start';
import { parseStripeUser } from './stripe-user';

export interface AuthorizeRequest extends FlowStart {
  readonly stripeUser: Readonly<Record<string, string>>;
  readonly suggestedCapabilities: readonly string[];
  readonly stripeLanding: 'login' | 'register' | undefined;
  readonly alwaysPrompt: boolean;
}

/**
 * Every parameter of Stripe's authorize URL (stripe-node's `OAuthAuthorizeUrlParams`), and whether a
 * platform may pass it through us: the compiler fails when Stripe adds one and this table does not say.
 * The others are ours to set (client id, redirect URI, scope, our own state).
 */
const stripeAuthorizeParameters = {
  client_id: false,
  response_type: false,
  redirect_uri: false,
  scope: false,
  state: false,
  stripe_landing: true,
  always_prompt: true,
  suggested_capabilities: true,
  stripe_user: true,
} as const satisfies Record<keyof Stripe.OAuthAuthorizeUrlParams, boolean>;

/** `stripe_user[...]` fields are checked one by one in stripe-user.ts; arrays are sent as `name[]`. */
const knownParameters = new Set([
  ...flowStartParameters,
  ...Object.entries(stripeAuthorizeParameters)
    .filter(([name, passed]) => passed && name !== 'stripe_user')
    .map(([name]) => (name === 'suggested_capabilities' ? `${name}[]` : name)),
]);
const maxCapabilities = 20;

const parseCapabilities = (query: URLSearchParams, flow: ConnectFlow): string[] => {
  const values = query.getAll('suggested_capabilities[]');
  if (values.length === 0) return [];
  if (flow !== 'express')
    throw badRequest('invalid_parameter', 'suggested_capabilities[] applies to Express accounts only.');
  if (values.length > maxCapabilities)
    throw badRequest('invalid_parameter', `At most ${maxCapabilities} suggested_capabilities[] are allowed.`);
  const invalid = values.find((value) => !capabilityNamePattern.test(value));
  if (invalid !== undefined)
    throw badRequest(
      'invalid_parameter',
      'suggested_capabilities[] must be capability names such as card_payments or transfers.',
    );
  return [...new Set(values)];
};

const parseStandardOnly = (
  query: URLSearchParams,
  flow: ConnectFlow,
): Pick<AuthorizeRequest, 'stripeLanding' | 'alwaysPrompt'> => {
  const stripeLanding = singleParam(query, 'stripe_landing');
  const alwaysPrompt = singleParam(query, 'always_prompt');
  if (flow === 'express' && (stripeLanding !== undefined || alwaysPrompt !== undefined)) {
    throw badRequest('invalid_parameter', 'stripe_landing and always_prompt apply to Standard accounts only.');
  }
  if (stripeLanding !== undefined && stripeLanding !== 'login' && stripeLanding !== 'register') {
    throw badRequest('invalid_parameter', 'stripe_landing must be login or register.');
  }
  const landing: AuthorizeRequest['stripeLanding'] = stripeLanding;
  if (alwaysPrompt !== undefined && alwaysPrompt !== 'true' && alwaysPrompt !== 'false') {
    throw badRequest('invalid_parameter', 'always_prompt must be true or false.');
  }
  return { stripeLanding: landing, alwaysPrompt: alwaysPrompt === 'true' };
};

export const parseAuthorizeRequest = (
  rawQueryString: string | undefined,
  returnToOrigins: readonly string[],
): AuthorizeRequest => {
  const query = parseQuery(rawQueryString);
  refuseUnknownParameters(
    query,
    '/connect/authorize',
    [...knownParameters, 'stripe_user[...]'],
    (key) => knownParameters.has(key) || key.startsWith('stripe_user'),
  );
  const start = parseFlowStart(query, returnToOrigins);
  return {
    ...start,
    stripeUser: parseStripeUser(query, start.flow),
    suggestedCapabilities: parseCapabilities(query, start.flow),
    ...parseStandardOnly(query, start.flow),
  };
};
