import { describe, expect, it } from 'vitest';
import { failureRedirect, successRedirect, successTarget } from '../../../shared/http/platform-redirects';

describe('the redirects a flow ends with', () => {
  it('sends success with the account, then the confirmation, then anything more, in that order', () => {
    expect(
      successRedirect('https://app.example.com/ok?tab=1', 'acct_1', 'conf_x', { capabilities_missing: 'transfers' }),
    ).toBe('https://app.example.com/ok?tab=1&account=acct_1&confirmation=conf_x&capabilities_missing=transfers');
  });

  it('leaves the confirmation out when there is none (an onboarding confirmed before)', () => {
    expect(successRedirect('https://app.example.com/ok', 'acct_1')).toBe('https://app.example.com/ok?account=acct_1');
  });

  it("ends at the flow's return_to only while its origin is still allowed, else at the success URL", () => {
    const config = { successUrl: 'https://platform.example/ok', returnToOrigins: ['https://app.example.com'] };

    expect(successTarget('https://app.example.com/done?tab=2', config)).toBe('https://app.example.com/done?tab=2');
    expect(successTarget(undefined, config)).toBe('https://platform.example/ok');
    // The operator removed the origin after the flow began (its resume value or state still names it).
    expect(successTarget('https://old.example.com/done', config)).toBe('https://platform.example/ok');
    expect(successTarget('not a url', config)).toBe('https://platform.example/ok');
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
