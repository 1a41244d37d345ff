import { isOneOf } from '../one-of';

/** The two Connect OAuth flows: Standard accounts and Express accounts. */
export const connectFlows = ['standard', 'express'] as const;
export type ConnectFlow = (typeof connectFlows)[number];

export const isConnectFlow = (value: unknown): value is ConnectFlow =>
  typeof value === 'string' && isOneOf(connectFlows, value);

/** The flow's accounts as a person reads them in a message: "Express" or "Standard". */
export const flowLabel = (flow: ConnectFlow): string => (flow === 'express' ? 'Express' : 'Standard');

/**
 * The `scope` Stripe's token response reports for each flow. Checking it is our defence against a
 * flow mix-up: a state minted for one flow used with a code from the other.
 */
export const tokenScopesFor = (flow: ConnectFlow): readonly string[] =>
  flow === 'express' ? ['express'] : ['read_write'];
