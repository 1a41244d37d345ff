import { describe, expect, it } from 'vitest';
import {
  onboardingCookieName,
  readCookie,
  stateCookieName,
  stateCookieNames,
  stateCookiePrefix,
} from '../../../shared/http/cookies';

const name = stateCookieName('some-state');

describe('readCookie', () => {
  it('reads a name exactly, trimming only the spaces and tabs RFC 6265 trims', () => {
    expect(readCookie([`${name}=value`], name)).toBe('value');
    expect(readCookie([` \t${name} \t= value\t `], name)).toBe('value');
    expect(readCookie(['other=1', `${name}=first`, `${name}=second`], name)).toBe('first');
    expect(readCookie([`${name.toLowerCase()}=value`, `${name}x=value`, '=value', name], name)).toBeUndefined();
    expect(readCookie(undefined, name)).toBeUndefined();
  });

  it('does not take a look-alike name behind other white space for the __Host- cookie', () => {
    // Browsers treat `"\u2000__Host-…"` as an ordinary cookie that any host of the site may set with Domain=.
    for (const space of ['\u00a0', '\u2000', '\u200a', '\u3000', '\ufeff', '\n', '\u000b', '\u000c']) {
      expect(readCookie([`${space}${name}=planted`], name), JSON.stringify(space)).toBeUndefined();
      expect(readCookie([`${name}${space}=planted`], name), JSON.stringify(space)).toBeUndefined();
      expect(readCookie([`${space}${name}=planted`, `${name}=real`], name)).toBe('real');
    }
  });
});

describe('stateCookieNames', () => {
  it("lists each OAuth flow's binding cookie once, and no other cookie, nor one that only shares the prefix", () => {
    const other = stateCookieName('other-state');
    const cookies = [
      `${name}=a`,
      'session=1',
      `${onboardingCookieName('acct_1')}=b`,
      `${other}=c`,
      ` ${name}=d`,
      `\u2000${stateCookiePrefix}planted=e`,
      // The prefix with a tail of another form: a name no answer of this service gives.
      `${stateCookiePrefix}planted=f`,
      `${stateCookiePrefix}${'A'.repeat(15)}\u00ff=g`,
      `${stateCookiePrefix}${'A'.repeat(17)}=h`,
    ];

    expect(stateCookieNames(cookies)).toEqual([name, other]);
    expect(stateCookieNames(undefined)).toEqual([]);
  });
});
