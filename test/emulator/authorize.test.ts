import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { authorizeUrl, CLIENT_ID, httpCall, OTHER_REDIRECT_URI, REDIRECT_URI, startTestEmulator } from './helpers';

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;

  beforeEach(async () => {
    emulator = await startTestEmulator({ platformName: 'Acme Market' });
  });

  afterEach(async () => {
    await emulator.close();
  });

  describe('authorize pages', () => {
    it('renders the Standard page with prefilled details, both buttons and a no-referrer policy', async () => {
      const url = authorizeUrl(emulator, 'standard', {
        'stripe_user[email]': 'jo@example.com',
        'stripe_user[business_name]': 'Jo <Shop>',
      });

      const res = await httpCall(url);

      expect(res.status).toBe(200);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['request-id']).toMatch(/^req_/);
      expect(res.text).toContain('<title>Connect to Acme Market — Stripe (local emulator)</title>');
      expect(res.text).toContain('>Standard<');
      expect(res.text).toContain('jo@example.com');
      expect(res.text).toContain('Jo &lt;Shop&gt;');
      expect(res.text).toContain('read_write');
      expect(res.text).toMatch(/<button type="submit" id="authorize" name="decision" value="allow">/);
      expect(res.text).toMatch(/<button type="submit" id="deny" name="decision" value="deny">/);
      expect(res.text).not.toMatch(/(src|href)="https?:/);
    });

    it('renders the Express page with the suggested capabilities', async () => {
      const url = authorizeUrl(emulator, 'express', { 'suggested_capabilities[]': ['transfers', 'card_payments'] });

      const res = await httpCall(url);

      expect(res.status).toBe(200);
      expect(res.text).toContain('>Express<');
      expect(res.text).toContain('transfers, card_payments');
    });

    it.each([
      ['an unknown client_id', { client_id: 'ca_someoneElse' }, 'invalid_client'],
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 'invalid_redirect_uri'],
      [
        'a redirect_uri that only differs by a trailing slash',
        { redirect_uri: `${REDIRECT_URI}/` },
        'invalid_redirect_uri',
      ],
      ['a bad scope', { scope: 'admin' }, 'invalid_scope'],
      ['a response_type other than code', { response_type: 'token' }, 'unsupported_response_type'],
    ])('shows a 400 error page, not a redirect, for %s', async (_label, params, error) => {
      const res = await httpCall(authorizeUrl(emulator, 'standard', params));

      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain(`data-error="${error}"`);
    });

    it('shows an error page when response_type is missing on the Standard endpoint', async () => {
      const url = `${emulator.url}/oauth/authorize?client_id=${CLIENT_ID}&scope=read_write&state=s`;

      const res = await httpCall(url);

      expect(res.status).toBe(400);
      expect(res.text).toContain('data-error="invalid_request"');
    });

    it('answers authorize errors as Stripe-documented JSON when the client asks for JSON', async () => {
      const res = await httpCall(authorizeUrl(emulator, 'standard', { scope: 'admin' }), {
        headers: { Accept: 'application/json' },
      });

      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({
        error: 'invalid_scope',
        error_description: 'Invalid scope parameter provided: admin',
        state: 'state-123',
      });
    });
  });

  describe('decide', () => {
    it('redirects an allowed Standard request to the default redirect URI with code, state and scope', async () => {
      const location = await emulator.decide(authorizeUrl(emulator, 'standard'), 'allow');

      const url = new URL(location);
      expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
      expect([...url.searchParams.keys()]).toEqual(['code', 'state', 'scope']);
      expect(url.searchParams.get('code')).toMatch(/^ac_[A-Za-z0-9]{32}$/);
      expect(url.searchParams.get('state')).toBe('state-123');
      expect(url.searchParams.get('scope')).toBe('read_write');
    });

    it('defaults the Standard scope to read_only and honours a registered non-default redirect_uri', async () => {
      const url = authorizeUrl(emulator, 'standard', { redirect_uri: OTHER_REDIRECT_URI, scope: [] });

      const location = new URL(await emulator.decide(url, 'allow'));

      expect(`${location.origin}${location.pathname}`).toBe(OTHER_REDIRECT_URI);
      expect(location.searchParams.get('scope')).toBe('read_only');
    });

    it('redirects an allowed Express request with only code and state', async () => {
      const location = new URL(await emulator.decide(authorizeUrl(emulator, 'express'), 'allow'));

      expect([...location.searchParams.keys()]).toEqual(['code', 'state']);
    });

    it("redirects a denied request with access_denied, Stripe's description and the state", async () => {
      const location = await emulator.decide(authorizeUrl(emulator, 'standard'), 'deny');

      expect(location).toBe(
        `${REDIRECT_URI}?error=access_denied&error_description=The%20user%20denied%20your%20request&state=state-123`,
      );
    });

    it('drives the page like a browser: one GET of the page, one POST of its form', async () => {
      const url = authorizeUrl(emulator, 'express');
      const before = emulator.requestLog().length;

      await emulator.decide(url, 'allow');

      expect(
        emulator
          .requestLog()
          .slice(before)
          .map((r) => `${r.method} ${r.path}`),
      ).toEqual(['GET /express/oauth/authorize', 'POST /oauth/authorize/decision']);
    });

    it('throws with the page text when Stripe would show an error page', async () => {
      await expect(
        emulator.decide(authorizeUrl(emulator, 'standard', { client_id: 'ca_nope' }), 'allow'),
      ).rejects.toThrow(/Stripe shows an error page \(400\): .*invalid_client/);
    });

    it('refuses an authorize URL that points somewhere else', async () => {
      await expect(
        emulator.decide('https://connect.stripe.com/oauth/authorize?client_id=ca_x', 'allow'),
      ).rejects.toThrow(/pointing at this emulator/);
    });

    it('refuses to answer the same page twice', async () => {
      const page = await httpCall(authorizeUrl(emulator, 'standard'));
      const authorization = /name="authorization" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const submit = (): Promise<{ status: number }> =>
        httpCall(`${emulator.url}/oauth/authorize/decision`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `authorization=${authorization}&decision=allow`,
        });

      const first = await submit();
      const second = await submit();

      expect([first.status, second.status]).toEqual([302, 400]);
    });
  });
});
