/**
 * A new connection shows Stripe's state of the account as soon as the callback is done, without waiting
 * for `account.application.authorized`: real Stripe may send that event before the record exists (the
 * webhook answers 503) and retry it only minutes or hours later. Here the emulator sends no webhooks at all.
 */
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack';
import { callApi, confirmAccount } from '../support/platform-api';
import { locationOf, TestBrowser } from '../support/test-browser';

const stack = useLocalStack({ webhooks: false });

/** Reads of an account at Stripe (`GET /v1/accounts/{id}`) so far. */
const accountReads = () =>
  stack.emulator.requestLog().filter((entry) => entry.method === 'GET' && entry.path.startsWith('/v1/accounts/'))
    .length;

const connectAndConfirm = async (flow: 'standard' | 'express', user: string, extra = '') => {
  const browser = new TestBrowser();
  const started = await browser.get(
    `${stack.gatewayUrl}/connect/authorize?type=${flow}&ticket=${await stack.mintTicket(user)}${extra}`,
  );
  const success = locationOf(await browser.get(await stack.emulator.decide(locationOf(started).href, 'allow')));
  const accountId = success.searchParams.get('account') ?? '';
  const confirmation = success.searchParams.get('confirmation') ?? '';
  expect((await confirmAccount(stack, user, { accountId, confirmation })).status).toBe(200);
  return { accountId, success };
};

describe('GET /connect/callback > the account as Stripe has it', () => {
  it("stores a Standard account's state read at Stripe, with no webhook", async () => {
    const reads = accountReads();
    const { accountId } = await connectAndConfirm('standard', 'state_reader');

    const record = await callApi(stack, 'GET', `/accounts/${accountId}`, await stack.mintTicket('state_reader'));

    const atStripe = stack.emulator.getAccount(accountId);
    expect(stack.emulator.deliveries()).toEqual([]);
    expect(record.body).toMatchObject({
      chargesEnabled: atStripe?.charges_enabled,
      payoutsEnabled: atStripe?.payouts_enabled,
      detailsSubmitted: atStripe?.details_submitted,
      capabilities: atStripe?.capabilities,
    });
    expect(record.body).toMatchObject({ chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true });
    expect(accountReads() - reads).toBe(1);
  });

  it('reads the account once for both its state and the suggested capabilities Stripe did not add', async () => {
    stack.emulator.setUnavailableCapabilities('BR', ['card_payments']);
    const reads = accountReads();

    const { accountId, success } = await connectAndConfirm(
      'express',
      'capable_reader',
      '&stripe_user[country]=BR&suggested_capabilities[]=card_payments&suggested_capabilities[]=transfers',
    );

    const record = await callApi(stack, 'GET', `/accounts/${accountId}`, await stack.mintTicket('capable_reader'));
    expect(success.searchParams.get('capabilities_missing')).toBe('card_payments');
    expect(record.body).toMatchObject({
      capabilities: { transfers: 'active' },
      capabilitiesMissing: ['card_payments'],
    });
    expect(accountReads() - reads).toBe(1);
  });
});
