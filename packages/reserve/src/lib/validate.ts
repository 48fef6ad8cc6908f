/**
 * Argument checks shared by every public function. Wrong types are
 * `TypeError`s and wrong values `RangeError`s, and every message starts with
 * the argument's name so a caller can tell which field of an options object
 * was at fault without reading the stack.
 */

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

export function assertNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (Number.isNaN(value)) throw new RangeError(`${name} must not be NaN`);
}

/** A finite number ≥ 0: rates, means. */
export function assertNonNegative(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
}

/** A safe integer in [min, max]: stock, units, milliseconds, minor units. */
export function assertInteger(
  value: unknown,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  assertNumber(value, name);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** A probability strictly inside (0, 1), such as a tolerated stockout risk ε. */
export function assertOpenProbability(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!(value > 0 && value < 1))
    throw new RangeError(`${name} must be in the open interval (0, 1), got ${value}`);
}

/** A probability in the closed interval [0, 1]. */
export function assertProbability(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
}

export function assertString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${name} must not be empty`);
}

export function assertObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
}

export function assertArray(value: unknown, name: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, got ${describe(value)}`);
}

/** Rates per hour, each finite and ≥ 0; returns their sum. */
export function sumRates(value: unknown, name: string): number {
  assertArray(value, name);
  let total = 0;
  for (let i = 0; i < value.length; i++) {
    const rate = value[i];
    assertNonNegative(rate, `${name}[${i}]`);
    total += rate;
  }
  if (!Number.isFinite(total)) throw new RangeError(`${name} must sum to a finite number`);
  return total;
}

export const MS_PER_HOUR = 3_600_000;

/**
 * The largest Poisson mean the distribution functions accept. Their cost grows
 * like √μ near the centre, so the bound keeps a typo from hanging a terminal
 * while leaving room far beyond any market: a billion sales in one window.
 *
 * @example
 * ```ts
 * import { POISSON_MAX_MEAN, poissonCdf } from '@tallystick/reserve';
 * poissonCdf(10, POISSON_MAX_MEAN); // 0: the largest mean accepted; a larger one throws RangeError
 * ```
 */
export const POISSON_MAX_MEAN = 1e9;

/** A Poisson mean: finite, ≥ 0 and at most {@link POISSON_MAX_MEAN}. */
export function assertMean(mu: unknown, name = 'mu'): asserts mu is number {
  assertNonNegative(mu, name);
  if (mu > POISSON_MAX_MEAN) throw new RangeError(`${name} must be at most ${POISSON_MAX_MEAN}, got ${mu}`);
}
