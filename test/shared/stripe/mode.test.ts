import { describe, expect, it } from 'vitest';
import {
  isClientId,
  isLiveKey,
  isSecretKey,
  isTestKey,
  isWebhookSecret,
  webhookSecretList,
} from '../../../shared/stripe/mode';

describe("Stripe's credential formats", () => {
  it('tells secret and restricted keys of each mode apart', () => {
    const keys = ['sk_test_abc', 'rk_test_abc', 'sk_live_abc', 'rk_live_abc', 'pk_live_abc', 'sk_abc', 'whsec_abc'];

    expect(keys.map((key) => [key, isSecretKey(key), isTestKey(key), isLiveKey(key)])).toEqual([
      ['sk_test_abc', true, true, false],
      ['rk_test_abc', true, true, false],
      ['sk_live_abc', true, false, true],
      ['rk_live_abc', true, false, true],
      ['pk_live_abc', false, false, false],
      ['sk_abc', false, false, false],
      ['whsec_abc', false, false, false],
    ]);
  });

  it('takes a ca_ client id and a whsec_ signing secret, each a single word', () => {
    expect(['ca_123', 'ca_', 'ca_1 2', 'ac_123'].map(isClientId)).toEqual([true, false, false, false]);
    expect(['whsec_123', 'whsec_', 'whsec_1 2', 'sk_test_1'].map(isWebhookSecret)).toEqual([true, false, false, false]);
  });

  it('reads a webhook secret list, newest first, from commas or a JSON array, without blank entries', () => {
    expect(webhookSecretList(' whsec_new , whsec_old,')).toEqual(['whsec_new', 'whsec_old']);
    expect(webhookSecretList(['whsec_new', ' ', 42, 'whsec_old'])).toEqual(['whsec_new', 'whsec_old']);
    expect([undefined, '', ' , '].map(webhookSecretList)).toEqual([[], [], []]);
  });
});
