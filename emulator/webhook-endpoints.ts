/**
 * api.stripe.com's webhook endpoints, enough for `npm run stripe:setup`: create, list (newest
 * first, paginated with `limit`/`starting_after`/`ending_before` like every Stripe list), retrieve
 * and update. Objects have the shape of stripe-node's `Stripe.WebhookEndpoint`; `secret` appears
 * only in the answer to the create, as at Stripe
 * (sources: docs/stripe-fidelity.md, "Sources of the emulator's endpoints").
 *
 * An endpoint created here is a record only: events are delivered to the endpoints the emulator
 * was started with.
 *
 * [doc] `application` is "the ID of the associated Connect application" (stripe-node's WebhookEndpoint): the
 * platform's client id on an endpoint created with `connect: true`, null on one for the platform's own events.
 * [issue] Stripe never returns the `connect` flag itself; its staff pointed to `application` instead
 * (docs/stripe-fidelity.md, "Webhook endpoints").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { type EmulatorContext, seconds } from './context';
import { type ApiError, apiErrors, missingParameter, parameterError, unknownParameter } from './errors';
import { ParsedForm } from './form';
import { apiKeyFrom, isHttpUrl, readBody, sendJson } from './http-util';
import { randomAlphanumeric } from './ids';
import type { StripeEmulator } from './types';

/** What the emulator keeps per endpoint: the API object, its signing secret, and the `connect` flag it was created with. */
export interface WebhookEndpointRecord {
  readonly endpoint: Stripe.WebhookEndpoint;
  readonly secret: string;
  readonly connect: boolean;
}

const stores = new WeakMap<StripeEmulator, WebhookEndpointRecord[]>();
const storeOf = (emulator: StripeEmulator): WebhookEndpointRecord[] => {
  const store = stores.get(emulator) ?? [];
  stores.set(emulator, store);
  return store;
};

/** Every endpoint created on this emulator, oldest first, with what the API does not show (for tests). */
export const webhookEndpointsOf = (emulator: StripeEmulator): readonly WebhookEndpointRecord[] =>
  storeOf(emulator).map((record) => ({ ...record, endpoint: structuredClone(record.endpoint) }));

type Reply = ApiError | { status: 200; body: unknown };

const noSuchEndpoint = (id: string): ApiError => ({
  status: 404,
  body: {
    error: {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      message: `No such webhook endpoint: '${id}'`,
    },
  },
});

/** The public object: a copy, without the secret. */
const shown = (record: WebhookEndpointRecord): Stripe.WebhookEndpoint => {
  const { secret: _hidden, ...endpoint } = structuredClone(record.endpoint);
  return endpoint;
};

/** `metadata[key]=value` sets, `metadata[key]=` unsets, `metadata=` clears (Stripe's rules). */
const mergedMetadata = (current: Stripe.Metadata, form: ParsedForm): Stripe.Metadata => {
  if (form.get('metadata') === '') return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(form.map('metadata'))) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
};

function create(ctx: EmulatorContext, store: WebhookEndpointRecord[], form: ParsedForm): Reply {
  const url = form.get('url');
  if (url === undefined) return missingParameter('url');
  if (!isHttpUrl(url)) return parameterError('url', `Invalid URL: ${url}`, 'url_invalid');
  const enabledEvents = form.list('enabled_events');
  if (enabledEvents.length === 0) return missingParameter('enabled_events');
  const secret = `whsec_${randomAlphanumeric(32)}`;
  const connect = form.get('connect') === 'true';
  const endpoint: Stripe.WebhookEndpoint = {
    id: `we_${randomAlphanumeric(24)}`,
    object: 'webhook_endpoint',
    api_version: form.get('api_version') ?? null,
    application: connect ? ctx.clientId : null,
    created: seconds(ctx.now()),
    description: form.get('description') || null,
    enabled_events: enabledEvents,
    livemode: ctx.livemode,
    metadata: mergedMetadata({}, form),
    status: 'enabled',
    url,
  };
  store.push({ endpoint, secret, connect });
  return { status: 200, body: { ...structuredClone(endpoint), secret } };
}

function update(store: WebhookEndpointRecord[], id: string, form: ParsedForm): Reply {
  const index = store.findIndex((record) => record.endpoint.id === id);
  const record = store[index];
  if (!record) return noSuchEndpoint(id);
  const url = form.get('url');
  if (url !== undefined && !isHttpUrl(url)) return parameterError('url', `Invalid URL: ${url}`, 'url_invalid');
  for (const fixed of ['api_version', 'connect']) {
    if (form.has(fixed)) return unknownParameter(fixed);
  }
  const enabledEvents = form.list('enabled_events');
  const disabled = form.get('disabled');
  const description = form.get('description');
  const endpoint: Stripe.WebhookEndpoint = {
    ...record.endpoint,
    ...(url !== undefined ? { url } : {}),
    ...(enabledEvents.length > 0 ? { enabled_events: enabledEvents } : {}),
    ...(description !== undefined ? { description: description || null } : {}),
    ...(disabled !== undefined ? { status: disabled === 'true' ? 'disabled' : 'enabled' } : {}),
    metadata: mergedMetadata(record.endpoint.metadata, form),
  };
  store[index] = { ...record, endpoint };
  return { status: 200, body: shown(store[index]) };
}

/** Newest first; `starting_after` pages towards older objects, `ending_before` towards newer ones. */
function list(store: readonly WebhookEndpointRecord[], query: URLSearchParams): Reply {
  const limitText = query.get('limit') ?? '10';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) {
    return parameterError(
      'limit',
      `Invalid integer: ${limitText}; must be between 1 and 100`,
      'parameter_invalid_integer',
    );
  }
  const newestFirst = [...store].reverse();
  const after = query.get('starting_after');
  const before = query.get('ending_before');
  const cursor = after ?? before;
  const at = cursor === null ? -1 : newestFirst.findIndex((record) => record.endpoint.id === cursor);
  if (cursor !== null && at < 0) return noSuchEndpoint(cursor);
  const page =
    before !== null && after === null
      ? newestFirst.slice(Math.max(0, at - limit), at)
      : newestFirst.slice(at + 1, at + 1 + limit);
  const hasMore = before !== null && after === null ? at - limit > 0 : at + 1 + limit < newestFirst.length;
  return {
    status: 200,
    body: { object: 'list', data: page.map(shown), has_more: hasMore, url: '/v1/webhook_endpoints' },
  };
}

function route(
  ctx: EmulatorContext,
  store: WebhookEndpointRecord[],
  method: string,
  url: URL,
  form: ParsedForm,
): Reply {
  if (url.pathname === '/v1/webhook_endpoints') {
    if (method === 'POST') return create(ctx, store, form);
    if (method === 'GET') return list(store, url.searchParams);
  }
  const id = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(url.pathname)?.[1];
  if (id !== undefined) {
    const endpointId = decodeURIComponent(id);
    if (method === 'POST') return update(store, endpointId, form);
    if (method === 'GET') {
      const record = store.find((candidate) => candidate.endpoint.id === endpointId);
      return record ? { status: 200, body: shown(record) } : noSuchEndpoint(endpointId);
    }
  }
  return apiErrors.unrecognizedUrl(method, url.pathname);
}

/** `/v1/webhook_endpoints[/{id}]` with the platform's secret key. */
export async function handleWebhookEndpoints(
  ctx: EmulatorContext,
  emulator: StripeEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const form = new ParsedForm(await readBody(req));
  const key = apiKeyFrom(req);
  const method = req.method ?? 'GET';
  const reply =
    key === undefined || key === ''
      ? apiErrors.missingKey()
      : key !== ctx.secretKey
        ? apiErrors.invalidKey(key)
        : route(ctx, storeOf(emulator), method, new URL(req.url ?? '/', 'http://emulator.invalid'), form);
  sendJson(res, requestId, reply.status, reply.body);
}
