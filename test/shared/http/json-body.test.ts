import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasRepeatedField,
  maxJsonBodyBytes,
  parseJsonObjectBody,
  refuseBody,
  refuseUnknownFields,
} from '../../../shared/http/json-body';

const refusal = (code: string, message: string) => expect.objectContaining({ kind: 'invalid_request', code, message });

describe('parseJsonObjectBody', () => {
  it('reads a JSON object, sent as text or base64, with or without a byte order mark', () => {
    const json = '{"confirmation":"abc"}';
    for (const request of [
      { body: json },
      { body: Buffer.from(json).toString('base64'), isBase64Encoded: true },
      { body: `\ufeff${json}` },
      { body: Buffer.from(`\ufeff${json}`).toString('base64'), isBase64Encoded: true },
    ]) {
      expect(parseJsonObjectBody(request)).toEqual({ confirmation: 'abc' });
    }
  });

  it('says what was wrong with a body that is not one JSON object', () => {
    expect(() => parseJsonObjectBody({})).toThrowError(
      refusal('invalid_body', 'The request body must be a JSON object.'),
    );
    expect(() => parseJsonObjectBody({ body: '[1]' })).toThrowError(
      refusal('invalid_body', 'The request body must be a JSON object.'),
    );
    expect(() => parseJsonObjectBody({ body: '{"a":' })).toThrowError(
      refusal('invalid_body', 'The request body is not valid JSON.'),
    );
    // Bytes that are not UTF-8 are not read as U+FFFD, which would then be refused as a bad value ("type must be ...").
    expect(() =>
      parseJsonObjectBody({
        body: Buffer.concat([
          Buffer.from('{"type":"account_onboarding'),
          Buffer.from([0xff]),
          Buffer.from('"}'),
        ]).toString('base64'),
        isBase64Encoded: true,
      }),
    ).toThrowError(refusal('invalid_body', 'The request body is not valid UTF-8.'));
    expect(() => parseJsonObjectBody({ body: `{"a":"${'x'.repeat(maxJsonBodyBytes)}"}` })).toThrowError(
      refusal('body_too_large', `The request body must be at most ${maxJsonBodyBytes} bytes.`),
    );
  });
});

/**
 * A reference for `hasRepeatedField`: a plain recursive-descent reading of valid JSON that decodes each field name
 * itself (no JSON.parse) and says whether any object gave one twice.
 */
const repeatsAFieldByDescent = (text: string): boolean => {
  let at = 0;
  let repeated = false;
  const space = () => {
    while (' \t\n\r'.includes(text[at] ?? 'x')) at += 1;
  };
  const escapes: Record<string, string> = {
    '"': '"',
    '\\': '\\',
    '/': '/',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
  };
  const string = (): string => {
    at += 1; // the opening quote
    let decoded = '';
    while (text[at] !== '"') {
      if (text[at] === '\\') {
        const kind = text[at + 1] ?? '';
        if (kind === 'u') {
          decoded += String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
        } else {
          decoded += escapes[kind];
          at += 2;
        }
      } else {
        decoded += text[at];
        at += 1;
      }
    }
    at += 1;
    return decoded;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '"') string();
    else if (char === '{') {
      at += 1;
      const names = new Set<string>();
      space();
      while (text[at] !== '}') {
        space();
        const name = string();
        if (names.has(name)) repeated = true;
        names.add(name);
        space();
        at += 1; // the colon
        value();
        space();
        if (text[at] === ',') at += 1;
      }
      at += 1;
    } else if (char === '[') {
      at += 1;
      space();
      while (text[at] !== ']') {
        value();
        space();
        if (text[at] === ',') at += 1;
      }
      at += 1;
    } else {
      while (at < text.length && !',]} \t\n\r'.includes(text[at] ?? '')) at += 1;
    }
  };
  value();
  return repeated;
};

/** One character of a string, and the ways JSON may write it inside quotes (raw, short escape, \u in either case). */
const writtenCharacters: readonly (readonly string[])[] = [
  ['a', '\\u0061'],
  ['A', '\\u0041'],
  ['\\"', '\\u0022'],
  ['\\\\', '\\u005c', '\\u005C'],
  ['/', '\\/', '\\u002f', '\\u002F'],
  ['{', '\\u007b'],
  ['}', '\\u007D'],
  ['[', '\\u005b'],
  [']', '\\u005D'],
  [',', '\\u002c'],
  [':', '\\u003a'],
  [' ', '\\u0020'],
  ['\\n', '\\u000a', '\\u000A'],
  ['\\t', '\\u0009'],
  ['\\b', '\\u0008'],
  ['é', '\\u00e9', '\\u00E9'],
  ['😀', '\\ud83d\\ude00', '\\uD83D\\uDE00'],
  ['\\ud83d'],
  ['\u2028', '\\u2028'],
];

/** A JSON string literal, each character written in one of its ways; short ones make names repeat often. */
const stringLiteral = (maxLength: number) =>
  fc
    .array(fc.tuple(fc.constantFrom(...writtenCharacters), fc.nat()), { maxLength })
    .map((characters) => `"${characters.map(([forms, pick]) => forms[pick % forms.length]).join('')}"`);

const whitespace = fc.constantFrom('', ' ', '\t', '\n', '\r\n', ' \n\t ');

/** Valid JSON text with any whitespace and escapes, whose objects may give a field more than once. */
const jsonTextWithRepeats = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringLiteral(6),
    fc.constantFrom('0', '-1.5e3', 'true', 'false', 'null'),
    tie('object'),
    tie('array'),
  ),
  object: fc
    .array(fc.tuple(whitespace, stringLiteral(2), whitespace, whitespace, tie('value'), whitespace), { maxLength: 5 })
    .chain((members) =>
      whitespace.map(
        (inside) =>
          `{${members.map(([a, name, b, c, value, d]) => `${a}${name}${b}:${c}${value}${d}`).join(',') || inside}}`,
      ),
    ),
  array: fc
    .array(fc.tuple(whitespace, tie('value'), whitespace), { maxLength: 4 })
    .map((items) => `[${items.map(([a, value, b]) => `${a}${value}${b}`).join(',')}]`),
})).object;

describe('a body that gives a field twice', () => {
  it('is refused, as a query parameter given twice is, rather than read as its last value', () => {
    expect(() => parseJsonObjectBody({ body: '{"type":"account_update","type":"account_onboarding"}' })).toThrowError(
      refusal('invalid_body', 'The request body gives a field more than once.'),
    );
  });

  it('is told by field names as decoded, in any object at any depth, and by nothing else', () => {
    expect(
      [
        '{"a":1,"\\u0061":2}',
        '{"c":{"a":1,"a":2}}',
        '[{"x":[{"a":{}, "a":[]}]}]',
        '{"a\\"b":1,"a\\"b":2}',
        '{ "a" : 1 , "b" : { } , "a" : "," }',
      ].map(hasRepeatedField),
    ).toEqual([true, true, true, true, true]);
    expect(
      [
        '{"a":{"a":{"a":1}}}',
        '[{"a":1},{"a":1}]',
        '{"a":"a","b":["a","a"]}',
        '{"a\\\\":1,"a":2}',
        '{"a,":1,"a":"{\\"a\\":1}"}',
        '{}',
      ].map(hasRepeatedField),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('ends on text that is not JSON (an unclosed string), which its caller never passes', () => {
    expect(['{"a', '{"a":"b\\', '{"a":1,"a'].map(hasRepeatedField)).toEqual([false, false, false]);
  });

  it('is never found in JSON that JSON.stringify wrote, which holds each field once', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t'), (value, space) => {
        expect(hasRepeatedField(JSON.stringify(value, null, space))).toBe(false);
      }),
    );
  });

  it('is found wherever a field is repeated in otherwise stringified JSON', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
        fc.string(),
        fc.jsonValue(),
        fc.jsonValue(),
        fc.integer({ min: 0, max: 3 }),
        (rest, name, first, second, depth) => {
          const fields = Object.entries(rest).filter(([key]) => key !== name);
          const members = [[name, first], ...fields, [name, second]].map(
            ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
          );
          let text = `{${members.join(',')}}`;
          for (let level = 0; level < depth; level += 1) text = level % 2 ? `[0,${text}]` : `{"in":${text}}`;
          expect(hasRepeatedField(text)).toBe(true);
        },
      ),
    );
  });
  it('agrees with a recursive-descent reading on any valid JSON: escapes, whitespace, nesting, punctuation in strings', () => {
    fc.assert(
      fc.property(jsonTextWithRepeats, (text) => {
        expect(() => JSON.parse(text)).not.toThrow();
        expect(hasRepeatedField(text)).toBe(repeatsAFieldByDescent(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('refuseUnknownFields and refuseBody', () => {
  it('names the fields a route takes, or says it takes none', () => {
    expect(() => refuseUnknownFields({ colour: 'blue' }, ['type', 'collect'])).toThrowError(
      refusal('unknown_field', 'The request body has a field this route does not take (it takes: type, collect).'),
    );
    expect(() => refuseBody({ body: '{"redirect_url":"https://platform.example"}' })).toThrowError(
      refusal('unknown_field', 'The request body has a field this route does not take (it takes none).'),
    );
  });

  it('takes no body, or an empty object, on a route that takes none', () => {
    for (const request of [
      {},
      { body: '' },
      { body: '{}' },
      { body: Buffer.from('{}').toString('base64'), isBase64Encoded: true },
    ])
      expect(() => refuseBody(request)).not.toThrow();
    expect(() => refuseBody({ body: 'account=acct_1' })).toThrowError(
      refusal('invalid_body', 'The request body is not valid JSON.'),
    );
  });
});
