import { describe, expect, it } from 'vitest';
import { endOfSecond, fromEpochSeconds, inSeconds, secondsMs, toEpochSeconds, toIso, ttlAt } from '../../shared/time';

describe('shared/time.ts: epoch milliseconds inside, other forms only at the edges', () => {
  it('turns epoch seconds into milliseconds and back, to the whole second', () => {
    expect(fromEpochSeconds(1_764_547_200)).toBe(1_764_547_200_000);
    expect(toEpochSeconds(1_764_547_200_999)).toBe(1_764_547_200);
    expect(endOfSecond(1_764_547_200_001)).toBe(1_764_547_200_999);
  });

  it('never lets an item go a second early: its TTL is the first whole second at or after it may go', () => {
    expect(ttlAt(1_764_547_200_000)).toBe(1_764_547_200);
    expect(ttlAt(1_764_547_200_001)).toBe(1_764_547_201);
  });

  it('turns a duration in seconds into milliseconds, and a time into the ISO form items and answers carry', () => {
    expect(secondsMs(600)).toBe(600_000);
    expect(toIso(1_764_547_200_000)).toBe('2025-12-01T00:00:00.000Z');
  });

  it('compares a time with an epoch-second claim to the millisecond: no rounding either way', () => {
    expect(inSeconds(1_764_547_200_250)).toBe(1_764_547_200.25);
    expect(inSeconds(1_764_547_200_999)).toBeLessThan(1_764_547_201);
    expect(inSeconds(1_764_547_200_001)).toBeGreaterThan(1_764_547_200);
  });
});
