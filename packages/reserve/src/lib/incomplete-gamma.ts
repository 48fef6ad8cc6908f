import { TallystickError } from '@tallystick/core';
import { logPmfRaw } from './log-pmf.js';

/**
 * The two Poisson tails are regularized incomplete gamma functions of an
 * integer order a = k + 1:
 *
 *   P(X ≤ k) = Q(k + 1, μ)        P(X > k) = P(k + 1, μ)
 *
 * Each is computed directly where it is the smaller one and the other as its
 * complement, so a tail of 1e-200 keeps all its digits instead of vanishing in
 * 1 − (1 − 1e-200). The switch is the classical x < a + 1 (Numerical Recipes
 * §6.2): below it the power series for P converges fastest, above it the
 * continued fraction for Q. Both need O(√μ) steps when k is near μ and a few
 * steps in the far tails.
 */

/** A tail value as exp(logScale)·factor, so callers can take the log without underflow. */
export interface ScaledTail {
  logScale: number;
  factor: number;
}

/** True when P(X > k) is the tail to compute directly (the series side). */
export function upperIsDirect(k: number, mu: number): boolean {
  return mu < k + 2;
}

/**
 * P(X > k) = P(k + 1, μ) by the series Σₙ₌₀ p(k+1+n; μ), written as
 * p(k+1; μ)·Σₙ Πᵢ₌₁ⁿ μ/(k+1+i). Converges for any μ, and quickly for μ < k + 2.
 */
export function upperSeries(k: number, mu: number): ScaledTail {
  const logScale = logPmfRaw(k + 1, mu);
  let term = 1;
  let sum = 1;
  // Neumaier's compensation: near μ ≈ 10⁷ the series has ~30,000 terms.
  let compensation = 0;
  const limit = iterationLimit(mu);
  let denominator = k + 2;
  let ratio = mu / denominator; // μ/(k+1+n), one division per term
  for (let n = 1; n <= limit; n++) {
    term *= ratio;
    const next = sum + term;
    compensation += sum >= term ? sum - next + term : term - next + sum;
    sum = next;
    denominator += 1;
    ratio = mu / denominator;
    // What is left is at most term·r/(1 − r), r being the next (and largest remaining) ratio.
    if (ratio < 1 && term * ratio <= sum * 1e-17 * (1 - ratio))
      return { logScale, factor: sum + compensation };
  }
  throw notConverged('series', k, mu);
}

/**
 * P(X ≤ k) = Q(k + 1, μ) by the Legendre continued fraction
 *
 *   Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
 *
 * evaluated with the modified Lentz method (Thompson & Barnett 1986), which
 * needs no a priori depth. The prefactor e^{−μ} μ^{k+1} / k! is μ·p(k; μ).
 * Intended for μ ≥ k + 2, where it converges quickly.
 */
export function lowerContinuedFraction(k: number, mu: number): ScaledTail {
  const a = k + 1;
  const tiny = 1e-300;
  let b = mu + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  const limit = iterationLimit(mu);
  for (let i = 1; i <= limit; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= 2.3e-16) return { logScale: logPmfRaw(k, mu), factor: mu * h };
  }
  throw notConverged('continued fraction', k, mu);
}

/** exp(logScale)·factor, falling back to a single exp when the scale alone would underflow. */
export function tailValue(tail: ScaledTail): number {
  if (tail.logScale > -700) return Math.exp(tail.logScale) * tail.factor;
  return Math.exp(tail.logScale + Math.log(tail.factor));
}

export function tailLog(tail: ScaledTail): number {
  return tail.logScale + Math.log(tail.factor);
}

/**
 * Both expansions need about √(2·39·μ) steps at worst (the terms fall like
 * exp(−n²/2μ) and must reach 1e-17); the limit leaves a wide margin and only
 * exists so a bug cannot hang a terminal.
 */
function iterationLimit(mu: number): number {
  return Math.ceil(40 * Math.sqrt(mu)) + 1000;
}

function notConverged(method: string, k: number, mu: number): TallystickError {
  return new TallystickError('ERR_RESERVE', `Poisson ${method} did not converge for k=${k}, mu=${mu}`);
}

/**
 * P(X > k) when `upper`, else P(X ≤ k), for an integer k and a validated μ:
 * the directly computed side is the smaller tail, the other its complement.
 */
export function poissonTail(k: number, mu: number, upper: boolean): number {
  if (k < 0) return upper ? 1 : 0;
  if (mu === 0 || k === Number.POSITIVE_INFINITY) return upper ? 0 : 1;
  const seriesSide = upperIsDirect(k, mu);
  const value = tailValue(seriesSide ? upperSeries(k, mu) : lowerContinuedFraction(k, mu));
  return seriesSide === upper ? value : 1 - value;
}
