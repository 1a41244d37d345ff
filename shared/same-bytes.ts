import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two byte strings are equal, compared in constant time: for anything an attacker presents against a
 * secret (a MAC, a signature, the hash of a presented value). Different lengths are simply not equal.
 */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);
