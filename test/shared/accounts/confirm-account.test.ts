import { describe, expect, it } from 'vitest';
import { confirmAccount } from '../../../shared/accounts/confirm-account';
import { hashConfirmation, mintConfirmation } from '../../../shared/accounts/confirmation';
import { noMetrics } from '../../../shared/metrics';
import type { AccountNotice } from '../../../shared/notifications/account-notices';
import type { AccountRecord, ConfirmResult } from '../../../shared/stores/accounts-repo';

const now = Date.parse('2026-12-02T10:00:00.000Z');
const minted = mintConfirmation(now);
const pending = {
  accountId: 'acct_1Pending',
  platformUserId: 'user_1',
  type: 'standard',
  scope: 'read_write',
  livemode: false,
  status: 'connected',
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: false,
  capabilities: {},
  connectedAt: '2026-12-02T09:59:00.000Z',
  updatedAt: '2026-12-02T09:59:00.000Z',
  confirmationHash: hashConfirmation(minted.value),
  confirmationExpiresAt: minted.expiresAt,
} as AccountRecord;

/** Confirms `pending` (read as connected) against a store whose write answers `written`. */
const confirmWith = async (written: ConfirmResult) => {
  const notices: AccountNotice[] = [];
  const answer = confirmAccount(
    {
      accountId: pending.accountId,
      platformUserId: pending.platformUserId,
      body: JSON.stringify({ confirmation: minted.value }),
    },
    {
      accounts: { get: async () => pending, confirm: async () => written },
      metrics: noMetrics,
      notices: { publish: async (notice) => void notices.push(notice) },
      now,
    },
  );
  return { answer, notices };
};

describe('confirmAccount, when the write is refused', () => {
  it('answers 409 account_deauthorized for an account Stripe disconnected between the read and the write', async () => {
    const { answer, notices } = await confirmWith({
      ok: false,
      current: { ...pending, status: 'deauthorized', deauthorizedAt: '2026-12-02T09:59:30.000Z' },
    });

    await expect(answer).rejects.toMatchObject({ kind: 'conflict', code: 'account_deauthorized' });
    expect(notices).toEqual([]);
  });

  it('answers 400 confirmation_invalid for a value a newer flow replaced meanwhile', async () => {
    const { answer } = await confirmWith({ ok: false, current: { ...pending, confirmationHash: 'newer' } });

    await expect(answer).rejects.toMatchObject({ kind: 'invalid_request', code: 'confirmation_invalid' });
  });
});
