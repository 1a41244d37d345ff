import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util';
import { faultModes, type StripeAccountPatch, type StripeEmulator } from './types';

/**
 * HTTP control API under /_emulator/ so another process (npm start, the trigger CLI, a browser test) can
 * drive the emulator:
 *   POST   /_emulator/trigger                  {type, account}            → the event
 *   GET    /_emulator/accounts/:id                                        → the account
 *   POST   /_emulator/accounts/:id             {patch} (or the patch)     → the account.updated event
 *   POST   /_emulator/faults                   {method, path, mode, times?, regex?}
 *   DELETE /_emulator/faults
 *   GET    /_emulator/deliveries | /_emulator/requests
 *   POST   /_emulator/events/:id/redeliver
 *   POST   /_emulator/webhook-secret/roll       {secret, url?}             → the old secret keeps signing too
 *   DELETE /_emulator/webhook-secret/roll                                  → the roll expires
 *   POST   /_emulator/capabilities/unavailable {country, capabilities[]}  → new accounts there fall back
 */

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'Body must be JSON.');
  }
  if (!isRecord(value)) throw new ControlError(400, 'Body must be a JSON object.');
  return value;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new ControlError(400, `Missing string field "${field}".`);
  return value;
}

function faultFrom(body: Record<string, unknown>): Parameters<StripeEmulator['injectFault']>[0] {
  const method = requireString(body, 'method');
  const path = requireString(body, 'path');
  const mode = requireString(body, 'mode');
  const found = faultModes.find((m) => m === mode);
  if (!found) throw new ControlError(400, `mode must be one of ${faultModes.join(', ')}.`);
  const times = body.times;
  if (times !== undefined && typeof times !== 'number') throw new ControlError(400, 'times must be a number.');
  return {
    method,
    path: body.regex === true ? new RegExp(path) : path,
    mode: found,
    ...(times !== undefined ? { times } : {}),
  };
}

async function route(
  emulator: StripeEmulator,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<unknown> {
  if (method === 'POST' && path === '/_emulator/trigger') {
    return emulator.trigger(requireString(body, 'type'), requireString(body, 'account'));
  }
  const account = /^\/_emulator\/accounts\/([^/]+)$/.exec(path)?.[1];
  if (account !== undefined) {
    const id = decodeURIComponent(account);
    if (method === 'GET') {
      const found = emulator.getAccount(id);
      if (!found) throw new ControlError(404, `No such account: ${id}`);
      return found;
    }
    if (method === 'POST') {
      const patch = isRecord(body.patch) ? body.patch : body;
      return emulator.updateAccount(id, patch as StripeAccountPatch);
    }
  }
  if (path === '/_emulator/faults' && method === 'POST') {
    emulator.injectFault(faultFrom(body));
    return { ok: true };
  }
  if (path === '/_emulator/faults' && method === 'DELETE') {
    emulator.clearFaults();
    return { ok: true };
  }
  if (method === 'GET' && path === '/_emulator/deliveries') return emulator.deliveries();
  if (method === 'GET' && path === '/_emulator/requests') return emulator.requestLog();
  if (path === '/_emulator/capabilities/unavailable' && method === 'POST') {
    const capabilities = body.capabilities;
    if (!Array.isArray(capabilities) || !capabilities.every((name) => typeof name === 'string'))
      throw new ControlError(400, 'capabilities must be an array of capability names.');
    emulator.setUnavailableCapabilities(requireString(body, 'country'), capabilities);
    return { ok: true };
  }
  if (path === '/_emulator/webhook-secret/roll' && method === 'POST') {
    const url = body.url;
    if (url !== undefined && typeof url !== 'string') throw new ControlError(400, 'url must be a string.');
    emulator.rollWebhookSecret(requireString(body, 'secret'), url);
    return { ok: true };
  }
  if (path === '/_emulator/webhook-secret/roll' && method === 'DELETE') {
    emulator.expireRolledSecrets();
    return { ok: true };
  }
  const redeliver = /^\/_emulator\/events\/([^/]+)\/redeliver$/.exec(path)?.[1];
  if (method === 'POST' && redeliver !== undefined) {
    await emulator.redeliver(decodeURIComponent(redeliver));
    return { ok: true };
  }
  throw new ControlError(404, `Unknown control route ${method} ${path}`);
}

export async function handleControl(
  emulator: StripeEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  path: string,
): Promise<void> {
  try {
    const body = parseJson(await readBody(req));
    sendJson(res, requestId, 200, await route(emulator, req.method ?? 'GET', path, body));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const status = err instanceof ControlError ? err.status : message.startsWith('No such account') ? 404 : 400;
    sendJson(res, requestId, status, { error: { type: 'invalid_request_error', message } });
  }
}
