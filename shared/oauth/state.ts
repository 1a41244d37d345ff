import { createHash, randomBytes } from 'node:crypto';

/**
 * A fresh OAuth state and its browser binding: 256 bits each from the CSPRNG. Only hashes are
 * stored, so a read of the table yields nothing a browser or Stripe would accept.
 */
export interface MintedState {
  /** Sent to Stripe and back in the URL. */
  readonly state: string;
  /** Set as the HttpOnly cookie of the browser that started the flow. */
  readonly binding: string;
}

/** 256 bits from the CSPRNG, base64url: a state, or a browser's binding to a flow. */
export const mintSecretValue = (): string => randomBytes(32).toString('base64url');

export const mintState = (): MintedState => ({ state: mintSecretValue(), binding: mintSecretValue() });

export const hashSecretValue = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** What a state or binding can look like: 43 base64url characters. Anything else is refused unread. */
export const isWellFormedStateValue = (value: string | undefined): value is string =>
  value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
