import { type Resolved, resolved } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';

/**
 * A resolver over plain numbers.
 *
 * @example
 * ```ts
 * import { max, type NumberResolver } from '@tallystick/merge';
 * const r: NumberResolver = max();
 * ```
 */
export interface NumberResolver extends Resolver<number, number> {
  resolve(state: number): Resolved<number>;
}

function check(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  // NaN compares false with everything, which would break every law below.
  if (Number.isNaN(value)) throw new RangeError(`${name} must not be NaN`);
  // -0 is left alone: Math.max/min already order it below +0, and folding it to 0
  // would make merge(-0, -0) differ from -0, breaking idempotence.
  return value;
}

/**
 * Keeps the largest value: the high-water mark of a receipt number, the latest
 * closing time seen.
 *
 * Laws: commutative, associative, idempotent, convergent.
 *
 * Lacks: it cannot go down. A value that must decrease needs another resolver
 * (a counter, or a register with a later stamp).
 *
 * @throws {TypeError} from `merge` if a state is not a number; {RangeError} if it is NaN.
 * @example
 * ```ts
 * import { max } from '@tallystick/merge';
 * max().merge(3, 7); // 7
 * ```
 */
export function max(): NumberResolver {
  return {
    name: 'max',
    laws: SEMILATTICE,
    merge: (a, b) => Math.max(check(a, 'a'), check(b, 'b')),
    resolve: (state) => resolved(check(state, 'state')),
  };
}

/**
 * Keeps the smallest value: the earliest opening time, the lowest price a
 * customer was quoted.
 *
 * Laws: commutative, associative, idempotent, convergent.
 *
 * Lacks: it cannot go up.
 *
 * @throws {TypeError} from `merge` if a state is not a number; {RangeError} if it is NaN.
 * @example
 * ```ts
 * import { min } from '@tallystick/merge';
 * min().merge(3, 7); // 3
 * ```
 */
export function min(): NumberResolver {
  return {
    name: 'min',
    laws: SEMILATTICE,
    merge: (a, b) => Math.min(check(a, 'a'), check(b, 'b')),
    resolve: (state) => resolved(check(state, 'state')),
  };
}
