import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrors } from './errors';
import { sendStripeJson } from './http-util';
import type { FaultMode, FaultSpec } from './types';

interface ArmedFault {
  method: string;
  path: string | RegExp;
  mode: FaultMode;
  remaining: number;
}

/** Faults armed for the next N matching requests, matched on method and path (without query). */
export class FaultRegistry {
  private faults: ArmedFault[] = [];
  private readonly held = new Set<ServerResponse>();

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${String(spec.times)}`);
    this.faults.push({ method: spec.method.toUpperCase(), path: spec.path, mode: spec.mode, remaining: times });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first fault matching this request. */
  take(method: string, path: string): FaultMode | undefined {
    const fault = this.faults.find(
      (f) => f.method === method.toUpperCase() && (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.mode;
  }

  /** Answers (or refuses to answer) the request the way the fault says. */
  apply(mode: FaultMode, req: IncomingMessage, res: ServerResponse, requestId: string): void {
    switch (mode) {
      case 'server_error':
      case 'saved_server_error': {
        // A saved failure is the API endpoint's (emulator/api.ts); anywhere else it is a plain 500.
        const error = apiErrors.serverError();
        sendStripeJson(res, requestId, error.status, error.body);
        return;
      }
      case 'key_in_use': {
        const key = req.headers['idempotency-key'];
        const error = apiErrors.keyInUse(typeof key === 'string' ? key : '');
        sendStripeJson(res, requestId, error.status, error.body);
        return;
      }
      case 'rate_limit': {
        // Stripe marks only lock timeouts retryable among its 429s; a rate limit is for the caller to back off from.
        const error = apiErrors.rateLimited();
        sendStripeJson(res, requestId, error.status, error.body, { 'Stripe-Should-Retry': 'false' });
        return;
      }
      case 'lock_timeout': {
        const error = apiErrors.lockTimeout();
        sendStripeJson(res, requestId, error.status, error.body);
        return;
      }
      case 'timeout':
        // Never answer: the client gives up on its own timeout, or close() drops the socket.
        req.resume();
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      case 'reset':
      case 'saved_server_error_lost':
        req.socket.resetAndDestroy();
        return;
    }
  }

  /** Drops every held (timed-out) request. */
  releaseHeld(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }
}
