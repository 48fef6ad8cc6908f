import { type Resolved, resolved } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';
import { compareVersioned, type Versioned } from './versioned.js';

/**
 * A register resolver: its state is a {@link Versioned} value and its reading
 * always settles on that value.
 *
 * @example
 * ```ts
 * import { lastWriterWins, type Register } from '@tallystick/merge';
 * const price: Register<number> = lastWriterWins<number>();
 * ```
 */
export interface Register<T> extends Resolver<Versioned<T>, T> {
  resolve(state: Versioned<T>): Resolved<T>;
}

/**
 * Last-writer-wins register: the write with the greatest HLC stamp wins; equal
 * stamps are broken by device id (then node id, then the value itself), so
 * every replica picks the same winner.
 *
 * Laws: commutative, associative, idempotent, convergent (it is `max` over a
 * total order).
 *
 * Lacks:
 * - It keeps one write and silently drops every concurrent one. Fine for a
 *   price list edited at head office; never for money a customer handed over.
 * - A device whose clock runs fast wins more than its share. HLC bounds the
 *   drift it accepts, but within that bound the fast clock wins.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` from `merge` only when two writes tie on
 * stamp and device and a value is not JSON (see {@link compareVersioned}).
 * @example
 * ```ts
 * import { lastWriterWins, versioned } from '@tallystick/merge';
 * const lww = lastWriterWins<number>();
 * const winner = lww.merge(
 *   versioned(120, '0000000000010000-hq', 'hq'),
 *   versioned(99, '0000000000010000-till-7', 'till-7'),
 * );
 * lww.resolve(winner); // { value: 99 }: same time, 'till-7' > 'hq'
 * ```
 */
export function lastWriterWins<T>(): Register<T> {
  return {
    name: 'last-writer-wins',
    laws: SEMILATTICE,
    merge: (a, b) => (compareVersioned(a, b) >= 0 ? a : b),
    resolve: (state) => resolved(state.value),
  };
}

/**
 * First-writer-wins register: the write with the smallest HLC stamp wins, ties
 * broken as in {@link lastWriterWins}. This is the rule for single-use things:
 * the first redemption of a voucher is the one that counts.
 *
 * Laws: commutative, associative, idempotent, convergent (it is `min` over a
 * total order).
 *
 * Lacks:
 * - Stability. A write stamped earlier that arrives late (a terminal that was
 *   offline) takes over, so a winner read before every device has reported
 *   can still change. Report provisional winners as provisional.
 * - Like last-writer-wins it drops the losers; callers that must act on them
 *   (refund, charge back) have to look at every write, not just the winner.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` as {@link lastWriterWins}.
 * @example
 * ```ts
 * import { firstWriterWins, mergeAll, versioned } from '@tallystick/merge';
 * const fww = firstWriterWins<string>();
 * const state = mergeAll(fww, [
 *   versioned('till-2 redeemed', '0000000000020000-till-2', 'till-2'),
 *   versioned('till-1 redeemed', '0000000000010000-till-1', 'till-1'),
 * ]);
 * fww.resolve(state); // { value: 'till-1 redeemed' }
 * ```
 */
export function firstWriterWins<T>(): Register<T> {
  return {
    name: 'first-writer-wins',
    laws: SEMILATTICE,
    merge: (a, b) => (compareVersioned(a, b) <= 0 ? a : b),
    resolve: (state) => resolved(state.value),
  };
}
