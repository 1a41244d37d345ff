import { describe, expect, it } from 'vitest';
import {
  confirmationMatches,
  confirmationTtlMs,
  hashConfirmation,
  isWellFormedConfirmation,
  mintConfirmation,
  unconfirmableHash,
} from '../../../shared/accounts/confirmation';

const now = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('confirmation', () => {
  it('is 128 random bits (22 base64url characters) that expire 15 minutes after minting', () => {
    const first = mintConfirmation(now);
    const second = mintConfirmation(now);

    expect(first.value).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(first.value, 'base64url')).toHaveLength(16);
    expect(first.value).not.toBe(second.value);
    expect(confirmationTtlMs).toBe(15 * 60_000);
    expect(first.expiresAt).toBe(now + confirmationTtlMs);
  });

  it('keeps only the sha256 hex of the value, which matches that value and no other', () => {
    const first = mintConfirmation(now);
    const second = mintConfirmation(now);

    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(hashConfirmation(first.value));
    expect(first.hash).not.toContain(first.value);
    expect(confirmationMatches(first.value, first.hash)).toBe(true);
    expect(confirmationMatches(second.value, first.hash)).toBe(false);
    expect(confirmationMatches(first.value, 'not-hex')).toBe(false);
    expect(confirmationMatches(first.value, '')).toBe(false);
  });

  it.each([
    ['a minted value', mintConfirmation(now).value, true],
    ['one character short', 'A'.repeat(21), false],
    ['one character long', 'A'.repeat(23), false],
    ['a character outside base64url', `${'A'.repeat(21)}=`, false],
    ['not a string', 42, false],
    ['undefined', undefined, false],
  ])('tells a well-formed value: %s', (_name, value, wellFormed) => {
    expect(isWellFormedConfirmation(value)).toBe(wellFormed);
  });

  it('starts a created account with a hash that looks like any other and differs every time', () => {
    const first = unconfirmableHash();

    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(unconfirmableHash()).not.toBe(first);
  });
});
