/**
 * A `return_to` allowlist that names the platform's landing pages (an origin with a path) instead of whole
 * origins: the starter of a flow can no longer send its confirmation to another page of the origin, such as one
 * that forwards its query (docs/security.md, "A return_to of the starter's choosing").
 */
import { describe, expect, it } from 'vitest';
import { browserCookieName } from '../../shared/http/cookies';
import { useLocalStack } from '../support/local-stack';
import { flowLanding, stripeCalls } from '../support/platform-api';
import { TestBrowser } from '../support/test-browser';

/** The platform's pages under /connect/ (and nothing else of its origin) receive the flows' ends. */
const stack = useLocalStack({ env: { RETURN_TO_ORIGINS: 'https://platform.example/connect/' } });

const forwarder = 'https://platform.example/redirect?next=https://evil.example/collect';

describe('an allowlist that names landing pages', () => {
  it('refuses a start link whose return_to is another page of the origin, before anything is stored or asked of Stripe', async () => {
    const ticket = await stack.mintTicket('mallory_pages');
    const creates = stripeCalls(stack, 'POST', '/v1/accounts');
    for (const start of ['/connect/authorize?type=express', '/connect/onboard?type=express']) {
      // A browser with its id, so the onboarding start would otherwise go on to Stripe.
      const browser = new TestBrowser();
      browser.setCookie(browserCookieName, 'I'.repeat(43));
      const response = await browser.get(
        `${stack.gatewayUrl}${start}&ticket=${ticket}&return_to=${encodeURIComponent(forwarder)}`,
      );

      expect({ start, status: response.status }).toEqual({ start, status: 400 });
      const page = await response.text();
      expect(page).toContain('return_to must be a page this service allows.');
      expect(page).toContain('Error code: invalid_return_to');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(stripeCalls(stack, 'POST', '/v1/accounts')).toBe(creates);
  });

  it('ends a flow on a named page, with the query the platform gave it', async () => {
    const landing = await flowLanding(stack, 'standard', 'seller_pages', {
      returnTo: 'https://platform.example/connect/done?from=settings',
    });

    expect(landing.origin + landing.pathname).toBe('https://platform.example/connect/done');
    expect(landing.searchParams.get('from')).toBe('settings');
    expect(landing.searchParams.get('account')).toMatch(/^acct_/);
    expect(landing.searchParams.get('confirmation')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
