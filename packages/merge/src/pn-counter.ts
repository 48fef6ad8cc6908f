import { assertDevice, bump, type Counts, maxCounts, sum } from './lib/records.js';
import { type Resolved, resolved } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';

/**
 * State of a PN counter: for each device, the total it has added and the
 * total it has taken away. Each device only ever raises its own entries.
 *
 * @example
 * ```ts
 * import { pnCounter, type PnCounterState } from '@tallystick/merge';
 * const counter = pnCounter();
 * const s: PnCounterState = counter.add(counter.add(counter.empty(), 'till-1', 5), 'till-2', -2);
 * counter.value(s); // 3
 * ```
 */
export interface PnCounterState {
  readonly increments: Counts;
  readonly decrements: Counts;
}

/**
 * A PN counter resolver with its operations.
 *
 * @example
 * ```ts
 * import { pnCounter } from '@tallystick/merge';
 * const c = pnCounter();
 * c.value(c.add(c.empty(), 'till-1', -2)); // -2
 * ```
 */
export interface PnCounter extends Resolver<PnCounterState, number> {
  empty(): PnCounterState;
  /** Adds `delta` (negative to subtract) on behalf of `device`. Call it on that device's own replica only. */
  add(state: PnCounterState, device: string, delta: number): PnCounterState;
  value(state: PnCounterState): number;
  resolve(state: PnCounterState): Resolved<number>;
}

/**
 * A PN counter (a pair of grow-only counters): concurrent additions from
 * different devices all count, as Automerge counters do.
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent (pointwise
 * maximum of per-device totals).
 *
 * Lacks:
 * - Operations are not idempotent: calling `add` twice for one sale counts it
 *   twice. Deduplicate operations by intent id before they reach the counter;
 *   only whole states may be delivered more than once.
 * - No bound: the value can go below zero. Use `boundedCounter` for stock.
 *
 * @throws {TypeError} from `add` if `device` is not a valid device id or `delta` not a number.
 * @throws {RangeError} from `add` if `delta` is not a safe integer.
 * @example
 * ```ts
 * import { pnCounter } from '@tallystick/merge';
 * const c = pnCounter();
 * const till1 = c.add(c.empty(), 'till-1', 5);
 * const till2 = c.add(c.empty(), 'till-2', -2);
 * c.value(c.merge(till1, till2)); // 3
 * ```
 */
export function pnCounter(): PnCounter {
  const value = (state: PnCounterState) => sum(state.increments) - sum(state.decrements);
  return {
    name: 'pn-counter',
    laws: SEMILATTICE,
    empty: () => ({ increments: {}, decrements: {} }),
    merge: (a, b) => ({
      increments: maxCounts(a.increments, b.increments),
      decrements: maxCounts(a.decrements, b.decrements),
    }),
    add(state, device, delta) {
      assertDevice(device);
      if (typeof delta !== 'number') throw new TypeError(`delta must be a number, got ${typeof delta}`);
      if (!Number.isSafeInteger(delta)) throw new RangeError(`delta must be a safe integer, got ${delta}`);
      if (delta === 0) return state;
      return delta > 0
        ? { increments: bump(state.increments, device, delta), decrements: state.decrements }
        : { increments: state.increments, decrements: bump(state.decrements, device, -delta) };
    },
    value,
    resolve: (state) => resolved(value(state)),
  };
}
