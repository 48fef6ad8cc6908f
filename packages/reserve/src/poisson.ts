import {
  lowerContinuedFraction,
  poissonTail,
  tailLog,
  tailValue,
  upperIsDirect,
  upperSeries,
} from './lib/incomplete-gamma.js';
import { logPmfRaw } from './lib/log-pmf.js';
import { assertMean, assertNumber, POISSON_MAX_MEAN } from './lib/validate.js';

export { POISSON_MAX_MEAN };

/**
 * ln P(X = k) for X ~ Poisson(μ), accurate to a few ulps even where the
 * probability itself underflows (`poissonLogPmf(0, 1e6)` is −1e6).
 *
 * @param k - the count; a non-integer or negative k has probability 0 (−Infinity).
 * @param mu - the mean μ ≥ 0.
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @example
 * ```ts
 * import { poissonLogPmf } from '@tallystick/reserve';
 * poissonLogPmf(1000, 1000); // ≈ -4.3729 (P ≈ 0.012615)
 * ```
 */
export function poissonLogPmf(k: number, mu: number): number {
  assertNumber(k, 'k');
  assertMean(mu);
  if (k < 0 || !Number.isInteger(k)) return Number.NEGATIVE_INFINITY;
  return logPmfRaw(k, mu);
}

/**
 * P(X = k) for X ~ Poisson(μ), computed in log space (Loader's saddle-point
 * form), so `poissonPmf(1000, 1000)` is 0.0126 and not 0 from `exp(-1000)`.
 *
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @example
 * ```ts
 * import { poissonPmf } from '@tallystick/reserve';
 * poissonPmf(2, 4); // ≈ 0.1465251 (8·e⁻⁴)
 * ```
 */
export function poissonPmf(k: number, mu: number): number {
  return Math.exp(poissonLogPmf(k, mu));
}

/**
 * The cumulative distribution P(X ≤ k) for X ~ Poisson(μ), as the regularized
 * upper incomplete gamma Q(⌊k⌋ + 1, μ). Accurate to about 1e-13 relative
 * across μ ∈ [0, 10⁹], including lower tails far below 1e-300 (use
 * {@link poissonLogCdf} to see those).
 *
 * @param k - counts are floored; k < 0 gives 0 and k = Infinity gives 1.
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @throws {TallystickError} `ERR_RESERVE` if an expansion fails to converge: a guard no tested input reaches.
 * @example
 * ```ts
 * import { poissonCdf } from '@tallystick/reserve';
 * poissonCdf(1000, 1000); // ≈ 0.5084 (a naive sum starting at exp(-1000) returns 0)
 * ```
 */
export function poissonCdf(k: number, mu: number): number {
  const edge = edgeCase(k, mu, false);
  if (edge !== undefined) return edge;
  return poissonTail(Math.floor(k), mu, false);
}

/**
 * The survival function P(X > k) for X ~ Poisson(μ), computed directly as the
 * regularized lower incomplete gamma P(⌊k⌋ + 1, μ), never as 1 − cdf, so tiny
 * tails keep their digits: `poissonSurvival(160, 120)` is 2.09e-4 and
 * `poissonSurvival(400, 120)` is 2.40e-90.
 *
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @throws {TallystickError} `ERR_RESERVE` if an expansion fails to converge: a guard no tested input reaches.
 * @example
 * ```ts
 * import { poissonSurvival } from '@tallystick/reserve';
 * poissonSurvival(160, 120); // ≈ 2.09e-4
 * ```
 */
export function poissonSurvival(k: number, mu: number): number {
  const edge = edgeCase(k, mu, true);
  if (edge !== undefined) return edge;
  return poissonTail(Math.floor(k), mu, true);
}

/**
 * ln P(X ≤ k): the lower tail in log space, finite where {@link poissonCdf}
 * underflows to 0.
 *
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @throws {TallystickError} `ERR_RESERVE` if an expansion fails to converge: a guard no tested input reaches.
 * @example
 * ```ts
 * import { poissonLogCdf } from '@tallystick/reserve';
 * poissonLogCdf(0, 1e6); // -1000000
 * ```
 */
export function poissonLogCdf(k: number, mu: number): number {
  const edge = edgeCase(k, mu, false);
  if (edge !== undefined) return Math.log(edge);
  const kk = Math.floor(k);
  if (upperIsDirect(kk, mu)) return Math.log1p(-tailValue(upperSeries(kk, mu)));
  return tailLog(lowerContinuedFraction(kk, mu));
}

/**
 * ln P(X > k): the upper tail in log space, finite where
 * {@link poissonSurvival} underflows to 0.
 *
 * @throws {TypeError} if `k` or `mu` is not a number.
 * @throws {RangeError} if `k` is NaN, or `mu` is NaN, negative, infinite or above {@link POISSON_MAX_MEAN}.
 * @throws {TallystickError} `ERR_RESERVE` if an expansion fails to converge: a guard no tested input reaches.
 * @example
 * ```ts
 * import { poissonLogSurvival } from '@tallystick/reserve';
 * poissonLogSurvival(1000, 10); // ≈ -3624.14 (the probability itself underflows to 0)
 * ```
 */
export function poissonLogSurvival(k: number, mu: number): number {
  const edge = edgeCase(k, mu, true);
  if (edge !== undefined) return Math.log(edge);
  const kk = Math.floor(k);
  if (upperIsDirect(kk, mu)) return tailLog(upperSeries(kk, mu));
  return Math.log1p(-tailValue(lowerContinuedFraction(kk, mu)));
}

/** Validates, then answers the cases with an exact value (k < 0, k = ∞, μ = 0). */
function edgeCase(k: unknown, mu: unknown, upper: boolean): number | undefined {
  assertNumber(k, 'k');
  assertMean(mu);
  let lower: number | undefined;
  if (k < 0) lower = 0;
  else if (k === Number.POSITIVE_INFINITY || mu === 0) lower = 1;
  if (lower === undefined) return undefined;
  return upper ? 1 - lower : lower;
}
