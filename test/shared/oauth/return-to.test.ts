import { describe, expect, it } from 'vitest';
import { isDotsOnly, validateReturnTo } from '../../../shared/oauth/return-to';

const allowed = ['https://app.example.com', 'http://localhost:3000'];

describe('isDotsOnly', () => {
  it("takes beside dots Unicode's spaces and Default_Ignorable_Code_Point characters, every one and no other", () => {
    const property = /^[\s\p{Default_Ignorable_Code_Point}]$/u;
    const differ: string[] = [];
    for (let code = 0; code <= 0x10ffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCodePoint(code);
      if (character !== '.' && property.test(character) !== isDotsOnly(`..${character}`))
        differ.push(code.toString(16));
    }

    expect(differ).toEqual([]);
    expect([isDotsOnly(''), isDotsOnly(' '), isDotsOnly('.'), isDotsOnly('a.')]).toEqual([false, false, true, false]);
  });
});

describe('validateReturnTo', () => {
  it('accepts a URL on an allowed origin and returns it normalised', () => {
    expect(validateReturnTo('https://app.example.com/settings?tab=1', allowed)).toBe(
      'https://app.example.com/settings?tab=1',
    );
    expect(validateReturnTo('http://localhost:3000/x', allowed)).toBe('http://localhost:3000/x');
  });

  it.each([
    ['//evil.example/x'],
    ['/\\evil.example'],
    ['/relative/path'],
    ['javascript:alert(1)'],
    ['https://evil.example'],
    ['https://app.example.com.evil.example/'],
    ['https://app.example.com@evil.example/'],
    ['https://user:pass@app.example.com/'],
    ['https://:pass@app.example.com/'],
    ['https://app.example.com\\settings'],
    ['https://app.example.com\r\nSet-Cookie: x=1'],
    ['https://app.example.com\t.evil.example'],
    ['https:\\\\evil.example'],
    ['http://app.example.com/'],
    ['https://app.example.com:8443/'],
    ['https://%61pp.example.com.evil.example/'],
    [`https://app.example.com/${'a'.repeat(2100)}`],
  ])('refuses %j', (raw) => {
    expect(() => validateReturnTo(raw, allowed)).toThrowError(
      expect.objectContaining({ kind: 'invalid_request', code: 'invalid_return_to' }),
    );
  });

  it('measures its length once percent-encoded too: that is what the state and the resume value carry', () => {
    const within = `https://app.example.com/${'\u20ac'.repeat(200)}`;
    const beyond = `https://app.example.com/${'\u20ac'.repeat(300)}`;

    expect(validateReturnTo(within, allowed)).toHaveLength(24 + 200 * 9);
    expect(() => validateReturnTo(beyond, allowed)).toThrowError(
      expect.objectContaining({
        code: 'invalid_return_to',
        message: 'return_to is too long once percent-encoded (2724 characters).',
      }),
    );
  });

  it('refuses an origin not allowed without telling which origins are', () => {
    for (const origins of [allowed, []]) {
      expect(() => validateReturnTo('https://evil.example/', origins)).toThrowError(
        expect.objectContaining({
          kind: 'invalid_request',
          code: 'invalid_return_to',
          message: 'return_to must be a page this service allows.',
        }),
      );
    }
  });

  describe('with entries that name a path (the pages a platform lands flows on)', () => {
    const pages = ['https://app.example.com/connect', 'https://app.example.com/onboarding/', 'http://localhost:3000'];

    it.each([
      ['https://app.example.com/connect'],
      ['https://app.example.com/connect?user=u_1'],
      ['https://app.example.com/connect/done'],
      ['https://app.example.com/onboarding/'],
      ['https://app.example.com/onboarding/step/2?tab=payouts'],
      ['https://app.example.com/connect/caf%C3%A9/%F0%9F%99%82%20ok/v1.2'],
      ['https://app.example.com/connect/%E2%9D%A4%EF%B8%8F/..a/a..'],
      ['http://localhost:3000/any/page'],
    ])('accepts %j, that page or one under it', (raw) => {
      expect(validateReturnTo(raw, pages)).toBe(raw);
    });

    it.each([
      ['https://app.example.com/', 'the origin alone'],
      ['https://app.example.com/redirect?next=https://evil.example/', 'a page of the origin outside the path'],
      ['https://app.example.com/connected', 'a path that merely begins with the same letters'],
      ['https://app.example.com/onboarding', 'the folder without its slash, when the entry ends with one'],
      ['https://app.example.com/connect/../redirect', 'a way out with dot segments (the parser resolves them first)'],
      ['https://app.example.com/connect/%2E%2E/redirect', 'encoded dot segments'],
      ['https://app.example.com/connect/%2e%2e%2fredirect', 'an encoded slash a server could decode into a way out'],
      ['https://app.example.com/connect/..%5Credirect', 'an encoded backslash'],
      [
        'https://app.example.com/connect/%252e%252e%252fredirect',
        'a double-encoded way out, for servers that decode twice',
      ],
      ['https://app.example.com/connect/..;/redirect', 'a dot segment with a ; parameter (Tomcat strips it)'],
      ['https://app.example.com/connect/%2e%2e;x/redirect', 'an encoded one with a parameter'],
      ['https://app.example.com/connect/..%3B/redirect', 'an encoded ; a server could decode into the same'],
      ['https://app.example.com/connect/%c0%ae%c0%ae/redirect', 'overlong dots, which old decoders read as ..'],
      ['https://app.example.com/connect/..%00/redirect', 'a null byte, where some servers cut the path'],
      ['https://app.example.com/connect/\uff0e\uff0e/redirect', 'full-width dots (NFKC folds them into ..)'],
      ['https://app.example.com/connect/\u3002\u3002/redirect', 'ideographic full stops'],
      ['https://app.example.com/connect/\u2025/redirect', 'a two-dot leader (NFKC folds it into ..)'],
      ['https://app.example.com/connect/..%20/redirect', 'dots and a space, which Windows servers trim to ..'],
      ['https://app.example.com/connect/..%E2%80%8B/redirect', 'dots and a zero-width space, which a server may drop'],
      ['https://app.example.com/connect/.%20./redirect', 'dots around a space'],
      [
        'https://app.example.com/connect/..%E2%80%8E/redirect',
        'dots and a left-to-right mark, as invisible as a zero-width space',
      ],
      ['https://app.example.com/connect/..%EF%B8%8F/redirect', 'dots and a variation selector, which IDNA drops'],
      ['https://app.example.com/connect/%E2%80%A6/redirect', 'an ellipsis (NFKC folds it into ...)'],
      ['https://app.example.com/connect/%EF%BD%A1%EF%BD%A1/redirect', 'half-width ideographic stops, encoded'],
      ['https://app.example.com/connect/..\uff3credirect', 'a full-width backslash (NFKC folds it into \\)'],
    ])('refuses %j (%s)', (raw) => {
      expect(() => validateReturnTo(raw, pages)).toThrowError(
        expect.objectContaining({
          code: 'invalid_return_to',
          message: 'return_to must be a page this service allows.',
        }),
      );
    });
  });
});
