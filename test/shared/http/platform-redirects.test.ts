import { describe, expect, it } from 'vitest';
import { failureRedirect, successRedirect } from '../../../shared/http/platform-redirects';

describe('the redirects a flow ends with', () => {
  it('sends success with the account, then the confirmation, then anything more, in that order', () => {
    expect(
      successRedirect('https://app.example.com/ok?tab=1', 'acct_1', 'conf_x', { capabilities_missing: 'transfers' }),
    ).toBe('https://app.example.com/ok?tab=1&account=acct_1&confirmation=conf_x&capabilities_missing=transfers');
  });

  it('leaves the confirmation out when there is none (an onboarding confirmed before)', () => {
    expect(successRedirect('https://app.example.com/ok', 'acct_1')).toBe('https://app.example.com/ok?account=acct_1');
  });

  it('sends failure with its code, and the account only when one is named', () => {
    expect(failureRedirect('https://app.example.com/failed', 'access_denied')).toBe(
      'https://app.example.com/failed?error=access_denied',
    );
    expect(failureRedirect('https://app.example.com/failed', 'onboarding_incomplete', 'acct_1')).toBe(
      'https://app.example.com/failed?error=onboarding_incomplete&account=acct_1',
    );
  });
});
