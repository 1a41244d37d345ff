import { describe, expect, it } from 'vitest';
import { withQuery } from '../../../shared/http/query';

describe('withQuery', () => {
  it('sets the parameters in their order, keeping what the URL already has', () => {
    expect(withQuery('https://app.example.com/done?tab=payouts#top', { account: 'acct_1', confirmation: 'c v' })).toBe(
      'https://app.example.com/done?tab=payouts&account=acct_1&confirmation=c+v#top',
    );
  });

  it('replaces a parameter of the same name instead of adding a second one', () => {
    // A return_to the platform registered with its own `account=` must not reach it twice.
    expect(withQuery('https://app.example.com/done?account=acct_old&error=x', { account: 'acct_new' })).toBe(
      'https://app.example.com/done?account=acct_new&error=x',
    );
  });

  it('encodes values, so a value cannot add a parameter of its own', () => {
    const url = new URL(withQuery('https://app.example.com/', { error: 'a&account=acct_evil' }));
    expect([...url.searchParams]).toEqual([['error', 'a&account=acct_evil']]);
  });
});
