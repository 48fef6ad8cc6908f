import { assertInteger, assertObject, assertString, describe } from './lib/validate.js';

/**
 * The replicated state of a bounded counter (Balegas et al. 2015, "Extending
 * eventually consistent cloud databases for enforcing numeric invariants"):
 * `p[i][j]` is the total rights replica i ever gave to j (`p[i][i]`: stock i
 * added), `d[i]` the total i ever sold. Every entry only grows and only its
 * owner (the row's replica) changes it, so merging is an entry-wise maximum.
 * Plain JSON, for syncing between terminals and the server.
 *
 * @example
 * ```ts
 * import { type BoundedCounterState, createBoundedCounter } from '@tallystick/reserve';
 * const server = createBoundedCounter('server');
 * server.increment(100);
 * server.transfer('server', 'till-1', 40);
 * const state: BoundedCounterState = server.state(); // what the server sends the till
 * createBoundedCounter('till-1', state).rights(); // 40
 * ```
 */
export interface BoundedCounterState {
  readonly p: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly d: Readonly<Record<string, number>>;
}

/**
 * The outcome of an operation that spends rights. Refusal is an ordinary
 * result, not an exception: running out of rights is expected offline.
 *
 * @example
 * ```ts
 * declare const r: EscrowResult;
 * if (!r.ok) console.log(`only ${r.rights} left`);
 * ```
 */
export type EscrowResult =
  | { readonly ok: true; readonly rights: number }
  | {
      readonly ok: false;
      readonly reason: 'insufficient-rights';
      readonly rights: number;
      readonly requested: number;
    };

/**
 * One replica's view of a bounded counter: stock that may never go below zero
 * although replicas sell without talking to each other (the demarcation
 * protocol). Each replica may spend only its own rights, so however
 * operations and merges interleave, the total sold never exceeds the stock.
 * Running out of rights is a result (`ok: false`); only misuse throws: a
 * count that is not an integer ≥ 1 (`RangeError`), a `transfer` from another
 * replica or to itself (`RangeError`), or a malformed state (`TypeError` /
 * `RangeError`).
 *
 * @example
 * ```ts
 * declare const till: BoundedCounter;
 * const sale = till.decrement(1);
 * ```
 */
export interface BoundedCounter {
  readonly replica: string;
  /** Stock added minus stock sold, as far as this replica knows. */
  value(): number;
  /** Σⱼ p[j][i] − Σⱼ≠ᵢ p[i][j] − d[i]: what replica i may still sell or give away (default: this one). */
  rights(replica?: string): number;
  /** Adds n units of new stock, owned by this replica. */
  increment(n: number): void;
  /** Sells n units if this replica has the rights; the value then drops by n. */
  decrement(n: number): EscrowResult;
  /** Gives n of `from`'s rights to `to`; `from` must be this replica and hold them. */
  transfer(from: string, to: string, n: number): EscrowResult;
  /** Folds in another replica's state (commutative, associative, idempotent). */
  merge(state: BoundedCounterState): void;
  /** A JSON-safe copy of the state, to send to other replicas. */
  state(): BoundedCounterState;
}

/**
 * Creates a bounded-counter replica named `replica`, optionally from a saved
 * or received state.
 *
 * @throws {TypeError} if `replica` is not a string or `initial` is malformed.
 * @throws {RangeError} if `replica` is empty or a state entry is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { createBoundedCounter } from '@tallystick/reserve';
 * const server = createBoundedCounter('server');
 * server.increment(100);
 * server.transfer('server', 'till-1', 40); // { ok: true, rights: 60 }
 * const till = createBoundedCounter('till-1', server.state());
 * till.decrement(41); // { ok: false, reason: 'insufficient-rights', rights: 40, requested: 41 }
 * till.decrement(3); // { ok: true, rights: 37 }
 * server.merge(till.state());
 * server.value(); // 97
 * ```
 */
export function createBoundedCounter(replica: string, initial?: BoundedCounterState): BoundedCounter {
  assertString(replica, 'replica');
  const p = new Map<string, Map<string, number>>();
  const d = new Map<string, number>();
  const row = (from: string): Map<string, number> => {
    let r = p.get(from);
    if (r === undefined) p.set(from, (r = new Map()));
    return r;
  };
  const rights = (id: string): number => {
    let total = -(d.get(id) ?? 0);
    for (const [from, r] of p) {
      if (from !== id) total += r.get(id) ?? 0;
    }
    for (const [to, n] of p.get(id) ?? []) total += to === id ? n : -n;
    return total;
  };
  const add = (map: Map<string, number>, key: string, n: number): void => {
    const next = (map.get(key) ?? 0) + n;
    if (!Number.isSafeInteger(next)) throw new RangeError('bounded counter entry exceeds 2^53 - 1');
    map.set(key, next);
  };
  const spend = (n: number, apply: () => void): EscrowResult => {
    assertInteger(n, 'n', 1);
    const available = rights(replica);
    if (n > available) return { ok: false, reason: 'insufficient-rights', rights: available, requested: n };
    apply();
    return { ok: true, rights: available - n };
  };
  const counter: BoundedCounter = {
    replica,
    value() {
      let total = 0;
      for (const [from, r] of p) total += r.get(from) ?? 0;
      for (const n of d.values()) total -= n;
      return total;
    },
    rights(id = replica) {
      assertString(id, 'replica');
      return rights(id);
    },
    increment(n) {
      assertInteger(n, 'n', 1);
      add(row(replica), replica, n);
    },
    decrement(n) {
      return spend(n, () => add(d, replica, n));
    },
    transfer(from, to, n) {
      assertString(from, 'from');
      assertString(to, 'to');
      if (from !== replica) {
        throw new RangeError(
          `from must be this replica ("${replica}"): only the holder can give rights away`,
        );
      }
      if (to === from) throw new RangeError('to must differ from from');
      return spend(n, () => add(row(from), to, n));
    },
    merge(state) {
      const incoming = readState(state);
      for (const [from, r] of incoming.p) {
        const mine = row(from);
        for (const [to, n] of r) if (n > (mine.get(to) ?? 0)) mine.set(to, n);
      }
      for (const [id, n] of incoming.d) if (n > (d.get(id) ?? 0)) d.set(id, n);
    },
    state() {
      const out: Record<string, Record<string, number>> = {};
      for (const [from, r] of p) out[from] = Object.fromEntries(r);
      return { p: out, d: Object.fromEntries(d) };
    },
  };
  if (initial !== undefined) counter.merge(initial);
  return counter;
}

/** Validates a received state before any of it is applied, so a bad one changes nothing. */
function readState(state: unknown): { p: Map<string, Map<string, number>>; d: Map<string, number> } {
  assertObject(state, 'state');
  assertObject(state.p, 'state.p');
  assertObject(state.d, 'state.d');
  const p = new Map<string, Map<string, number>>();
  for (const [from, r] of Object.entries(state.p)) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new TypeError(`state.p["${from}"] must be an object, got ${describe(r)}`);
    }
    const entries = new Map<string, number>();
    for (const [to, n] of Object.entries(r)) {
      assertInteger(n, `state.p["${from}"]["${to}"]`);
      entries.set(to, n);
    }
    p.set(from, entries);
  }
  const d = new Map<string, number>();
  for (const [id, n] of Object.entries(state.d)) {
    assertInteger(n, `state.d["${id}"]`);
    d.set(id, n);
  }
  return { p, d };
}
