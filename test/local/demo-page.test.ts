import { describe, expect, it } from 'vitest';
import { demoPage } from '../../local/demo/demo-page';

const page = (oauth: boolean) =>
  demoPage({
    origin: 'http://localhost:3000',
    user: 'alice',
    ticket: 'eyJ.t.s',
    accounts: { ok: true, value: [] },
    oauth,
  });

describe('the demo platform page', () => {
  it('offers both onboarding and Connect OAuth when the service has a client ID', () => {
    const html = page(true);

    for (const id of ['onboard-express', 'onboard-standard', 'connect-standard', 'connect-express']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).not.toContain('id="oauth-off"');
  });

  it('offers onboarding only, and says why, when the service has no client ID (a platform without OAuth)', () => {
    const html = page(false);

    expect(html).toContain('id="onboard-express"');
    expect(html).toContain('id="onboard-standard"');
    expect(html).not.toContain('/connect/authorize');
    expect(html).toContain('id="oauth-off"');
    expect(html).toContain('This service has no Connect OAuth client ID');
  });
});
