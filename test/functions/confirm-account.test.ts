import { describe, expect, it } from 'vitest';
import { mintConfirmation } from '../../shared/accounts/confirmation';
import { useAccountNotices } from '../../shared/clients/notices';
import { maxJsonBodyBytes } from '../../shared/http/json-body';
import type { AccountNotice } from '../../shared/notifications/account-notices';
import { useLocalStack } from '../support/local-stack';
import {
  apiError,
  badTokens,
  callApi,
  confirmAccount,
  finishFlow,
  seedAccount,
  storedAccount,
  tokenMessages,
  viewOf,
} from '../support/platform-api';

const stack = useLocalStack();

const as = (user: string) => stack.mintTicket(user);
const confirmPath = (accountId: string) => `/accounts/${accountId}/confirm`;
const invalid = (code: string, message: string) => ({
  status: 400,
  body: apiError('invalid_request_error', code, message),
});
const invalidValue = invalid(
  'confirmation_invalid',
  'This confirmation value does not belong to the account: use the confirmation from the latest success redirect for it.',
);

/** A pending account seeded with a confirmation minted at `mintedAt`; returns its id and value. */
const pendingAccount = async (user: string, mintedAt = Date.now()) => {
  const minted = mintConfirmation(mintedAt);
  const item = await seedAccount(stack, {
    platformUserId: user,
    type: 'express',
    pending: { hash: minted.hash, expiresAt: minted.expiresAt },
  });
  return { accountId: String(item.accountId), confirmation: minted.value };
};

describe('POST /accounts/{accountId}/confirm', () => {
  it('confirms a pending account for its owner: 200 with the confirmed view, the hash gone', async () => {
    const finished = await finishFlow(stack, 'standard', 'confirm_owner');

    const result = await confirmAccount(stack, 'confirm_owner', finished);

    const stored = (await storedAccount(stack, finished.accountId)) ?? {};
    expect(result).toMatchObject({ status: 200, body: viewOf(stored) });
    expect(result.body).toMatchObject({ confirmation: 'confirmed', confirmedAt: stored.confirmedAt });
    expect(stored).not.toHaveProperty('confirmationHash');
    expect(stored).not.toHaveProperty('confirmationExpiresAt');
  });

  it('answers a replay of the same value with 200 and the same view (a platform retry), changing nothing', async () => {
    const finished = await finishFlow(stack, 'standard', 'confirm_replay');
    const first = await confirmAccount(stack, 'confirm_replay', finished);
    const stored = await storedAccount(stack, finished.accountId);
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });

    let again: Awaited<ReturnType<typeof confirmAccount>>;
    try {
      again = await confirmAccount(stack, 'confirm_replay', finished);
    } finally {
      useAccountNotices(undefined);
    }

    expect(again).toMatchObject({ status: 200, body: first.body });
    // Nothing written and nothing announced again: the first confirmation told the platform already.
    expect(await storedAccount(stack, finished.accountId)).toEqual(stored);
    expect(notices).toEqual([]);
  });

  it('answers 200 for an account stored before confirmations existed (no fields: confirmed)', async () => {
    const item = await seedAccount(stack, { platformUserId: 'confirm_legacy', type: 'standard' });

    const result = await callApi(stack, 'POST', confirmPath(String(item.accountId)), await as('confirm_legacy'), {
      confirmation: mintConfirmation(Date.now()).value,
    });

    expect(result).toMatchObject({ status: 200, body: { ...viewOf(item), confirmation: 'confirmed' } });
  });

  it('refuses a wrong value (400 confirmation_invalid) and the account stays pending', async () => {
    const { accountId } = await pendingAccount('confirm_wrong');

    expect(
      await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_wrong'), {
        confirmation: mintConfirmation(Date.now()).value,
      }),
    ).toMatchObject(invalidValue);
    expect(await storedAccount(stack, accountId)).toHaveProperty('confirmationHash');
  });

  it('refuses an expired value (400 confirmation_expired) that says the flow can be started again', async () => {
    const { accountId, confirmation } = await pendingAccount('confirm_late', Date.now() - 16 * 60_000);

    expect(
      await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_late'), { confirmation }),
    ).toMatchObject(
      invalid(
        'confirmation_expired',
        'This confirmation value has expired: the person can connect the account again from the platform, which gives a new one.',
      ),
    );
    expect(await storedAccount(stack, accountId)).not.toHaveProperty('confirmedAt');
  });

  it('refuses the value of an older flow once a newer flow of the same account replaced it', async () => {
    const { accountId, confirmation } = await pendingAccount('confirm_older');
    const newer = mintConfirmation(Date.now());
    await seedAccount(stack, {
      accountId,
      platformUserId: 'confirm_older',
      type: 'express',
      pending: { hash: newer.hash, expiresAt: newer.expiresAt },
    });

    expect(
      await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_older'), { confirmation }),
    ).toMatchObject(invalidValue);
    expect(
      (await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_older'), { confirmation: newer.value }))
        .status,
    ).toBe(200);
  });

  it("refuses another user's account with the same 403 as every not-yours answer, even with the right value", async () => {
    const { accountId, confirmation } = await pendingAccount('confirm_a');

    expect(await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_b'), { confirmation })).toMatchObject(
      {
        status: 403,
        body: apiError(
          'permission_error',
          'not_your_account',
          `The account ${accountId} is not one of your connected accounts.`,
        ),
      },
    );
    expect(await storedAccount(stack, accountId)).not.toHaveProperty('confirmedAt');
  });

  it('refuses to confirm an account Stripe disconnected while it waited (409), and announces nothing', async () => {
    // The flow ended and its value is on the way to the platform; meanwhile the owner disconnected the
    // platform at Stripe and the deauthorization webhook marked the record.
    const minted = mintConfirmation(Date.now());
    const item = await seedAccount(stack, {
      platformUserId: 'confirm_gone',
      type: 'standard',
      status: 'deauthorized',
      pending: { hash: minted.hash, expiresAt: minted.expiresAt },
    });
    const accountId = String(item.accountId);
    const notices: AccountNotice[] = [];
    useAccountNotices({ publish: async (notice) => void notices.push(notice) });
    try {
      expect(
        await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_gone'), {
          confirmation: minted.value,
        }),
      ).toMatchObject({
        status: 409,
        body: apiError(
          'conflict_error',
          'account_deauthorized',
          `${accountId} is no longer connected to the platform; connect it again first.`,
        ),
      });
    } finally {
      useAccountNotices(undefined);
    }
    expect(notices).toEqual([]);
    expect(await storedAccount(stack, accountId)).not.toHaveProperty('confirmedAt');
  });

  it('answers 404 for an unknown account and 400 for a malformed account id', async () => {
    const body = { confirmation: mintConfirmation(Date.now()).value };

    expect(await callApi(stack, 'POST', confirmPath('acct_unknown1'), await as('confirm_c'), body)).toMatchObject({
      status: 404,
      body: apiError('not_found_error', 'account_not_found', 'No connected account acct_unknown1 is known here.'),
    });
    expect(await callApi(stack, 'POST', confirmPath('acct_'), await as('confirm_c'), body)).toMatchObject(
      invalid('invalid_account_id', 'The account id must look like acct_ followed by letters and digits.'),
    );
  });

  it.each([
    ['no body', undefined, 'invalid_body', 'The request body must be a JSON object.'],
    ['a body that is not JSON', 'confirmation=abc', 'invalid_body', 'The request body is not valid JSON.'],
    ['a JSON array', '[]', 'invalid_body', 'The request body must be a JSON object.'],
    ['no confirmation', {}, 'missing_parameter', 'The body needs confirmation: the value of the success redirect.'],
    [
      'a confirmation that is not a string',
      { confirmation: 42 },
      'invalid_parameter',
      'confirmation must be the 22-character value of the success redirect, as it was given.',
    ],
    [
      'a confirmation of the wrong length',
      { confirmation: 'short' },
      'invalid_parameter',
      'confirmation must be the 22-character value of the success redirect, as it was given.',
    ],
    [
      'an unknown field (not repeated back)',
      { confirmation: 'A'.repeat(22), 'Visit evil.example': 1 },
      'unknown_field',
      'The request body has a field this route does not take (it takes: confirmation).',
    ],
    [
      'a body over the size cap',
      JSON.stringify({ confirmation: 'A'.repeat(maxJsonBodyBytes) }),
      'body_too_large',
      `The request body must be at most ${maxJsonBodyBytes} bytes.`,
    ],
  ])('refuses %s with a 400 that says what the body looks like', async (_, body, code, message) => {
    const { accountId } = await pendingAccount('confirm_body');

    expect(await callApi(stack, 'POST', confirmPath(accountId), await as('confirm_body'), body)).toMatchObject(
      invalid(code, message),
    );
  });

  it('refuses every bad token with 401 before reading anything', async () => {
    const { accountId, confirmation } = await pendingAccount('user_a');
    for (const [, token, code] of await badTokens()) {
      expect(await callApi(stack, 'POST', confirmPath(accountId), token, { confirmation })).toMatchObject({
        status: 401,
        body: apiError('authentication_error', code, tokenMessages[code] ?? ''),
      });
    }
    expect(await storedAccount(stack, accountId)).not.toHaveProperty('confirmedAt');
  });
});

describe('GET /accounts with pending accounts among confirmed ones', () => {
  it('lists only the confirmed ones, in order, across pages that skip the pending ones', async () => {
    const user = 'confirm_pages';
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const confirmed: string[] = [];
    for (let minute = 0; minute < 9; minute += 1) {
      const minted = mintConfirmation(Date.now());
      const pending = minute % 3 !== 0;
      const item = await seedAccount(stack, {
        platformUserId: user,
        type: 'standard',
        connectedAt: at(minute),
        ...(pending ? { pending: { hash: minted.hash, expiresAt: minted.expiresAt } } : {}),
      });
      if (!pending) confirmed.unshift(String(item.accountId));
    }

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const query = `/accounts?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const { body } = await callApi(stack, 'GET', query, await as(user));
      seen.push(...(body.data as { accountId: string }[]).map((account) => account.accountId));
      cursor = (body.next_cursor as string | null) ?? undefined;
      if (!body.has_more) break;
    }

    expect(seen).toEqual(confirmed);
  });
});
