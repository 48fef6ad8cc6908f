import type { Resolution } from './resolution.js';

/**
 * The algebraic laws a resolver's `merge` obeys, stated so callers can rely on
 * them and tests can check them:
 *
 * - `commutative`: `merge(a, b)` equals `merge(b, a)`.
 * - `associative`: `merge(merge(a, b), c)` equals `merge(a, merge(b, c))`.
 * - `idempotent`: `merge(a, a)` equals `a`, so a state delivered twice changes nothing.
 * - `convergent`: folding any arrival order of the same states, with any
 *   repetitions, gives the same state.
 *
 * A resolver with all four is a join semilattice (a state-based CRDT): replicas
 * that have seen the same states agree, whatever the network did.
 *
 * @example
 * ```ts
 * import { lastWriterWins, type ResolverLaws } from '@tallystick/merge';
 * const laws: ResolverLaws = lastWriterWins<number>().laws;
 * laws.convergent; // true: replicas that saw the same writes agree
 * ```
 */
export interface ResolverLaws {
  readonly commutative: boolean;
  readonly associative: boolean;
  readonly idempotent: boolean;
  readonly convergent: boolean;
}

/**
 * A pure, deterministic merge of replica states plus a reading of the merged
 * state that either settles on a value or asks for review.
 *
 * `merge` must be total on the states the resolver's own operations produce;
 * `resolve` decides what the merged state means (for example, a set of
 * concurrent prices that disagree goes to a person).
 *
 * @example
 * ```ts
 * import { max, mergeAll } from '@tallystick/merge';
 * const highest = max();
 * highest.resolve(mergeAll(highest, [3, 9, 4])); // { value: 9 }
 * ```
 */
export interface Resolver<S, V = S> {
  /** A stable name, recorded in reports as the rule that settled a conflict. */
  readonly name: string;
  readonly laws: ResolverLaws;
  merge(a: S, b: S): S;
  resolve(state: S): Resolution<V>;
  /** The identity of `merge`, where one exists (an empty counter or set). */
  empty?(): S;
}

/**
 * All four laws hold: a join semilattice. Every built-in resolver claims this.
 *
 * @example
 * ```ts
 * import { mergeAll, SEMILATTICE, type Resolver } from '@tallystick/merge';
 * const keepLonger: Resolver<string> = {
 *   name: 'longest',
 *   laws: SEMILATTICE,
 *   merge: (a, b) => (a.length !== b.length ? (a.length > b.length ? a : b) : a > b ? a : b),
 *   resolve: (s) => ({ value: s }),
 * };
 * mergeAll(keepLonger, ['ab', 'abc', 'b']); // 'abc'
 * ```
 */
export const SEMILATTICE: ResolverLaws = Object.freeze({
  commutative: true,
  associative: true,
  idempotent: true,
  convergent: true,
});

/**
 * Folds states with `resolver.merge`, in the order given. For a convergent
 * resolver the order does not matter.
 *
 * @throws {RangeError} if `states` is empty and the resolver has no `empty()`.
 * @example
 * ```ts
 * import { min, mergeAll } from '@tallystick/merge';
 * mergeAll(min(), [5, 2, 8]); // 2
 * ```
 */
export function mergeAll<S, V>(resolver: Resolver<S, V>, states: Iterable<S>): S {
  let acc: S | undefined;
  let seen = false;
  for (const state of states) {
    acc = seen ? resolver.merge(acc as S, state) : state;
    seen = true;
  }
  if (seen) return acc as S;
  if (resolver.empty) return resolver.empty();
  throw new RangeError(`states must not be empty: ${resolver.name} has no identity state`);
}

/**
 * Merges states and reads the result in one step.
 *
 * @throws {RangeError} as {@link mergeAll}.
 * @example
 * ```ts
 * import { lastWriterWins, resolveAll, versioned } from '@tallystick/merge';
 * const price = lastWriterWins<number>();
 * resolveAll(price, [
 *   versioned(120, '0000000000010000-hq', 'hq'),
 *   versioned(150, '0000000000020000-hq', 'hq'),
 * ]); // { value: 150 }
 * ```
 */
export function resolveAll<S, V>(resolver: Resolver<S, V>, states: Iterable<S>): Resolution<V> {
  return resolver.resolve(mergeAll(resolver, states));
}
