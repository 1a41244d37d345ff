import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { authorizeUrl, codeFrom, httpCall, startTestEmulator, stripeFor } from './helpers';

describe('StripeEmulator > suggested capabilities and their fallback', () => {
  let emulator: StripeEmulator;

  afterEach(async () => {
    await emulator.close();
  });

  const onboard = async (country: string, suggested: string[]) => {
    const url = authorizeUrl(emulator, 'express', {
      'stripe_user[country]': country,
      'suggested_capabilities[]': suggested,
    });
    return codeFrom(await emulator.decide(url, 'allow'));
  };
  const capabilitiesOf = async (code: string) => {
    const stripe = stripeFor(emulator);
    const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });
    return (await stripe.accounts.retrieve(token.stripe_user_id ?? '')).capabilities;
  };

  it('silently drops a capability the country does not offer: card_payments unavailable leaves transfers', async () => {
    emulator = await startTestEmulator({ unavailableCapabilities: { BR: ['card_payments'] } });

    const code = await onboard('BR', ['card_payments', 'transfers']);

    expect(await capabilitiesOf(code)).toEqual({ transfers: 'active' });
  });

  it('designates card_payments where transfers is not offered, and nothing where neither is', async () => {
    emulator = await startTestEmulator();
    emulator.setUnavailableCapabilities('IN', ['transfers']);
    emulator.setUnavailableCapabilities('AE', ['transfers', 'card_payments']);

    expect(await capabilitiesOf(await onboard('IN', ['transfers']))).toEqual({ card_payments: 'active' });
    expect(await capabilitiesOf(await onboard('AE', ['transfers']))).toEqual({});
    // Not even another suggested capability the country offers: the account gets none.
    expect(await capabilitiesOf(await onboard('AE', ['transfers', 'us_bank_account_ach_payments']))).toEqual({});
    expect(await capabilitiesOf(await onboard('US', ['transfers']))).toEqual({ transfers: 'active' });
  });

  it("leaves a Standard account its capabilities: the fallback is the Express flow's suggested capabilities", async () => {
    emulator = await startTestEmulator({ unavailableCapabilities: { BR: ['card_payments', 'transfers'] } });
    const url = authorizeUrl(emulator, 'standard', { 'stripe_user[country]': 'BR' });

    const capabilities = await capabilitiesOf(codeFrom(await emulator.decide(url, 'allow')));

    expect(capabilities).toMatchObject({ card_payments: 'active', transfers: 'active' });
  });

  it('answers a failed assert_capabilities with the documented invalid_request', async () => {
    emulator = await startTestEmulator({ unavailableCapabilities: { BR: ['card_payments'] } });
    const code = await onboard('BR', ['card_payments', 'transfers']);

    const asserted = stripeFor(emulator).oauth.token({
      grant_type: 'authorization_code',
      code,
      assert_capabilities: ['card_payments', 'transfers'],
    });

    await expect(asserted).rejects.toBeInstanceOf(Stripe.errors.StripeOAuthInvalidRequestError);
    await expect(asserted).rejects.toMatchObject({
      type: 'StripeOAuthInvalidRequestError',
      rawType: 'invalid_request',
      message: 'assert_capabilities expects capability: card_payments',
    });
  });

  it('is switched over the control API, and cleared with an empty list', async () => {
    emulator = await startTestEmulator();
    const post = (body: unknown) =>
      httpCall(`${emulator.url}/_emulator/capabilities/unavailable`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((res) => [res.status, JSON.parse(res.text)]);

    expect(await post({ country: 'br', capabilities: ['card_payments'] })).toEqual([200, { ok: true }]);
    expect(await capabilitiesOf(await onboard('BR', ['card_payments', 'transfers']))).toEqual({ transfers: 'active' });
    expect(await post({ country: 'BR', capabilities: [] })).toEqual([200, { ok: true }]);
    expect(await capabilitiesOf(await onboard('BR', ['card_payments']))).toEqual({ card_payments: 'active' });
    expect(await post({ country: 'BR', capabilities: 'card_payments' })).toEqual([
      400,
      { error: { type: 'invalid_request_error', message: 'capabilities must be an array of capability names.' } },
    ]);
  });
});
