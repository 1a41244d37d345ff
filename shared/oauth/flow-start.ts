/**
 * The parameters both browser starts take, `GET /connect/authorize` and `GET /connect/onboard`: the flow, the
 * platform's ticket and where the flow ends. Each route refuses every other parameter it does not take.
 */
import { badRequest } from '../errors';
import { requiredParam, singleParam } from '../http/query';
import { type ConnectFlow, connectFlows, isConnectFlow } from './flow';
import { validateReturnTo } from './return-to';

export const flowStartParameters = ['type', 'ticket', 'return_to'] as const;

export interface FlowStart {
  readonly flow: ConnectFlow;
  /** Checked by the token verifier, so a missing one is a 401 like any other bad token. */
  readonly ticket: string | undefined;
  readonly returnTo: string | undefined;
}

/** `type` (required), `ticket` and `return_to` (at most once each; `return_to` on an allowed origin). */
export const parseFlowStart = (query: URLSearchParams, returnToOrigins: readonly string[]): FlowStart => {
  const flow = requiredParam(query, 'type');
  if (!isConnectFlow(flow)) throw badRequest('invalid_parameter', `type must be ${connectFlows.join(' or ')}.`);
  const ticket = singleParam(query, 'ticket');
  const returnTo = singleParam(query, 'return_to');
  return {
    flow,
    ticket,
    returnTo: returnTo === undefined ? undefined : validateReturnTo(returnTo, returnToOrigins),
  };
};
