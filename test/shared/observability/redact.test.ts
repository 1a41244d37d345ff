import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialPattern, isSensitiveKey, scrub } from '../../../shared/observability/redact';

/**
 * The module matches sensitive keys as words and parts, and runs its credential pattern only on text that
 * holds one of the pattern's prefixes, because compiling a pattern is paid by the first line of every
 * container. These properties hold the key rule to the pattern it replaced, as it reads in a review, and the
 * shortcut to the module's own credential pattern, so that a prefix added to the pattern alone fails here.
 */
const sensitiveKeyPattern = /secret|token|ticket|^code$|authorization|cookie|password|^state$|^url$|location|signature/;

/** Strings built from the pieces the rules care about, so that the interesting cases are common. */
const pieces = [
  'ac_',
  'rt_',
  'sk_test_',
  'sk_live_',
  'rk_test_',
  'whsec_',
  'eyJ',
  'eyJhbGciOiJIUzI1NiJ9.',
  'acct_',
  'evt_',
  'code',
  'state',
  'url',
  'Token',
  'SECRET',
  'cookie',
  'location',
  'signature',
  'password',
  'ticket',
  'authorization',
  'errorCode',
  '_',
  '.',
  '-',
  ' ',
  ':',
  'x',
  'Z9',
  'pk_live_',
  'sk_',
  'k_',
];
const textFromPieces = fc
  .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join(''));

describe('redaction rules', () => {
  it('treats a key as sensitive exactly when the pattern matches its lower-cased form', () => {
    fc.assert(
      fc.property(textFromPieces, (key) => {
        expect(isSensitiveKey(key)).toBe(sensitiveKeyPattern.test(key.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
  });

  it('scrubs text exactly as the credential pattern does, also when it takes the shortcut', () => {
    fc.assert(
      fc.property(textFromPieces, (text) => {
        expect(scrub(text)).toBe(text.replace(credentialPattern, '[redacted]'));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves ids and plain words alone and scrubs each kind of credential', () => {
    expect(scrub('evt_1NvX acct_1Nv0FGQ9 account.updated applied')).toBe(
      'evt_1NvX acct_1Nv0FGQ9 account.updated applied',
    );
    expect(scrub('code ac_123 and sk_live_abc, whsec_x, rt_9, rk_test_1, eyJa.b')).toBe(
      'code [redacted] and [redacted], [redacted], [redacted], [redacted], [redacted]',
    );
  });
});
