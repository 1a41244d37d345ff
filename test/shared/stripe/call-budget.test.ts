import { describe, expect, it } from 'vitest';
import { answerBeforeDeadlineMs } from '../../../shared/http/handler';
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

/** The one try's timeout, leaving room for stripe-node's retry of a closed connection and its wait. */
const oneTryIn = (left: number) => Math.floor((left - sdkRetryDelayMs) / 2);

describe('stripeCallBudget', () => {
  it.each([
    ['room for two tries and the wait between them', 2 * timeoutMs + sdkRetryDelayMs, { timeout: timeoutMs }],
    ['a whole minute', 60_000, { timeout: timeoutMs }],
    [
      'one millisecond short of two tries',
      2 * timeoutMs + sdkRetryDelayMs - 1,
      { timeout: timeoutMs - 1, maxNetworkRetries: 0 },
    ],
    ['one try of the whole timeout', timeoutMs, { timeout: oneTryIn(timeoutMs), maxNetworkRetries: 0 }],
    ['a little time', 2000, { timeout: 750, maxNetworkRetries: 0 }],
    [
      'just enough for the least call and the retry stripe-node always may make',
      2 * leastCallMs + sdkRetryDelayMs,
      { timeout: leastCallMs, maxNetworkRetries: 0 },
    ],
  ])('with %s left: %j', (_, left, budget) => {
    expect(stripeCallBudget(leaving(left), timeoutMs, now)).toEqual(budget);
  });

  it('fits a one-try call even when stripe-node tries it again (a closed connection): twice its timeout and the wait', () => {
    for (const left of [timeoutMs, 2 * timeoutMs, 2 * timeoutMs + sdkRetryDelayMs - 1, 1001, 5432]) {
      const { timeout } = stripeCallBudget(leaving(left), timeoutMs, now);
      expect(2 * timeout + sdkRetryDelayMs).toBeLessThanOrEqual(left);
    }
  });

  it('gives whole milliseconds, which is all stripe-node takes as a timeout', () => {
    expect(stripeCallBudget(leaving(2000.7), timeoutMs, now)).toEqual({ timeout: 750, maxNetworkRetries: 0 });
  });

  it.each([
    ['too little for the least call and the retry stripe-node may make', 2 * leastCallMs + sdkRetryDelayMs - 1],
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
    expect(callOptionsWithin(Date.now() + answerReserveMs + 9000, timeoutMs)({ maxNetworkRetries: 1 })).toMatchObject({
      maxNetworkRetries: 0,
    });
  });

  it('budgets each call of a request from what is left when it is made', () => {
    const deadline = leaving(2 * timeoutMs + sdkRetryDelayMs);

    expect(stripeCallBudget(deadline, timeoutMs, now)).toEqual({ timeout: timeoutMs });
    expect(stripeCallBudget(deadline, timeoutMs, now + 1)).toEqual({ timeout: timeoutMs - 1, maxNetworkRetries: 0 });
    expect(stripeCallBudget(deadline, timeoutMs, now + timeoutMs)).toEqual({
      timeout: oneTryIn(timeoutMs + sdkRetryDelayMs),
      maxNetworkRetries: 0,
    });
    expect(() => stripeCallBudget(deadline, timeoutMs, now + 2 * timeoutMs)).toThrowError(OutOfTimeError);
  });
});

describe('answerReserveMs', () => {
  it("leaves time, after the last Stripe call, for a store write before middy's early answer", () => {
    expect(answerReserveMs - answerBeforeDeadlineMs).toBeGreaterThanOrEqual(500);
  });
});

describe('requestDeadline', () => {
  it('is when the Lambda context says the invocation ends', () => {
    expect(requestDeadline({ getRemainingTimeInMillis: () => 14_987 }, now)).toBe(now + 14_987);
  });
});
