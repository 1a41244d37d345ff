import { applyAccountPatch, capabilityObject, capabilityPreviousAttributes, cloneAccount } from './accounts';
import type { EmulatorContext } from './context';
import { seconds } from './context';
import { revokeConnection } from './oauth';
import type { StripeAccount, StripeAccountPatch, StripeEvent } from './types';

/** Account changes and triggered events, each emitting what Stripe would send to a Connect endpoint. */

function requireAccount(ctx: EmulatorContext, accountId: string): StripeAccount {
  const account = ctx.state.accounts.get(accountId);
  if (!account) throw new Error(`No such account: ${accountId}`);
  return account;
}

function application(ctx: EmulatorContext): { id: string; object: 'application'; name: string } {
  return { id: ctx.clientId, object: 'application', name: ctx.platformName };
}

/** Applies the patch and emits account.updated (plus capability.updated for each changed capability). */
export function updateAccount(ctx: EmulatorContext, accountId: string, patch: StripeAccountPatch): StripeEvent {
  const account = requireAccount(ctx, accountId);
  const before = cloneAccount(account);
  const previous = applyAccountPatch(account, patch);
  const event = ctx.emit({ type: 'account.updated', account: accountId, object: cloneAccount(account), previous });
  for (const name of Object.keys(patch.capabilities ?? {})) {
    const old = before.capabilities[name] ?? 'unrequested';
    if (old === account.capabilities[name]) continue;
    const object = capabilityObject(account, name, account.created);
    ctx.emit({
      type: 'capability.updated',
      account: accountId,
      object,
      previous: capabilityPreviousAttributes(capabilityObject(before, name, account.created), object),
    });
  }
  return event;
}

type Trigger = (ctx: EmulatorContext, type: string, account: StripeAccount, accountId: string) => StripeEvent;

/**
 * Like `stripe trigger`: each type the emulator triggers, with the object Stripe puts in it. A triggered
 * account.application.deauthorized also revokes the connection, as when the user disconnects in their Dashboard.
 */
const triggers: Readonly<Record<string, Trigger>> = {
  'account.updated': (ctx, type, account, accountId) =>
    ctx.emit({ type, account: accountId, object: cloneAccount(account), previous: {} }),
  'account.application.authorized': (ctx, type, _account, accountId) =>
    ctx.emit({ type, account: accountId, object: application(ctx) }),
  'account.application.deauthorized': (ctx, type, _account, accountId) => {
    const connection = ctx.state.activeConnection(accountId);
    if (connection) return revokeConnection(ctx, connection);
    return ctx.emit({ type, account: accountId, object: application(ctx) });
  },
  'capability.updated': (ctx, type, account, accountId) => {
    const name = Object.keys(account.capabilities)[0] ?? 'transfers';
    return ctx.emit({
      type,
      account: accountId,
      object: capabilityObject(account, name, account.created),
      previous: {},
    });
  },
};

/**
 * Emits `type` for the account, as {@link triggers} builds it. Another type is refused rather than sent with an
 * object Stripe would not put in it: a handler written against the wrong object would pass its tests here and
 * fail at Stripe.
 */
export function triggerEvent(ctx: EmulatorContext, type: string, accountId: string): StripeEvent {
  const account = requireAccount(ctx, accountId);
  const trigger = Object.hasOwn(triggers, type) ? triggers[type] : undefined;
  if (!trigger) {
    throw new Error(
      `The emulator does not trigger ${type}: it triggers ${Object.keys(triggers).join(', ')}. ` +
        'Add an entry to triggers (emulator/events.ts) that sends the object Stripe sends with it.',
    );
  }
  return trigger(ctx, type, account, accountId);
}

export function buildEvent(
  ctx: EmulatorContext,
  input: Parameters<EmulatorContext['emit']>[0],
  meta: { id: string; apiVersion: string; pendingWebhooks: number },
): StripeEvent {
  return {
    id: meta.id,
    object: 'event',
    account: input.account,
    api_version: meta.apiVersion,
    created: seconds(ctx.now()),
    data: { object: input.object, ...(input.previous !== undefined ? { previous_attributes: input.previous } : {}) },
    livemode: ctx.livemode,
    pending_webhooks: meta.pendingWebhooks,
    request: { id: input.requestId ?? null, idempotency_key: null },
    type: input.type,
  };
}
