/**
 * Why a verified webhook event changes nothing: the `reason` of its 200 `ignored` answer, its log line and
 * its metric. One list, so that the code, the answer and the docs (webhooks.md, observability.md) name the
 * same reasons (test/docs/webhook-reasons.test.ts).
 */
import { isOneOf } from '../one-of';

/**
 * The event is broken, or refused by the store for good: no retry can ever apply it. Logged as
 * `webhook poisoned` (WARN; ERROR for `store_rejected`), counted as `WebhookEventPoisoned`, alarmed.
 */
export const poisonReasons = [
  'malformed_account',
  'malformed_capability',
  'account_mismatch',
  'created_in_future',
  'store_rejected',
] as const;
export type PoisonReason = (typeof poisonReasons)[number];

/**
 * The event is sound but changes nothing here (`WebhookEventIgnored`): of the other mode, of a type we do
 * not handle, for no account we can read, or (the store's outcomes; the answer to `ignored(outcome)` does
 * not compile if the store gains another) for an account unknown here, already newer, or deauthorized.
 */
export const ignoreReasons = [
  'livemode_mismatch',
  'unhandled_type',
  'no_account',
  'account_inaccessible',
  'unknown_account',
  'stale',
  'account_deauthorized',
] as const;
export type IgnoreReason = (typeof ignoreReasons)[number];

/** What planning an event can put it aside for: its account not found in it, or not readable at Stripe. */
export type PlanIgnoreReason =
  | Extract<IgnoreReason, 'unhandled_type' | 'no_account' | 'account_inaccessible'>
  | Extract<PoisonReason, 'malformed_account' | 'malformed_capability' | 'account_mismatch'>;

export const isPoisonReason = (reason: string): reason is PoisonReason => isOneOf(poisonReasons, reason);
