import { describe, expect, it } from 'vitest';
import {
  answerReserveMs,
  callOptionsWithin,
  leastCallMs,
  OutOfTimeError,
  requestDeadline,
  sdkRetryDelayMs,
  stripeCallBudget,
} from '../../../shared/stripe/call-budget';
import { classifyStripeError, stripeFailure } from '../../../shared/stripe/errors';

const now = 1_800_000_000_000;
const timeoutMs = 5000;
/** A deadline that leaves `left` ms for the call once the reserve is kept. */
const leaving = (left: number) => now + answerReserveMs + left;

describe('stripeCallBudget', () => {
  it.each([
    ['room for two tries and the wait between them', 2 * timeoutMs + sdkRetryDelayMs, { timeout: timeoutMs }],
    ['a whole minute', 60_000, { timeout: timeoutMs }],
    [
      'one millisecond short of two tries',
      2 * timeoutMs + sdkRetryDelayMs - 1,
      { timeout: timeoutMs, maxNetworkRetries: 0 },
    ],
    ['exactly one try', timeoutMs, { timeout: timeoutMs, maxNetworkRetries: 0 }],
    ['less than one try', 1234, { timeout: 1234, maxNetworkRetries: 0 }],
    ['the least worth a call', leastCallMs, { timeout: leastCallMs, maxNetworkRetries: 0 }],
  ])('with %s left: %j', (_, left, budget) => {
    expect(stripeCallBudget(leaving(left), timeoutMs, now)).toEqual(budget);
  });

  it('gives whole milliseconds, which is all stripe-node takes as a timeout', () => {
    expect(stripeCallBudget(leaving(1234.7), timeoutMs, now)).toEqual({ timeout: 1234, maxNetworkRetries: 0 });
  });

  it.each([
    ['less than the least worth a call', leastCallMs - 1],
    ['nothing', 0],
    ['a deadline already past', -5000],
  ])('with %s left, makes no call: a timeout, as every route answers one', (_, left) => {
    const budget = () => stripeCallBudget(leaving(left), timeoutMs, now);

    expect(budget).toThrowError(OutOfTimeError);
    let thrown: unknown;
    try {
      budget();
    } catch (error) {
      thrown = error;
    }
    expect(classifyStripeError(thrown)).toEqual({ kind: 'timeout' });
    expect(stripeFailure(thrown)).toMatchObject({ kind: 'upstream_timeout', code: 'stripe_timeout' });
  });
});

describe('callOptionsWithin', () => {
  it("keeps a call's own options and adds its budget", () => {
    const options = callOptionsWithin(leaving(60_000), timeoutMs);

    expect(options({ idempotencyKey: 'onboard-1' })).toEqual({ idempotencyKey: 'onboard-1', timeout: timeoutMs });
    expect(options()).toEqual({ timeout: timeoutMs });
  });

  it('keeps a call that must not be retried so, however much time is left', () => {
    expect(callOptionsWithin(leaving(60_000), timeoutMs)({ maxNetworkRetries: 0 })).toEqual({
      maxNetworkRetries: 0,
      timeout: timeoutMs,
    });
  });

  it("turns a call's retry off when two tries would not fit", () => {
    expect(callOptionsWithin(Date.now() + answerReserveMs + 3000, timeoutMs)({ maxNetworkRetries: 1 })).toMatchObject({
      maxNetworkRetries: 0,
    });
  });

  it('budgets each call of a request from what is left when it is made', () => {
    const deadline = leaving(2 * timeoutMs + sdkRetryDelayMs);

    expect(stripeCallBudget(deadline, timeoutMs, now)).toEqual({ timeout: timeoutMs });
    expect(stripeCallBudget(deadline, timeoutMs, now + timeoutMs)).toEqual({
      timeout: timeoutMs,
      maxNetworkRetries: 0,
    });
    expect(stripeCallBudget(deadline, timeoutMs, now + 2 * timeoutMs)).toEqual({
      timeout: sdkRetryDelayMs,
      maxNetworkRetries: 0,
    });
  });
});

describe('requestDeadline', () => {
  it('is when the Lambda context says the invocation ends', () => {
    expect(requestDeadline({ getRemainingTimeInMillis: () => 14_987 }, now)).toBe(now + 14_987);
  });
});
