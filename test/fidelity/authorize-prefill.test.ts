import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack';
import { locationOf, TestBrowser } from '../support/test-browser';

const stack = useLocalStack();

const authorize = async (user: string, query: string) => {
  const ticket = await stack.mintTicket(user);
  const browser = new TestBrowser();
  return {
    browser,
    response: await browser.get(`${stack.gatewayUrl}/connect/authorize?type=${query}&ticket=${ticket}`),
  };
};

describe('GET /connect/authorize > stripe_user prefill, through the gateway', () => {
  it("passes Express's own business_type=company to Stripe, and the account is created as a company", async () => {
    const { browser, response } = await authorize('prefill_company', 'express&stripe_user[business_type]=company');

    expect(response.status).toBe(302);
    const location = locationOf(response);
    expect(location.pathname).toBe('/express/oauth/authorize');
    expect(location.searchParams.get('stripe_user[business_type]')).toBe('company');
    const callback = new URL(await stack.emulator.decide(location.href, 'allow'));
    const finished = await browser.get(callback.href);
    const accountId = locationOf(finished).searchParams.get('account');
    expect(stack.emulator.getAccount(accountId ?? '')?.business_type).toBe('company');
  });

  it('passes the Standard Japanese building fields through', async () => {
    const { response } = await authorize(
      'prefill_building',
      'standard&stripe_user[country]=JP&stripe_user[zip]=100-0001&stripe_user[building_kana]=%E3%83%93%E3%83%AB&stripe_user[building_kanji]=%E3%83%93%E3%83%AB',
    );

    expect(response.status).toBe(302);
    const params = locationOf(response).searchParams;
    expect([params.get('stripe_user[building_kana]'), params.get('stripe_user[building_kanji]')]).toEqual([
      'ビル',
      'ビル',
    ]);
  });

  it('refuses a Standard business_type on the Express flow with a page that names the Express values', async () => {
    const { response } = await authorize('prefill_bad', 'express&stripe_user[business_type]=llc');

    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('invalid_stripe_user');
    expect(body).toContain('stripe_user[business_type] must be individual or company for Express accounts.');
  });
});
