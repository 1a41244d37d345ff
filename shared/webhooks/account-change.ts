/**
 * What a verified event means for an account record, independent of how it is stored. Each change
 * carries the time it describes, so an older event can never overwrite a newer state.
 */
import type { EpochMs } from '../time';

export interface RequirementsSummary {
  readonly currentlyDue: readonly string[];
  readonly pastDue: readonly string[];
  readonly eventuallyDue: readonly string[];
  readonly disabledReason: string | null;
  readonly currentDeadline: number | null;
}

export interface AccountState {
  readonly chargesEnabled: boolean;
  readonly payoutsEnabled: boolean;
  readonly detailsSubmitted: boolean;
  readonly capabilities: Readonly<Record<string, string>>;
  readonly requirements: RequirementsSummary;
}

export type AccountChange =
  /** A full snapshot of the account as of `asOf` (ordered against other snapshots to the second). */
  | { readonly kind: 'state'; readonly accountId: string; readonly state: AccountState; readonly asOf: EpochMs }
  /** Stripe revoked our access as of `asOf`, ordered against our own status changes. */
  | { readonly kind: 'deauthorized'; readonly accountId: string; readonly asOf: EpochMs };

export type StateChange = Extract<AccountChange, { kind: 'state' }>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bounded, so a huge requirements list cannot grow an item towards DynamoDB's 400 KB limit. */
const stringList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
        .filter((item): item is string => typeof item === 'string')
        .slice(0, 100)
        .map((item) => item.slice(0, 200))
    : [];

/**
 * The names every object already has (`constructor`, `__proto__`, `toString`, …). As the key of a map we
 * store, such a name breaks the store, not the map: lib-dynamodb's marshalling tells a map from a class
 * instance by `value.constructor.name`, so an own `constructor` key makes every write of the item throw,
 * and an own `__proto__` key is lost on the way (`map[key] = …` sets the prototype). No Stripe
 * capability is named so: such keys in a payload are dropped here, the one place payload keys become ours.
 */
const objectMemberNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A key we may keep in a stored map: a short snake_case code (Stripe's capability names) no object already has. */
export const isStorableKey = (key: string): boolean => /^[a-z0-9_]{1,64}$/.test(key) && !objectMemberNames.has(key);

const statusMap = (value: unknown): Record<string, string> =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value)
          .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && isStorableKey(entry[0]))
          .slice(0, 100),
      )
    : {};

/** Reads the fields we keep from a Stripe Account object; undefined when it is not one. */
export const accountStateFrom = (object: Readonly<Record<string, unknown>>): AccountState | undefined => {
  const { charges_enabled, payouts_enabled, details_submitted, capabilities, requirements } = object;
  if (
    object.object !== 'account' ||
    typeof charges_enabled !== 'boolean' ||
    typeof payouts_enabled !== 'boolean' ||
    typeof details_submitted !== 'boolean'
  ) {
    return undefined;
  }
  const due = isRecord(requirements) ? requirements : {};
  return {
    chargesEnabled: charges_enabled,
    payoutsEnabled: payouts_enabled,
    detailsSubmitted: details_submitted,
    capabilities: statusMap(capabilities),
    requirements: {
      currentlyDue: stringList(due.currently_due),
      pastDue: stringList(due.past_due),
      eventuallyDue: stringList(due.eventually_due),
      disabledReason: typeof due.disabled_reason === 'string' ? due.disabled_reason : null,
      currentDeadline: typeof due.current_deadline === 'number' ? due.current_deadline : null,
    },
  };
};
