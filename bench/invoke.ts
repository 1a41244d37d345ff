/** The built bundles loaded into the bench's own process, and a way to call them as Lambda would. */
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext } from '../local/api-gateway-event';
import type { HttpHandler } from '../shared/http/handler';
import { type FunctionName, functionNames } from '../shared/routes';
import type { Invoke } from './fixtures';

export type Handlers = Record<FunctionName, HttpHandler>;

/** Each `instance` is a separate module instance of every bundle, with its own container state (clients, caches). */
export const loadBundles = async (
  files: Readonly<Record<FunctionName, { file: string }>>,
  instance: string,
): Promise<Handlers> => {
  const handlers = {} as Handlers;
  for (const name of functionNames) {
    handlers[name] = (
      (await import(`${pathToFileURL(files[name].file).href}?${instance}`)) as { handler: HttpHandler }
    ).handler;
  }
  return handlers;
};

export const invoker =
  (handlers: Handlers): Invoke =>
  async (name: FunctionName, event: APIGatewayProxyEventV2) =>
    (await handlers[name](
      event,
      lambdaContext(name, 15, event.requestContext.requestId),
    )) as APIGatewayProxyStructuredResultV2;
