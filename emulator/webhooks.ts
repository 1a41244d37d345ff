import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { seconds } from './context';
import { signatureHeader } from './signature';
import type { StripeEvent, WebhookDelivery, WebhookEndpoint } from './types';

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}

interface Waiter {
  count: number;
  resolve: (deliveries: readonly WebhookDelivery[]) => void;
}

/**
 * Connect events carry `account` from this API version on; before it they carried `user_id` (sources:
 * docs/stripe-fidelity.md, "Sources of the emulator's endpoints").
 */
export const ACCOUNT_FIELD_SINCE = '2017-05-25';

/**
 * [issue] The event types whose `api_version` is the connected account's own, not the endpoint's: Stripe
 * staff called it a bug in 2023 and it was still reported in 2024. [guess] Only that field: the envelope
 * follows the endpoint's version as for other events.
 */
export const renderedInAccountVersion: ReadonlySet<string> = new Set([
  'account.application.authorized',
  'account.application.deauthorized',
]);

/**
 * An event as an endpoint receives it: in the endpoint's API version. Only the envelope is versioned
 * here (`account` vs `user_id`); data.object keeps the emulator's (current) shape.
 */
export function eventForEndpoint(event: StripeEvent, endpoint: WebhookEndpoint): Record<string, unknown> {
  if (endpoint.apiVersion === undefined) return { ...event };
  const apiVersion = renderedInAccountVersion.has(event.type) ? event.api_version : endpoint.apiVersion;
  const { account, ...rest } = event;
  return endpoint.apiVersion < ACCOUNT_FIELD_SINCE
    ? { ...rest, api_version: apiVersion, user_id: account }
    : { ...event, api_version: apiVersion };
}

/**
 * Posts signed events to the endpoints in the background. A failed attempt (network error or non-2xx) is
 * retried with a doubling backoff, like Stripe does over days in live mode, compressed to milliseconds here.
 */
export class WebhookDispatcher {
  private readonly events = new Map<string, StripeEvent>();
  private readonly log: WebhookDelivery[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private readonly inFlight = new Set<() => void>();
  /** Deliveries begun and not yet finished (including those sleeping before a retry). */
  private underWay = 0;
  private closed = false;
  private readonly endpoints: WebhookEndpoint[];

  constructor(
    endpoints: readonly WebhookEndpoint[],
    private readonly policy: RetryPolicy,
    private readonly now: () => number,
  ) {
    this.endpoints = endpoints.map((endpoint) => ({ ...endpoint }));
  }

  /** The current secret becomes a rolling one; `secret` signs first from now on. */
  rollSecret(secret: string, url?: string): void {
    const matching = this.endpoints.filter((endpoint) => url === undefined || endpoint.url === url);
    if (matching.length === 0) throw new Error(`No webhook endpoint at ${url}`);
    for (const endpoint of matching) {
      endpoint.rollingSecrets = [endpoint.secret, ...(endpoint.rollingSecrets ?? [])];
      endpoint.secret = secret;
    }
  }

  expireRolledSecrets(): void {
    for (const endpoint of this.endpoints) delete endpoint.rollingSecrets;
  }

  get endpointCount(): number {
    return this.endpoints.length;
  }

  /** Records the event and starts delivering it without waiting. */
  dispatch(event: StripeEvent): void {
    this.events.set(event.id, event);
    for (const endpoint of this.endpoints) void this.deliver(event, endpoint);
  }

  /** Sends a known event again (same id, new signature) and resolves when those deliveries finished. */
  async redeliver(eventId: string): Promise<void> {
    const event = this.events.get(eventId);
    if (!event) throw new Error(`Unknown event: ${eventId}`);
    await Promise.all(this.endpoints.map((endpoint) => this.deliver(event, endpoint)));
  }

  event(eventId: string): StripeEvent | undefined {
    return this.events.get(eventId);
  }

  deliveries(): readonly WebhookDelivery[] {
    return [...this.log];
  }

  waitFor(count: number, timeoutMs: number): Promise<readonly WebhookDelivery[]> {
    if (this.log.length >= count) return Promise.resolve(this.deliveries());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: (deliveries) => {
          clearTimeout(timer);
          resolve(deliveries);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${count} webhook deliveries; saw ${this.log.length}: ${JSON.stringify(this.log)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.sleeps) {
      clearTimeout(timer);
      wake();
    }
    this.sleeps.clear();
    for (const abort of this.inFlight) abort();
  }

  /** Resolves once no delivery is under way (polled: deliveries are few and short here). */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.underWay > 0) {
      if (Date.now() > deadline)
        throw new Error(`${this.underWay} webhook deliveries still under way after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async deliver(event: StripeEvent, endpoint: WebhookEndpoint): Promise<void> {
    this.underWay += 1;
    try {
      for (let attempt = 1; attempt <= this.policy.attempts && !this.closed; attempt += 1) {
        const outcome = await this.post(event, endpoint);
        this.record({
          eventId: event.id,
          type: event.type,
          ...(event.account === undefined ? {} : { account: event.account }),
          url: endpoint.url,
          attempt,
          ...outcome,
          at: this.now(),
        });
        if (outcome.ok || attempt === this.policy.attempts) return;
        await this.sleep(this.policy.backoffMs * 2 ** (attempt - 1));
      }
    } finally {
      this.underWay -= 1;
    }
  }

  private record(delivery: WebhookDelivery): void {
    this.log.push(delivery);
    for (const waiter of this.waiters) {
      if (this.log.length >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(this.deliveries());
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, resolve);
    });
  }

  private post(
    event: StripeEvent,
    endpoint: WebhookEndpoint,
  ): Promise<{ ok: boolean; status?: number; error?: string }> {
    // Stripe sends pretty-printed JSON; the signature covers these exact bytes.
    const body = JSON.stringify(eventForEndpoint(event, endpoint), null, 2);
    const secrets = [endpoint.secret, ...(endpoint.rollingSecrets ?? [])];
    const signature = signatureHeader(body, secrets, seconds(this.now()), {
      testMode: !event.livemode,
    });
    const url = new URL(endpoint.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: { ok: boolean; status?: number; error?: string }): void => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(abort);
        resolve(outcome);
      };
      const req = send(url, {
        method: 'POST',
        agent: false,
        timeout: this.policy.timeoutMs,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
      });
      const abort = (): void => {
        req.destroy();
        finish({ ok: false, error: 'emulator closed' });
      };
      this.inFlight.add(abort);
      req.on('response', (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        res.on('end', () => finish({ ok: status >= 200 && status < 300, status }));
        res.on('error', (err) => finish({ ok: false, status, error: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.policy.timeoutMs} ms`)));
      req.on('error', (err) => finish({ ok: false, error: err.message }));
      req.end(body);
    });
  }
}
