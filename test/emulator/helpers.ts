import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { type StripeEmulator, type StripeEmulatorOptions, startStripeEmulator } from '../../emulator';

export const SECRET_KEY = 'sk_test_emulatorTests000000000000001234';
export const CLIENT_ID = 'ca_emulatorTests0000000000000000';
export const WEBHOOK_SECRET = 'whsec_emulatorTests000000000000000000';
export const REDIRECT_URI = 'https://platform.example/connect/callback';
export const OTHER_REDIRECT_URI = 'https://platform.example/connect/callback2';

export function startTestEmulator(overrides: Partial<StripeEmulatorOptions> = {}): Promise<StripeEmulator> {
  return startStripeEmulator({
    port: 0,
    secretKey: SECRET_KEY,
    clientId: CLIENT_ID,
    redirectUris: [REDIRECT_URI, OTHER_REDIRECT_URI],
    webhookRetry: { attempts: 3, backoffMs: 10 },
    ...overrides,
  });
}

/** The real SDK, configured like the service does: one host for api and connect calls. */
/** What stripe-node makes of Stripe's answer to a parameter it does not know: `param` named, a 400. */
export const unknownParameterError = (param: string) => ({
  type: 'StripeInvalidRequestError',
  statusCode: 400,
  code: 'parameter_unknown',
  param,
  message: `Received unknown parameter: ${param}`,
});

export function stripeFor(emulator: StripeEmulator, key = SECRET_KEY): Stripe {
  const url = new URL(emulator.url);
  return new Stripe(key, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    timeout: 2000,
  });
}

/** An authorize URL like the service builds it (stripe-node's authorizeUrl() cannot carry a port). */
export function authorizeUrl(
  emulator: StripeEmulator,
  flow: 'standard' | 'express',
  params: Record<string, string | string[]> = {},
): string {
  const path = flow === 'express' ? '/express/oauth/authorize' : '/oauth/authorize';
  const query = new URLSearchParams();
  const defaults: Record<string, string | string[]> =
    flow === 'express'
      ? { client_id: CLIENT_ID, state: 'state-123' }
      : { response_type: 'code', client_id: CLIENT_ID, scope: 'read_write', state: 'state-123' };
  for (const [key, value] of Object.entries({ ...defaults, ...params })) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v);
  }
  return `${emulator.url}${path}?${query.toString()}`;
}

export function codeFrom(location: string): string {
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`No code in ${location}`);
  return code;
}

/** Runs the browser step and the token exchange; returns the connected account id. */
export async function connect(
  emulator: StripeEmulator,
  flow: 'standard' | 'express',
  params: Record<string, string | string[]> = {},
): Promise<string> {
  const location = await emulator.decide(authorizeUrl(emulator, flow, params), 'allow');
  const token = await stripeFor(emulator).oauth.token({ grant_type: 'authorization_code', code: codeFrom(location) });
  if (!token.stripe_user_id) throw new Error('no stripe_user_id');
  return token.stripe_user_id;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Plain HTTP call without keep-alive (so nothing stays open after a test). */
export function httpCall(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook endpoint that records what it receives and answers the statuses it is given, in order (then 200). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly server: Server;
  private statuses: number[] = [];

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.statuses.shift() ?? 200).end();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  respondWith(...statuses: number[]): void {
    this.statuses = statuses;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
