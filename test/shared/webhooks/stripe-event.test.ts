import { describe, expect, it } from 'vitest';
import { parseStripeEvent } from '../../../shared/webhooks/stripe-event';

const envelope = (fields: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'account.application.deauthorized',
      created: 1_700_000_000,
      livemode: false,
      data: { object: { id: 'ca_1', object: 'application' } },
      ...fields,
    }),
  );

describe('parseStripeEvent', () => {
  it('reads the account of a Connect event from `account`, with the API version it is rendered in', () => {
    expect(parseStripeEvent(envelope({ account: 'acct_1', api_version: '2026-10-28.endive' }))).toMatchObject({
      account: 'acct_1',
      apiVersion: '2026-10-28.endive',
    });
  });

  it('reads `user_id` as the account for an endpoint on a version before 2017-05-25', () => {
    expect(parseStripeEvent(envelope({ user_id: 'acct_1', api_version: '2017-04-06' }))).toMatchObject({
      account: 'acct_1',
      apiVersion: '2017-04-06',
    });
    expect(parseStripeEvent(envelope({ account: 'acct_1', user_id: 'acct_1' })).account).toBe('acct_1');
  });

  it.each([
    [
      'two different accounts',
      { account: 'acct_1', user_id: 'acct_2' },
      'The event names two different accounts (account and user_id).',
    ],
    ['a user_id that is no account id', { user_id: 'usr_1' }, 'The event has an invalid user_id.'],
    ['an account that is no account id', { account: 42 }, 'The event has an invalid account.'],
  ])('refuses an event with %s', (_, fields, message) => {
    expect(() => parseStripeEvent(envelope(fields))).toThrowError(
      expect.objectContaining({ kind: 'invalid_request', code: 'invalid_payload', message }),
    );
  });

  it.each([0, -1, 1.5, '1700000000'])('refuses an event whose created is %j, no time Stripe sends', (created) => {
    expect(() => parseStripeEvent(envelope({ created }))).toThrowError(
      expect.objectContaining({ code: 'invalid_payload', message: 'The event has no valid created time.' }),
    );
  });

  it.each([
    ['null', null],
    ['absent', undefined],
    ['not a version', 'latest'],
    ['not a string', 20170406],
  ])('has no API version when it is %s', (_, api_version) => {
    expect(parseStripeEvent(envelope({ account: 'acct_1', api_version })).apiVersion).toBeNull();
  });
});
