/**
 * The one-time value a finished flow hands to the browser's success redirect (`confirmation=`), which
 * the platform's backend then presents, server to server, to confirm the account for its logged-in
 * user. Only its hash and expiry are stored: a read of the table yields nothing that confirms.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sameBytes } from '../same-bytes';
import type { EpochMs } from '../time';

/** Long enough for a redirect and the platform's server-side call; short enough to be worthless later. */
export const confirmationTtlMs = 15 * 60_000;

export interface MintedConfirmation {
  /** 128 random bits, base64url: goes into the success redirect only, never stored or logged. */
  readonly value: string;
  /** sha256 hex of `value`: what the account item keeps. */
  readonly hash: string;
  /** Epoch ms after which the value no longer confirms. */
  readonly expiresAt: EpochMs;
}

export const hashConfirmation = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * A fresh confirmation value with the hash and expiry to store.
 * @example
 * const { value, hash, expiresAt } = mintConfirmation(now);
 */
export const mintConfirmation = (now: EpochMs): MintedConfirmation => {
  const value = randomBytes(16).toString('base64url');
  return { value, hash: hashConfirmation(value), expiresAt: now + confirmationTtlMs };
};

/**
 * The hash a created account starts with: it keeps the account pending until its onboarding finishes
 * (which stores a real value's hash), and no value confirms it: this one is thrown away here.
 */
export const unconfirmableHash = (): string => hashConfirmation(randomBytes(16).toString('base64url'));

/** What a presented value can look like: 22 base64url characters. Anything else is refused unhashed. */
export const isWellFormedConfirmation = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value);

/** Whether `value` is the one whose hash was stored, compared in constant time. */
export const confirmationMatches = (value: string, storedHash: string): boolean => {
  return sameBytes(Buffer.from(hashConfirmation(value), 'hex'), Buffer.from(storedHash, 'hex'));
};
