import { describe, expect, it } from 'vitest';
import { sameBytes } from '../../shared/same-bytes';

describe('sameBytes', () => {
  it('is true for equal bytes only, and false (not an error) for different lengths', () => {
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(sameBytes(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});
