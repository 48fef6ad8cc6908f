import { quantileSearch } from './lib/quantile-search.js';
import { assertMean, assertObject, assertProbability } from './lib/validate.js';

/**
 * Options for {@link poissonQuantile}.
 *
 * @example
 * ```ts
 * import { type PoissonQuantileOptions, poissonQuantile } from '@tallystick/reserve';
 * const upper: PoissonQuantileOptions = { lowerTail: false };
 * poissonQuantile(0.05, 60, upper); // the demand exceeded with probability 5 %
 * ```
 */
export interface PoissonQuantileOptions {
  /**
   * `true` (the default): `p` is a lower-tail probability and the answer is
   * the smallest k with P(X ≤ k) ≥ p. `false`: `p` is an upper-tail
   * probability and the answer is the smallest k with P(X > k) ≤ p — the form
   * to use for small risks such as ε = 1e-12, which 1 − ε cannot represent.
   */
  lowerTail?: boolean;
}

/**
 * The Poisson quantile: the smallest integer k ≥ 0 with P(X ≤ k) ≥ p for
 * X ~ Poisson(μ) (or, with `lowerTail: false`, with P(X > k) ≤ p).
 *
 * As R's `qpois` does, it starts from the Cornish–Fisher guess
 * k₀ = round(μ + σ·(z + (z² − 1)/(6σ))), with σ = √μ and z the normal
 * quantile, which is usually right or one off, then steps (galloping, then
 * bisecting if the guess was far, as it can be for tails below 1e-100) until
 * the defining inequality holds at k and fails at k − 1. Every comparison
 * uses exactly the values {@link poissonCdf} (or {@link poissonSurvival})
 * return, so `poissonQuantile(poissonCdf(k, mu), mu) === k` wherever
 * the cdf steps up at k.
 *
 * Edges: μ = 0 gives 0; p = 0 gives 0 and p = 1 gives Infinity (lower tail),
 * and the reverse for the upper tail.
 *
 * @param p - a probability in [0, 1].
 * @param mu - the mean μ ≥ 0.
 * @throws {TypeError} if `p` or `mu` is not a number or `options` is not an object.
 * @throws {RangeError} if `p` is outside [0, 1] or NaN, or `mu` is NaN, negative, infinite or
 * above {@link POISSON_MAX_MEAN}.
 * @throws {TallystickError} `ERR_RESERVE` if an expansion fails to converge: a guard no tested input reaches.
 * @example
 * ```ts
 * import { poissonQuantile } from '@tallystick/reserve';
 * poissonQuantile(0.9, 4); // 7
 * poissonQuantile(0.1, 200); // 182
 * poissonQuantile(0.05, 60, { lowerTail: false }); // 73: P(X > 73) ≤ 5%
 * ```
 */
export function poissonQuantile(p: number, mu: number, options?: PoissonQuantileOptions): number {
  assertProbability(p, 'p');
  assertMean(mu);
  let lowerTail = true;
  if (options !== undefined) {
    assertObject(options, 'options');
    if (options.lowerTail !== undefined && typeof options.lowerTail !== 'boolean') {
      throw new TypeError('options.lowerTail must be a boolean');
    }
    lowerTail = options.lowerTail ?? true;
  }
  if (mu === 0) return 0;
  if (p === (lowerTail ? 0 : 1)) return 0;
  if (p === (lowerTail ? 1 : 0)) return Number.POSITIVE_INFINITY;
  return quantileSearch(p, mu, lowerTail);
}
