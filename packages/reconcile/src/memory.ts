import { type JsonValue, TallystickError } from '@tallystick/core';
import type {
  Checkpoint,
  GroupState,
  Ledger,
  LedgerCounts,
  LedgerTransaction,
  StoredIntent,
  Verdict,
} from './ledger.js';
import { createMutex } from './lib/mutex.js';
import { byTime, byVerdict, compareText, sortKey, verdictAt } from './lib/order.js';

interface Store {
  byId: Map<string, StoredIntent>;
  members: Map<string, StoredIntent[]>;
  states: Map<string, JsonValue>;
  verdicts: Map<string, Verdict[]>;
  /** Per group, sorted by `at`. */
  checkpoints: Map<string, Checkpoint[]>;
}

/**
 * A ledger in process memory: for tests, single-process tools and as the
 * reference the Postgres adapter is checked against. Transactions run one at a
 * time and buffer their writes, so a failed one leaves nothing behind.
 *
 * It keeps every intent it is given, so its memory grows with the ledger; use
 * the Postgres adapter for anything that must survive a restart or scale past
 * memory.
 *
 * @throws {TallystickError} `ERR_STORE` from `transaction` once the ledger is closed.
 * @example
 * ```ts
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * ```
 */
export function createMemoryLedger(): Ledger {
  const store: Store = {
    byId: new Map(),
    members: new Map(),
    states: new Map(),
    verdicts: new Map(),
    checkpoints: new Map(),
  };
  const exclusive = createMutex();
  let closed = false;

  const fingerprints = async (ids: readonly string[]) => {
    const out = new Map<string, string>();
    for (const id of ids) {
      const found = store.byId.get(id);
      if (found) out.set(id, found.fingerprint);
    }
    return out;
  };

  return {
    name: 'memory',
    fingerprints,
    transaction(work) {
      if (closed) return Promise.reject(new TallystickError('ERR_STORE', 'the memory ledger is closed'));
      return exclusive(async () => {
        const tx = openTransaction(store);
        const result = await work(tx.api);
        tx.commit();
        return result;
      });
    },
    async counts(): Promise<LedgerCounts> {
      const byType: Record<string, number> = {};
      for (const intent of store.byId.values()) byType[intent.type] = (byType[intent.type] ?? 0) + 1;
      return { intents: store.byId.size, byType: sortRecord(byType) };
    },
    async *verdicts() {
      const all: Verdict[] = [];
      for (const list of store.verdicts.values()) all.push(...list);
      yield* all.sort(byVerdict);
    },
    async *states() {
      const keys = [...store.states.keys()].sort(compareText);
      for (const key of keys) yield { key, state: store.states.get(key)! } satisfies GroupState;
    },
    async close() {
      closed = true;
    },
  };
}

function openTransaction(store: Store): { api: LedgerTransaction; commit(): void } {
  const inserted = new Map<string, StoredIntent>();
  const states = new Map<string, JsonValue>();
  const verdicts = new Map<string, Verdict[]>();
  // Copy a group's verdicts on first touch, so the store stays as it was until commit.
  const touch = (key: string) => {
    let list = verdicts.get(key);
    if (!list) verdicts.set(key, (list = [...(store.verdicts.get(key) ?? [])]));
    return list;
  };
  const intentOf = (id: string) => inserted.get(id) ?? store.byId.get(id);
  const checkpoints = new Map<string, Checkpoint[]>();
  const checkpointsOf = (key: string) => checkpoints.get(key) ?? store.checkpoints.get(key) ?? [];

  const api: LedgerTransaction = {
    async fingerprints(ids) {
      const out = new Map<string, string>();
      for (const id of ids) {
        const found = intentOf(id);
        if (found) out.set(id, found.fingerprint);
      }
      return out;
    },
    async insertIntents(intents) {
      const fresh = new Set<string>();
      for (const intent of intents) {
        if (intentOf(intent.id)) continue;
        inserted.set(intent.id, intent);
        fresh.add(intent.id);
      }
      return fresh;
    },
    async lockGroups() {
      // Transactions already run one at a time.
    },
    async loadStates(keys) {
      const out = new Map<string, JsonValue>();
      for (const key of keys) {
        const state = states.get(key) ?? store.states.get(key);
        if (state !== undefined) out.set(key, state);
      }
      return out;
    },
    async saveStates(list) {
      for (const { key, state } of list) states.set(key, state);
    },
    async loadGroups(stateKeys, memberKeys) {
      return { states: await api.loadStates(stateKeys), members: await api.loadMembers(memberKeys) };
    },
    async loadMembers(keys) {
      const wanted = new Set(keys);
      // A refund is filed under its SKU and its sale: return it once even if both are asked for.
      const out = new Map<string, StoredIntent>();
      for (const key of wanted) for (const intent of store.members.get(key) ?? []) out.set(intent.id, intent);
      for (const intent of inserted.values()) {
        if (wanted.has(intent.group) || (intent.group2 !== null && wanted.has(intent.group2)))
          out.set(intent.id, intent);
      }
      return [...out.values()];
    },
    async loadIntents(ids) {
      return ids.map(intentOf).filter((i): i is StoredIntent => i !== undefined);
    },
    async clearVerdicts(keys) {
      const removed: Verdict[] = [];
      for (const key of new Set(keys)) removed.push(...touch(key).splice(0));
      return removed;
    },
    async addVerdicts(list) {
      for (const verdict of list) touch(verdict.group).push(verdict);
    },
    async loadCheckpoints(before) {
      const out = new Map<string, Checkpoint>();
      for (const { key, at } of before) {
        const list = checkpointsOf(key);
        let found: Checkpoint | undefined;
        for (let i = list.length - 1; i >= 0 && !found; i--) if (list[i]!.at < at) found = list[i];
        if (found) out.set(key, found);
      }
      return out;
    },
    async saveCheckpoints(after, list) {
      for (const { key, at } of after)
        checkpoints.set(
          key,
          checkpointsOf(key).filter((c) => c.at <= at),
        );
      for (const { key, at, state } of list) {
        const kept = checkpointsOf(key).filter((c) => c.at !== at);
        kept.push({ at, state });
        checkpoints.set(
          key,
          kept.sort((a, b) => compareText(a.at, b.at)),
        );
      }
    },
    async loadMembersAfter(after) {
      const out: StoredIntent[] = [];
      for (const { key, at } of after) {
        const list = store.members.get(key) ?? [];
        for (let i = firstAfter(list, at); i < list.length; i++)
          if (list[i]!.group === key) out.push(list[i]!);
        for (const intent of inserted.values())
          if (intent.group === key && sortKey(intent) > at) out.push(intent);
      }
      return out;
    },
    async clearVerdictsAfter(after) {
      const removed: Verdict[] = [];
      for (const { key, at } of after) {
        const list = touch(key);
        const keep = list.filter((v) => verdictAt(v) <= at);
        removed.push(...list.filter((v) => verdictAt(v) > at));
        list.splice(0, list.length, ...keep);
      }
      return removed;
    },
  };

  // Members stay in time order (nearly always a push), so a late intent finds what follows by bisection.
  const file = (key: string, intent: StoredIntent) => {
    const list = store.members.get(key);
    if (!list) store.members.set(key, [intent]);
    else if (byTime(list[list.length - 1]!, intent) < 0) list.push(intent);
    else list.splice(firstAfter(list, sortKey(intent)), 0, intent);
  };

  return {
    api,
    commit() {
      for (const intent of inserted.values()) {
        store.byId.set(intent.id, intent);
        file(intent.group, intent);
        if (intent.group2 !== null) file(intent.group2, intent);
      }
      for (const [key, state] of states) store.states.set(key, state);
      for (const [key, list] of checkpoints) store.checkpoints.set(key, list);
      for (const [key, list] of verdicts) {
        if (list.length === 0) store.verdicts.delete(key);
        else store.verdicts.set(key, list);
      }
    },
  };
}

/** The index of the first intent of a time-ordered list whose sort key is after `at`. */
function firstAfter(list: readonly StoredIntent[], at: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortKey(list[mid]!) > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sortRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
