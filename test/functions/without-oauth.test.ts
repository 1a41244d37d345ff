/**
 * A platform that joined Connect after Stripe closed Express OAuth to new platforms may have no OAuth client ID
 * to give: its secret leaves `clientId` out. Everything but Connect OAuth works (onboarding, webhooks, the
 * platform API); the OAuth routes answer 503 `configuration_error` naming the missing field, and touch nothing.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/clients/dynamodb';
import { useLocalStack } from '../support/local-stack';
import { callApi, confirmAccount, finishOnboarding, seedAccount, stripeCalls } from '../support/platform-api';
import { TestBrowser } from '../support/test-browser';

const stack = useLocalStack({ env: { STRIPE_CLIENT_ID: '' } });

const noClientId =
  'The service is misconfigured: secret field clientId is not set, and Connect OAuth needs the platform client ID (ca_…); onboarding through /connect/onboard does not.';

describe('a deployment without a Connect OAuth client ID', () => {
  it('onboards a user through Account Links, applies its webhooks, and serves the account to the platform', async () => {
    const finished = await finishOnboarding(stack, 'express', 'no_oauth_seller');

    expect((await confirmAccount(stack, 'no_oauth_seller', finished)).status).toBe(200);
    const listed = await callApi(stack, 'GET', '/accounts', await stack.mintTicket('no_oauth_seller'));
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      data: [expect.objectContaining({ accountId: finished.accountId, type: 'express', detailsSubmitted: true })],
    });
    await stack.emulator.webhooksIdle(10_000);
    // Every event about the account was answered 2xx in the end (a 503 `account_pending` first is Stripe's to retry).
    const deliveries = stack.emulator.deliveries().filter((delivery) => delivery.account === finished.accountId);
    const events = new Set(deliveries.map((delivery) => delivery.eventId));
    expect(events.size).toBeGreaterThan(0);
    for (const event of events) {
      expect(
        deliveries.some((delivery) => delivery.eventId === event && delivery.ok),
        event,
      ).toBe(true);
    }
  });

  it('answers Connect OAuth with a 503 page naming the client ID, and stores no state and sets no cookie', async () => {
    const browser = new TestBrowser();
    const response = await browser.get(
      `${stack.gatewayUrl}/connect/authorize?type=standard&ticket=${await stack.mintTicket('no_oauth_user')}`,
    );

    expect(response.status).toBe(503);
    const page = await response.text();
    expect(page).toContain(noClientId);
    expect(page).toContain('Error code: configuration_error');
    expect(response.headers.getSetCookie()).toEqual([]);
    const states = await createDocumentClient().send(new ScanCommand({ TableName: stack.tables.states }));
    expect(states.Items).toEqual([]);
  });

  it('refuses to disconnect an OAuth-connected Standard account with the same answer, without calling Stripe', async () => {
    const seeded = await seedAccount(stack, { platformUserId: 'no_oauth_owner', type: 'standard' });
    const deauthorizeCalls = stripeCalls(stack, 'POST', '/oauth/deauthorize');

    const response = await callApi(
      stack,
      'POST',
      `/accounts/${String(seeded.accountId)}/deauthorize`,
      await stack.mintTicket('no_oauth_owner'),
    );

    expect(response).toMatchObject({
      status: 503,
      body: { error: { type: 'service_unavailable_error', code: 'configuration_error', message: noClientId } },
    });
    expect(stripeCalls(stack, 'POST', '/oauth/deauthorize')).toBe(deauthorizeCalls);
  });
});
