/**
 * Logs and metrics of the real handlers behind the local gateway: the metric names and dimensions
 * each outcome emits (docs/observability.md lists them), and the request id in every log line.
 */
import { describe, expect, it } from 'vitest';
import { stripeApiVersion } from '../../shared/stripe/api-version';
import { poisonedEventMessage } from '../../shared/webhooks/log-messages';
import { useLocalStack } from '../support/local-stack';
import { capturedServiceLines } from '../support/log-guard';
import { connectAccount, settled } from '../support/platform-api';
import { locationOf, TestBrowser } from '../support/test-browser';
import { postSignedEvent } from '../support/webhooks';

const stack = useLocalStack();

interface Emf {
  readonly name: string;
  readonly dimensions: Record<string, unknown>;
}

/** The EMF metrics printed since `from`, as { name, dimensions } (the service dimension included). */
const metricsSince = (from: number): Emf[] =>
  capturedServiceLines()
    .slice(from)
    .filter((line) => line.startsWith('{"_aws":'))
    .flatMap((line) => {
      const parsed = JSON.parse(line) as {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      } & Record<string, unknown>;
      return parsed._aws.CloudWatchMetrics.flatMap(({ Dimensions, Metrics }) =>
        Metrics.map(({ Name }) => ({
          name: Name,
          dimensions: Object.fromEntries((Dimensions[0] ?? []).map((key) => [key, parsed[key]])),
        })),
      );
    });

const logsOf = (requestId: string | null) =>
  capturedServiceLines()
    .filter((line) => line.startsWith('{"level":'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.correlation_id === requestId);

const service = 'connect-onboarding';

describe('metrics of the connect flow', () => {
  it('counts a started and a completed Express connection by flow', async () => {
    const from = capturedServiceLines().length;
    const browser = new TestBrowser();
    const start = await browser.get(
      `${stack.gatewayUrl}/connect/authorize?type=express&ticket=${await stack.mintTicket('user_metrics')}`,
    );
    const finished = await browser.get(await stack.emulator.decide(locationOf(start).href, 'allow'));

    expect(locationOf(finished).searchParams.get('account')).toMatch(/^acct_/);
    expect(metricsSince(from).filter(({ name }) => name.startsWith('Connect'))).toEqual([
      { name: 'ConnectStarted', dimensions: { service, flow: 'express' } },
      { name: 'ConnectCompleted', dimensions: { service, flow: 'express' } },
    ]);
  });

  it('counts a failed callback by its reason, and logs it with the request id', async () => {
    const from = capturedServiceLines().length;
    const response = await fetch(`${stack.gatewayUrl}/connect/callback?code=ac_made0up0code&state=${'s'.repeat(43)}`, {
      redirect: 'manual',
    });
    const requestId = response.headers.get('x-request-id');

    expect(locationOf(response).searchParams.get('error')).toBe('session_mismatch');
    expect(metricsSince(from)).toContainEqual({
      name: 'ConnectFailed',
      dimensions: { service, reason: 'session_mismatch' },
    });
    expect(logsOf(requestId)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'connect failed',
        service: 'callback',
        reason: 'session_mismatch',
        requestId,
        route: 'GET /connect/callback',
      }),
    ]);
  });
});

describe('metrics of the webhook', () => {
  it('counts a rejected signature by errorCode and logs "request refused" with that errorCode (the stack filters on it)', async () => {
    const from = capturedServiceLines().length;
    const forged = {
      id: 'evt_forged',
      object: 'event',
      type: 'account.updated',
      created: 1,
      livemode: false,
      data: { object: {} },
    };
    const response = await postSignedEvent(stack, forged, { secret: 'whsec_not0the0endpoint0secret' });

    expect(response.status).toBe(400);
    expect(metricsSince(from)).toContainEqual({
      name: 'WebhookEventRejected',
      dimensions: { service, errorCode: 'signature_mismatch' },
    });
    expect(logsOf(response.requestId)).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'request refused',
        service: 'webhook',
        status: 400,
        errorCode: 'signature_mismatch',
      }),
    ]);
  });

  it('counts a poisoned event by reason and logs it as a warning (the alarm filters on that line)', async () => {
    const event = {
      id: `evt_${Date.now()}future`,
      object: 'event',
      api_version: stripeApiVersion,
      type: 'account.updated',
      account: 'acct_1Nv0FGQ9RKHgCVdK',
      created: 4_102_444_800,
      livemode: false,
      data: { object: { id: 'acct_1Nv0FGQ9RKHgCVdK', object: 'account' } },
    };
    const from = capturedServiceLines().length;
    const response = await postSignedEvent(stack, event);

    expect(response.body).toEqual({ received: true, status: 'ignored', reason: 'created_in_future' });
    expect(metricsSince(from)).toContainEqual({
      name: 'WebhookEventPoisoned',
      dimensions: { service, reason: 'created_in_future' },
    });
    expect(logsOf(response.requestId)).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: poisonedEventMessage,
        service: 'webhook',
        eventId: event.id,
        reason: 'created_in_future',
        created: 4_102_444_800_000,
      }),
    );
  });

  it('counts an account Stripe deauthorized by its source, once: not again for a redelivery', async () => {
    const accountId = await connectAccount(stack, 'standard', 'user_metrics_deauthorized');
    await settled(stack, accountId);
    const event = {
      id: `evt_${Date.now()}deauthorized`,
      object: 'event',
      type: 'account.application.deauthorized',
      account: accountId,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'ca_platform', object: 'application' } },
    };
    const from = capturedServiceLines().length;

    const first = await postSignedEvent(stack, event);
    const again = await postSignedEvent(stack, event);

    expect([first.body, again.body]).toEqual([
      { received: true, status: 'processed' },
      { received: true, status: 'duplicate' },
    ]);
    expect(metricsSince(from).filter(({ name }) => name === 'AccountDeauthorized')).toEqual([
      { name: 'AccountDeauthorized', dimensions: { service, source: 'stripe' } },
    ]);
  });

  it('counts an ignored event by reason and a redelivery as a duplicate', async () => {
    const event = {
      id: `evt_${Date.now()}ignored`,
      object: 'event',
      type: 'payout.paid',
      account: 'acct_1Nv0FGQ9RKHgCVdK',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'po_1' } },
    };
    const from = capturedServiceLines().length;
    const response = await postSignedEvent(stack, event);

    expect(response.body).toEqual({ received: true, status: 'ignored', reason: 'unhandled_type' });
    expect(metricsSince(from)).toContainEqual({
      name: 'WebhookEventIgnored',
      dimensions: { service, reason: 'unhandled_type' },
    });
    expect(JSON.stringify(metricsSince(from))).not.toContain('acct_');
  });
});
