import { describe, expect, it } from 'vitest';
import { maxJsonBodyBytes, parseJsonObjectBody, refuseBody, refuseUnknownFields } from '../../../shared/http/json-body';

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
