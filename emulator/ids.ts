import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from [A-Za-z0-9], drawn with a CSPRNG (codes and tokens are bearer secrets). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return out;
}

/** Stripe-like identifiers. Account ids are `acct_` + 16 characters, like Stripe's. */
export const newId = {
  account: (): string => `acct_${randomAlphanumeric(16)}`,
  code: (): string => `ac_${randomAlphanumeric(32)}`,
  event: (): string => `evt_${randomAlphanumeric(24)}`,
  request: (): string => `req_${randomAlphanumeric(14)}`,
  refreshToken: (): string => `rt_${randomAlphanumeric(48)}`,
  accessToken: (livemode: boolean): string => `sk_${livemode ? 'live' : 'test'}_${randomAlphanumeric(48)}`,
  publishableKey: (livemode: boolean): string => `pk_${livemode ? 'live' : 'test'}_${randomAlphanumeric(48)}`,
  loginToken: (): string => randomAlphanumeric(24),
  pending: (): string => `authz_${randomAlphanumeric(24)}`,
};
