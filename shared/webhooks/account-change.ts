/**
 * What a verified event means for an account record, independent of how it is stored. Each change
 * carries the time it describes, so an older event can never overwrite a newer state.
 */
import { capabilityNamePattern } from '../stripe/ids';
import { type EpochMs, isEpochSeconds } from '../time';

/** A requirement Stripe must collect again because validation or verification failed. */
export interface RequirementError {
  readonly requirement: string;
  readonly code: string;
  readonly reason: string;
}

/** Stripe's `requirements` (or `future_requirements`) of an account, as the platform needs to act on it. */
export interface RequirementsSummary {
  readonly currentlyDue: readonly string[];
  readonly pastDue: readonly string[];
  readonly eventuallyDue: readonly string[];
  /** Submitted and being verified: nothing to collect now, but they may come back as errors. */
  readonly pendingVerification: readonly string[];
  /** What failed validation or verification, and why: the platform's owner must provide it again. */
  readonly errors: readonly RequirementError[];
  readonly disabledReason: string | null;
  /** Epoch seconds. For `futureRequirements`, when they replace the current ones. */
  readonly currentDeadline: number | null;
}

export interface AccountState {
  readonly chargesEnabled: boolean;
  readonly payoutsEnabled: boolean;
  readonly detailsSubmitted: boolean;
  readonly capabilities: Readonly<Record<string, string>>;
  readonly requirements: RequirementsSummary;
  /**
   * What Stripe will require once its next rules apply (at `futureRequirements.currentDeadline` they
   * replace `requirements`, and what is currently due may at once be past due): the platform's warning.
   */
  readonly futureRequirements: RequirementsSummary;
}

/**
 * Where a snapshot comes from, which decides how it is ordered against the stored one (to the second):
 * - `event`: carried by a webhook event, as of its `created`. Two events of one second cannot be told
 *   apart, so it applies only over an older second; a tie is settled by reading the account again.
 * - `read`: read at Stripe by us, as of the moment before the read. It is newer than any snapshot of an
 *   older second, and than whatever was stored before the read was made; but an event of its own second
 *   may have been created after the read (and stored before the read's write). So over its own second it
 *   applies only while the snapshot it saw before reading (`seen`, its `stateVersion`) is still the stored
 *   one; a read that saw none, or whose snapshot was replaced meanwhile, is a tie, settled by reading again.
 *   A read that settles a tie carries a `tie` (see `SnapshotTie`).
 */
export type SnapshotSource = 'event' | 'read';

/**
 * What the read that settles a tie knows of it: `at`, the tied event's `created`; `version`, the stored
 * snapshot's version (`stateVersion`, 0 for none) seen before the read was made. The read applies only while
 * the version is still that one, so it is newer than whatever is stored, whoever wrote it (another read of
 * that second included); anything written since is read again. It is remembered under the event's entry of
 * second `at`, so copies of the event stay one.
 */
export interface SnapshotTie {
  readonly at: EpochMs;
  readonly version: number;
}

export type AccountChange =
  /** A full snapshot of the account as of `asOf` (ordered against other snapshots to the second). */
  | {
      readonly kind: 'state';
      readonly accountId: string;
      readonly state: AccountState;
      readonly asOf: EpochMs;
      readonly source: SnapshotSource;
      /** Set on the `read` that settles an event's tie with the stored snapshot (see `SnapshotTie`). */
      readonly tie?: SnapshotTie;
      /**
       * On a `read`: the `stateVersion` stored before the read was made (0 for none), when the reader knows it;
       * the read then applies over a snapshot of its own second while that version is still stored.
       */
      readonly seen?: number;
    }
  /** Stripe revoked our access as of `asOf`, ordered against our own status changes. */
  | { readonly kind: 'deauthorized'; readonly accountId: string; readonly asOf: EpochMs };

export type StateChange = Extract<AccountChange, { kind: 'state' }>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How much of Stripe's payload an account's state keeps. The record holds the state and the
 * `account.updated` notice carries it whole, so its worst case (every list and field full, of the widest
 * characters: under 160 KB as JSON, `test/shared/webhooks/account-change.test.ts`) stays far below
 * EventBridge's 256 KB entry and DynamoDB's 400 KB item. Bounds count characters, so what a character
 * costs is bounded too: a name is printable ASCII (one byte), a reason at most three bytes a character
 * (`boundedName`, `boundedText`). Real accounts are far smaller: requirement names
 * (`person_….verification.document`) run to some 60 characters, a company with several persons lists a
 * few dozen of them.
 */
export const stateBounds = {
  /** Entries of each requirements list, and capabilities. */
  entries: 100,
  /** A requirement or status name, an error code, a disabled reason (a capability's name: `isStorableKey`). */
  nameChars: 100,
  /** Errors of one requirements summary. */
  errors: 20,
  /** The human-readable reason of one error. */
  reasonChars: 300,
} as const;

/**
 * What a name may not hold: anything but printable ASCII, and the two printable ones JSON escapes (`"`, `\`). Stripe's
 * names and codes are dotted snake_case; another character (which only a broken or hostile payload has)
 * reads `?`, so the name still counts (a requirement is still due) but costs one byte.
 */
const notNameCharacter = /[^\x20-\x7e]|["\\]/g;

/**
 * What a reason may not hold: Unicode's control characters (C0, DEL and C1, the `Cc` category; written
 * as a range, which compiles far cheaper than `\p{Cc}`). None means anything in a sentence, and JSON
 * writes most of the C0 ones as six-byte escapes. A query value is refused for the narrower C0 and DEL
 * (`hasControlCharacters` in ../http/query.ts), the ones that split headers and log lines. A reason is
 * Stripe's sentence for a person, so any other character stays: at most three bytes as UTF-8 once a
 * lone surrogate (one cut in half by the bound, or sent so) is made U+FFFD by `toWellFormed`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/g;

const boundedName = (value: unknown): string =>
  typeof value === 'string' ? value.slice(0, stateBounds.nameChars).replace(notNameCharacter, '?') : '';

const boundedText = (value: unknown, chars: number): string =>
  typeof value === 'string' ? value.slice(0, chars).toWellFormed().replace(controlCharacter, ' ') : '';

const stringList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
        .filter((item): item is string => typeof item === 'string')
        .slice(0, stateBounds.entries)
        .map(boundedName)
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
export const isStorableKey = (key: string): boolean => capabilityNamePattern.test(key) && !objectMemberNames.has(key);

const statusMap = (value: unknown): Record<string, string> =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value)
          .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && isStorableKey(entry[0]))
          .slice(0, stateBounds.entries)
          .map(([name, status]) => [name, boundedName(status)]),
      )
    : {};

const requirementErrors = (value: unknown): RequirementError[] =>
  Array.isArray(value)
    ? value
        .filter(isRecord)
        .slice(0, stateBounds.errors)
        .map((error) => ({
          requirement: boundedName(error.requirement),
          code: boundedName(error.code),
          reason: boundedText(error.reason, stateBounds.reasonChars),
        }))
    : [];

/** An account with nothing due, now or in future (what Stripe reports for a finished account). */
export const noRequirements: RequirementsSummary = {
  currentlyDue: [],
  pastDue: [],
  eventuallyDue: [],
  pendingVerification: [],
  errors: [],
  disabledReason: null,
  currentDeadline: null,
};

/** Stripe's `requirements` or `future_requirements` (both one shape; null lists read as empty). */
const requirementsSummary = (value: unknown): RequirementsSummary => {
  const due = isRecord(value) ? value : {};
  return {
    currentlyDue: stringList(due.currently_due),
    pastDue: stringList(due.past_due),
    eventuallyDue: stringList(due.eventually_due),
    pendingVerification: stringList(due.pending_verification),
    errors: requirementErrors(due.errors),
    disabledReason: typeof due.disabled_reason === 'string' ? boundedName(due.disabled_reason) : null,
    currentDeadline: isEpochSeconds(due.current_deadline) ? due.current_deadline : null,
  };
};

/** Reads the fields we keep from a Stripe Account object; undefined when it is not one. */
export const accountStateFrom = (object: Readonly<Record<string, unknown>>): AccountState | undefined => {
  const { charges_enabled, payouts_enabled, details_submitted, capabilities, requirements, future_requirements } =
    object;
  if (
    object.object !== 'account' ||
    typeof charges_enabled !== 'boolean' ||
    typeof payouts_enabled !== 'boolean' ||
    typeof details_submitted !== 'boolean'
  ) {
    return undefined;
  }
  return {
    chargesEnabled: charges_enabled,
    payoutsEnabled: payouts_enabled,
    detailsSubmitted: details_submitted,
    capabilities: statusMap(capabilities),
    requirements: requirementsSummary(requirements),
    futureRequirements: requirementsSummary(future_requirements),
  };
};
