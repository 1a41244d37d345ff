/**
 * `POST /webhooks/stripe`: verify the signature on the raw bytes, then apply the event once.
 * Answers 2xx only once the effect is durable (Stripe is our retry queue: a 5xx makes it retry),
 * and 200 for events we deliberately ignore, so Stripe stops sending them. A verified event that can
 * never apply (poisoned: broken, dated in the future, refused by the store for good) is answered 200
 * `ignored` too, logged and counted as `WebhookEventPoisoned`: Stripe retries any non-2xx for days, and
 * no retry could change the answer.
 */
import type { ServiceConfig } from '../config';
import { badRequest, isCallerError, ServiceError, StoreUnavailableError } from '../errors';
import { type HttpResponse, jsonResponse } from '../http/responses';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { AccountNotice, NoticePublisher } from '../notifications/account-notices';
import type { PlatformSecrets } from '../secrets';
import { type ApplyOutcome, type InPlaceOutcome, isSameSecond } from '../stores/accounts-repo';
import type { EventsRepo } from '../stores/events-repo';
import type { AccountReader } from '../stripe/account-reader';
import { stripeApiVersion } from '../stripe/api-version';
import { isLiveKey } from '../stripe/mode';
import { type EpochMs, secondsMs, toIso } from '../time';
import type { AccountChange } from './account-change';
import {
  eventTypeSpec,
  isAppliedInPlace,
  isInPinnedVersion,
  isVersionSensitive,
  readsAccountAtStripe,
} from './event-types';
import { type IgnoreReason, isPoisonReason, type PoisonReason } from './ignore-reasons';
import { apiVersionMismatchMessage, poisonedEventMessage } from './log-messages';
import { type ChangePlan, planChange, settleTie } from './plan-change';
import { verifyStripeSignature } from './signature';
import { parseStripeEvent, type StripeEventEnvelope } from './stripe-event';

/**
 * How long after Stripe authorized a connection its callback may still be storing it. Stripe sends the browser
 * to the callback at the moment it authorizes (the event's `created`), with a short-lived code, so the callback
 * comes within seconds; a retried or slow one within minutes. A chosen margin, not derived from a setting: the
 * state's lifetime (up to an hour) counts from the start of the flow, before the person reached Stripe. The
 * same margin covers an account onboarding created (its own `created`, and its capabilities' `requested_at`): its
 * record is written moments after Stripe answers the create, or on the user's retry of a first visit that failed
 * after it.
 */
const pendingRecordWindowMs = secondsMs(15 * 60);

/** Stripe's events are a few kilobytes; anything this large is not one. */
export const maxPayloadBytes = 256 * 1024;

export interface WebhookRequest {
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly signature: string | undefined;
}

export interface IngestContext {
  readonly config: ServiceConfig;
  readonly secrets: PlatformSecrets;
  readonly events: EventsRepo;
  /** Re-reads an account at Stripe (for events whose payload is not a whole, ordered account). */
  readonly readAccount: AccountReader;
  readonly notices: NoticePublisher;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly now: EpochMs;
}

const noticeFor = (change: AccountChange, event: StripeEventEnvelope): AccountNotice => {
  const cause = { stripeEventId: event.id, stripeEventType: event.type };
  switch (change.kind) {
    case 'state':
      // EventBridge keeps no order: `stateAsOf` lets a consumer keep the newest state per account.
      return {
        type: 'account.updated',
        accountId: change.accountId,
        detail: { ...cause, stateAsOf: toIso(change.asOf), ...change.state },
      };
    case 'deauthorized':
      return { type: 'account.deauthorized', accountId: change.accountId, detail: cause };
  }
};

/**
 * Reads that settle one tie before the event is answered 503 for Stripe to deliver again: each round lost
 * to another read of the same second, stored while ours was on its way.
 */
const maxTieRounds = 3;

const tieUnsettled = (): StoreUnavailableError =>
  new StoreUnavailableError(
    undefined,
    'store_conflict',
    'This account changed several times while we read it; Stripe will deliver the event again.',
  );

/** A store refusal no retry can change (see shared/stores/store-errors.ts). */
const isRefusedByStore = (error: unknown): error is ServiceError =>
  error instanceof ServiceError && error.code === 'store_rejected';

/**
 * Stripe creates an event before it signs and sends it: one dated further ahead than the signature's
 * tolerance is not a real event, and if applied it would hold the account's state at that date, so every
 * later real update would be `stale`.
 */
const isCreatedInFuture = (event: StripeEventEnvelope, { config, now }: IngestContext): boolean =>
  event.created > now + secondsMs(config.webhookToleranceSeconds);

const received = (status: string, fields: Record<string, string> = {}): HttpResponse =>
  jsonResponse(200, { received: true, status, ...fields });

/** The exact bytes Stripe signed: API Gateway may hand them over base64-encoded. */
export const rawBody = ({ body, isBase64Encoded }: Pick<WebhookRequest, 'body' | 'isBase64Encoded'>): Buffer =>
  Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8');

/** Whether an event is of the other mode (test/live) than the deployment's key. */
const isOtherMode = (event: StripeEventEnvelope, secrets: PlatformSecrets): boolean =>
  event.livemode !== isLiveKey(secrets.secretKey);

/** The verified event, or a 400 counted as `WebhookEventRejected` by its code (the log line is the service middleware's). */
const verifiedEvent = (
  request: WebhookRequest,
  { config, secrets, metrics, now }: IngestContext,
): StripeEventEnvelope => {
  try {
    const payload = rawBody(request);
    if (payload.length > maxPayloadBytes)
      throw badRequest('payload_too_large', `The body is larger than ${maxPayloadBytes} bytes: not a Stripe event.`);
    verifyStripeSignature({
      payload,
      header: request.signature,
      secrets: secrets.webhookSecrets,
      toleranceSeconds: config.webhookToleranceSeconds,
      now,
    });
    const event = parseStripeEvent(payload);
    if (isOtherMode(event, secrets) && config.livemodeMismatch === 'reject') {
      throw badRequest('livemode_mismatch', 'This event is from the other mode (test/live) than this deployment.');
    }
    return event;
  } catch (error) {
    if (isCallerError(error)) metrics.count('WebhookEventRejected', { errorCode: error.code });
    throw error;
  }
};

export const ingestWebhook = async (request: WebhookRequest, context: IngestContext): Promise<HttpResponse> => {
  const { secrets, events, logger, metrics, now } = context;
  const event = verifiedEvent(request, context);
  const fields = { eventId: event.id, type: event.type, accountId: event.account };
  const ignored = (reason: IgnoreReason): HttpResponse => {
    metrics.count('WebhookEventIgnored', { reason });
    return received('ignored', { reason });
  };
  const poisoned = (reason: PoisonReason, details: Record<string, unknown> = {}): HttpResponse => {
    // Our store refusing a verified event is ours to look at; the rest is the event's own doing.
    logger[reason === 'store_rejected' ? 'error' : 'warn'](poisonedEventMessage, { ...fields, reason, ...details });
    metrics.count('WebhookEventPoisoned', { reason });
    return received('ignored', { reason });
  };
  const duplicate = (): HttpResponse => {
    metrics.count('WebhookEventDuplicate');
    return received('duplicate');
  };

  if (isOtherMode(event, secrets)) {
    logger.warn('webhook ignored', { ...fields, reason: 'livemode_mismatch' });
    return ignored('livemode_mismatch');
  }
  if (isCreatedInFuture(event, context)) return poisoned('created_in_future', { created: event.created });
  if (!isInPinnedVersion(event) && isVersionSensitive(event)) {
    // The endpoint was created with another API version: retries cannot fix that, the operator can.
    logger.warn(apiVersionMismatchMessage, {
      ...fields,
      apiVersion: event.apiVersion,
      expectedApiVersion: stripeApiVersion,
    });
    metrics.count('WebhookApiVersionMismatch', { eventType: event.type });
  }
  // Events that cost a Stripe call are checked for duplicates first, so a redelivery costs one read; beside
  // that check, the stored snapshot's version, which the read at Stripe made after it is ordered against.
  let seen: number | undefined;
  if (readsAccountAtStripe(event)) {
    const located = eventTypeSpec(event.type)?.accountOf(event);
    const before = await events.beforeStripeRead(
      event.id,
      located && 'accountId' in located ? located.accountId : undefined,
    );
    if (before.processed) {
      logger.info('webhook duplicate', fields);
      return duplicate();
    }
    seen = before.snapshotVersion;
  }
  const setAside = (plan: Extract<ChangePlan, { ignore: unknown }>): HttpResponse => {
    if (isPoisonReason(plan.ignore)) return poisoned(plan.ignore);
    logger.info('webhook ignored', { ...fields, reason: plan.ignore });
    return ignored(plan.ignore);
  };
  const apply = (change: AccountChange): Promise<InPlaceOutcome> =>
    change.kind === 'state' && isAppliedInPlace(event)
      ? events.applyInPlace(event.id, change, now)
      : events.applyOnce(
          { eventId: event.id, type: event.type, accountId: change.accountId, created: event.created },
          change,
          now,
        );

  const plan = await planChange(event, context.readAccount, now, seen);
  if ('ignore' in plan) return setAside(plan);
  const tied = plan.change;
  let change = tied;
  let outcome: ApplyOutcome;
  try {
    let result = await apply(change);
    // Another snapshot of this second is stored (an event's, or a read's: an event of its second may have been
    // created after our read), and which is newer cannot be told: the account as Stripe has it now is newer than
    // both (see settleTie), stored only over the snapshot seen before reading it.
    for (let round = 1; isSameSecond(result) && tied.kind === 'state'; round += 1) {
      if (round > maxTieRounds) throw tieUnsettled();
      logger.info('webhook snapshot of a stored second: reading the account again', { ...fields, round });
      const settled = await settleTie(context.readAccount, tied, result.stateVersion, now);
      if ('ignore' in settled) return setAside(settled);
      change = settled.change;
      result = await apply(change);
    }
    // Only a snapshot is ever answered same_second, and the loop leaves none.
    outcome = isSameSecond(result) ? 'stale' : result;
  } catch (error) {
    if (isRefusedByStore(error)) return poisoned('store_rejected', { cause: error.cause });
    throw error;
  }
  logger.info('webhook processed', { ...fields, outcome });
  if (outcome === 'applied') {
    await context.notices.publish(noticeFor(change, event));
    metrics.count('WebhookEventProcessed', { eventType: event.type });
    if (change.kind === 'deauthorized') metrics.count('AccountDeauthorized', { source: 'stripe' });
    return received('processed');
  }
  if (outcome === 'duplicate') return duplicate();
  const recordMayBePending = outcome === 'unknown_account' || outcome === 'account_deauthorized';
  const pendingFrom = recordMayBePending ? eventTypeSpec(event.type)?.mayPrecedeRecord?.(event) : undefined;
  if (pendingFrom !== undefined && now - pendingFrom < pendingRecordWindowMs) {
    // Stripe may announce a (re)connection, or a change to an account just created, before we have stored it:
    // ask Stripe to retry.
    throw new ServiceError(
      'unavailable',
      'account_pending',
      'This account is not recorded here yet (its OAuth callback or onboarding may still be storing it); Stripe will retry.',
      {
        expose: true,
        deliberate: true,
      },
    );
  }
  return ignored(outcome);
};
