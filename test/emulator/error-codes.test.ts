/**
 * The emulator's error codes, judged by stripe-node: every code it can answer with is one that Stripe's
 * own API spec (through stripe-node's generated declarations) names, and an invalid value carries none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../emulator';
import { apiErrorCodes } from '../../emulator/errors';
import { startTestEmulator, stripeFor } from './helpers';

/** The literals of every `type Code = ...` union in stripe-node's resource declarations. */
const documentedCodes = (): Set<string> => {
  const resources = fileURLToPath(new URL('../../node_modules/stripe/esm/resources', import.meta.url));
  const codes = new Set<string>();
  for (const file of readdirSync(resources, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.d.ts')) continue;
    for (const union of readFileSync(join(resources, file), 'utf8').matchAll(/type Code = ([^;]+);/g)) {
      for (const literal of (union[1] ?? '').matchAll(/'([a-z_]+)'/g)) codes.add(literal[1] ?? '');
    }
  }
  return codes;
};

describe("the emulator's error codes", () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    stripe = stripeFor(emulator);
  });
  afterAll(() => emulator.close());

  it("are each one of the codes stripe-node's declarations name", () => {
    const documented = documentedCodes();

    expect(documented.size).toBeGreaterThan(100);
    expect(apiErrorCodes.filter((code) => !documented.has(code))).toEqual([]);
  });

  it('leave the code out of an invalid value, and give the documented one where Stripe has it', async () => {
    const controller = {
      stripe_dashboard: { type: 'express' as const },
      fees: { payer: 'application' as const },
      losses: { payments: 'application' as const },
    };
    const invalidValue = await stripe.accounts
      .create({ controller, business_type: 'bogus' as 'company' })
      .catch((error: unknown) => error);
    const bothTypes = await stripe.accounts.create({ type: 'express', controller }).catch((error: unknown) => error);
    const account = await stripe.accounts.create({
      controller: {
        stripe_dashboard: { type: 'express' },
        fees: { payer: 'application' },
        losses: { payments: 'application' },
      },
    });
    const badUrl = await stripe.accountLinks
      .create({
        account: account.id,
        type: 'account_onboarding',
        refresh_url: 'not a url',
        return_url: 'https://x.example',
      })
      .catch((error: unknown) => error);

    expect(invalidValue).toMatchObject({ param: 'business_type', code: undefined });
    expect(bothTypes).toMatchObject({ param: 'type', code: 'parameters_exclusive' });
    expect(badUrl).toMatchObject({ param: 'refresh_url', code: 'url_invalid' });
  });
});
