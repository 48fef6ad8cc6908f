import type { JsonValue } from '@tallystick/core';
import type { Suggestion } from '@tallystick/merge';
import type { ConflictKind } from './conflicts.js';
import type { IntentType } from './intents.js';

/**
 * An intent as the ledger keeps it: validated, fingerprinted and filed under
 * the group whose outcome it can change (`sku:<sku>`, `token:<token id>`,
 * `intent:<id>`), and for refunds also under their sale's refunds
 * (`refunds:<sale id>:<sku>`).
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type StoredIntent } from '@tallystick/reconcile';
 * const ledger = createMemoryLedger();
 * const none: StoredIntent[] = await ledger.transaction((tx) => tx.loadMembers(['sku:apple'])); // []
 * ```
 */
export interface StoredIntent {
  readonly id: string;
  readonly type: IntentType;
  readonly device: string;
  /** Encoded HLC stamp; text order is time order. */
  readonly hlc: string;
  readonly group: string;
  readonly group2: string | null;
  /** Hash of the intent's canonical JSON, to tell a replay from an id reused for other content. */
  readonly fingerprint: string;
  readonly payload: JsonValue;
  /** Facts established once on arrival (a redemption's verification), or null. */
  readonly facts: JsonValue;
}

/**
 * The outcome of one conflict on one intent: settled by a rule or waiting for
 * a person. Verdicts are derived data: the engine recomputes a group's verdicts
 * whenever an intent arrives that changes them.
 *
 * @example
 * ```ts
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { Verdict } from '@tallystick/reconcile';
 * await reconciler.apply(sold);
 * const open: readonly Verdict[] = (await reconciler.report()).review; // [{ kind: 'oversell', status: 'review', ... }]
 * ```
 */
export interface Verdict {
  readonly intentId: string;
  readonly group: string;
  readonly kind: ConflictKind;
  readonly status: 'resolved' | 'review';
  /** The rule that resolved it, or `review`. */
  readonly rule: string;
  readonly reason: string;
  readonly suggestions: readonly Suggestion[];
  /** The conflict's facts, as JSON. */
  readonly detail: JsonValue;
}

/**
 * A group's folded state (stock, holds, price), kept so that intents arriving
 * in time order extend it instead of recomputing the group.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type GroupState } from '@tallystick/reconcile';
 * const states: GroupState[] = [];
 * for await (const g of createMemoryLedger().states()) states.push(g); // { key: 'sku:apple', state: ... } per group
 * ```
 */
export interface GroupState {
  readonly key: string;
  readonly state: JsonValue;
}

/**
 * A group's folded state just after the intent whose sort key (`hlc + ' ' + id`)
 * is `at`. Checkpoints are a cache: a late intent refolds its group from the
 * last checkpoint before it instead of from the start, so they never change a
 * result and any of them may be missing.
 *
 * @example
 * ```ts
 * import { type Checkpoint, createMemoryLedger } from '@tallystick/reconcile';
 * const ledger = createMemoryLedger();
 * const found: Map<string, Checkpoint> = await ledger.transaction((tx) => tx.loadCheckpoints([{ key: 'sku:apple', at: 'z' }]));
 * found.size; // 0: no checkpoint yet
 * ```
 */
export interface Checkpoint {
  readonly at: string;
  readonly state: JsonValue;
}

/**
 * A group and a position in it (a sort key; `''` is before everything).
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type GroupPosition } from '@tallystick/reconcile';
 * const whole: GroupPosition = { key: 'sku:apple', at: '' }; // from the start of the group
 * await createMemoryLedger().transaction((tx) => tx.loadMembersAfter([whole])); // []
 * ```
 */
export interface GroupPosition {
  readonly key: string;
  readonly at: string;
}

/**
 * Counts of the intents a ledger holds.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type LedgerCounts } from '@tallystick/reconcile';
 * const c: LedgerCounts = await createMemoryLedger().counts(); // { intents: 0, byType: {} }
 * ```
 */
export interface LedgerCounts {
  readonly intents: number;
  readonly byType: Readonly<Record<string, number>>;
}

/**
 * The storage operations the engine needs inside one atomic unit of work. Every
 * adapter runs the shared contract suite in the package's tests.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type LedgerTransaction } from '@tallystick/reconcile';
 * const has = async (tx: LedgerTransaction, id: string) => (await tx.fingerprints([id])).has(id);
 * await createMemoryLedger().transaction((tx) => has(tx, '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f')); // false
 * ```
 */
export interface LedgerTransaction {
  /** Fingerprints of the given ids that the ledger holds. */
  fingerprints(ids: readonly string[]): Promise<Map<string, string>>;
  /** Stores intents whose id is new and returns those ids; an existing id is left untouched. */
  insertIntents(intents: readonly StoredIntent[]): Promise<Set<string>>;
  /** Holds the groups exclusively until the transaction ends (across processes, for shared stores). */
  lockGroups(keys: readonly string[]): Promise<void>;
  loadStates(keys: readonly string[]): Promise<Map<string, JsonValue>>;
  /** `loadStates(stateKeys)` and `loadMembers(memberKeys)` at once: one round trip for a database. */
  loadGroups(
    stateKeys: readonly string[],
    memberKeys: readonly string[],
  ): Promise<{ states: Map<string, JsonValue>; members: StoredIntent[] }>;
  saveStates(states: readonly GroupState[]): Promise<void>;
  /** Every intent filed under one of `keys`, as `group` or `group2`, in no particular order. */
  loadMembers(keys: readonly string[]): Promise<StoredIntent[]>;
  loadIntents(ids: readonly string[]): Promise<StoredIntent[]>;
  /** Deletes every verdict of these groups and returns what was deleted. */
  clearVerdicts(keys: readonly string[]): Promise<Verdict[]>;
  addVerdicts(verdicts: readonly Verdict[]): Promise<void>;
  /** For each group, its latest checkpoint strictly before `at`, if any. */
  loadCheckpoints(before: readonly GroupPosition[]): Promise<Map<string, Checkpoint>>;
  /** Drops each group's checkpoints after `at`, then stores the given ones. */
  saveCheckpoints(
    after: readonly GroupPosition[],
    checkpoints: readonly (Checkpoint & { readonly key: string })[],
  ): Promise<void>;
  /** Every intent whose `group` (not `group2`) is `key` and whose sort key is after `at`, in no particular order. */
  loadMembersAfter(after: readonly GroupPosition[]): Promise<StoredIntent[]>;
  /** Deletes and returns the verdicts of each group on intents whose sort key is after `at`. */
  clearVerdictsAfter(after: readonly GroupPosition[]): Promise<Verdict[]>;
}

/**
 * Where reconciled intents and their verdicts live. Adapters: memory
 * ({@link createMemoryLedger}) and Postgres (`@tallystick/reconcile/postgres`,
 * with PGlite as the embedded default in `@tallystick/reconcile/pglite`).
 *
 * @example
 * ```ts
 * import { createMemoryLedger } from '@tallystick/reconcile';
 * const ledger = createMemoryLedger();
 * await ledger.counts(); // { intents: 0, byType: {} }
 * ```
 */
export interface Ledger {
  readonly name: string;
  /** Runs `work` atomically: all of its writes or none. Rethrows what `work` throws. */
  transaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T>;
  /** Fingerprints of the given ids, read outside any transaction (a hint; the transaction decides). */
  fingerprints(ids: readonly string[]): Promise<Map<string, string>>;
  counts(): Promise<LedgerCounts>;
  /** Every verdict, sorted by intent id, kind, then group. */
  verdicts(): AsyncIterable<Verdict>;
  /** Every group state, sorted by key. */
  states(): AsyncIterable<GroupState>;
  close(): Promise<void>;
}
