import { poissonTail } from './incomplete-gamma.js';

/** A quantile with the compared tail at k and at k − 1 (the search computes both anyway). */
export interface QuantileDetail {
  k: number;
  /** P(X ≤ k) for the lower tail, P(X > k) for the upper. */
  tailAtK: number;
  /** The same at k − 1 (0 or 1 when k = 0). */
  tailBelow: number;
}

/**
 * The smallest k ≥ 0 with P(X ≤ k) ≥ p (lower tail) or P(X > k) ≤ p (upper
 * tail), for a validated p strictly inside (0, 1) and μ > 0. Shared by the
 * public quantile and the planners, which loop over many means.
 */
export function quantileSearch(p: number, mu: number, lowerTail: boolean): number {
  return quantileDetail(p, mu, lowerTail).k;
}

export function quantileDetail(p: number, mu: number, lowerTail: boolean): QuantileDetail {
  // No closures here: this runs once per terminal in allocate(), and per-call closures cost more
  // than the arithmetic under some toolchains (esbuild's keepNames wraps each one).
  const upper = !lowerTail;
  // Invariant once bracketed: the inequality fails at lo (or lo = −1) and holds at hi.
  let hi = cornishFisherGuess(p, mu, lowerTail);
  let atHi = poissonTail(hi, mu, upper);
  let lo: number;
  let atLo: number;
  if (holds(atHi, p, upper)) {
    lo = hi - 1;
    atLo = poissonTail(lo, mu, upper); // k = −1 gives the exact 0 or 1
    for (let step = 1; lo >= 0 && holds(atLo, p, upper); step *= 2) {
      hi = lo;
      atHi = atLo;
      lo = Math.max(-1, hi - 2 * step);
      atLo = poissonTail(lo, mu, upper);
    }
  } else {
    lo = hi;
    atLo = atHi;
    hi = lo + 1;
    atHi = poissonTail(hi, mu, upper);
    for (let step = 1; !holds(atHi, p, upper); step *= 2) {
      lo = hi;
      atLo = atHi;
      hi = lo + 2 * step;
      atHi = poissonTail(hi, mu, upper);
    }
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const atMid = poissonTail(mid, mu, upper);
    if (holds(atMid, p, upper)) {
      hi = mid;
      atHi = atMid;
    } else {
      lo = mid;
      atLo = atMid;
    }
  }
  return { k: hi, tailAtK: atHi, tailBelow: atLo };
}

/** The defining inequality: P(X ≤ k) ≥ p, or P(X > k) ≤ p for the upper tail. */
function holds(tail: number, p: number, upper: boolean): boolean {
  return upper ? tail <= p : tail >= p;
}

/** R's qpois first guess: the normal quantile corrected for skewness 1/σ. */
function cornishFisherGuess(p: number, mu: number, lowerTail: boolean): number {
  const sigma = Math.sqrt(mu);
  const z = normalQuantile(p, lowerTail);
  const guess = Math.round(mu + sigma * (z + (z * z - 1) / (6 * sigma)));
  // Far tails of a small mean can push the expansion below zero; the search fixes the rest.
  return Number.isFinite(guess) && guess > 0 ? guess : 0;
}

/**
 * The standard normal quantile Φ⁻¹, used only as the Cornish–Fisher first
 * guess for the Poisson quantile. The search that follows checks every answer
 * against the exact cdf, so this needs to be close, not exact: Acklam's
 * rational approximation (relative error below 1.2e-9 over the whole range)
 * is plenty and costs one sqrt/log and a dozen multiply-adds.
 *
 * The argument is the smaller tail probability q ∈ (0, ½]; the result is the
 * (non-positive) z with Φ(z) = q. Taking q rather than p avoids computing
 * 1 − p, which would round a tail of 1e-20 to nothing.
 */

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;

/** Below this the tail formula is used, above it the central one (Acklam's split). */
const LOW = 0.02425;

export function normalQuantileLowerHalf(q: number): number {
  if (q <= 0) return Number.NEGATIVE_INFINITY;
  if (q < LOW) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (
      (((((C[0] * t + C[1]) * t + C[2]) * t + C[3]) * t + C[4]) * t + C[5]) /
      ((((D[0] * t + D[1]) * t + D[2]) * t + D[3]) * t + 1)
    );
  }
  const u = q - 0.5;
  const r = u * u;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * u) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * z with Φ(z) = p, given p's lower tail when `lowerTail` is true or its upper
 * tail otherwise; `prob` is whichever of the two the caller holds exactly.
 */
export function normalQuantile(prob: number, lowerTail: boolean): number {
  // Reduce to the smaller tail without forming 1 − prob for small prob.
  if (prob <= 0.5) {
    const z = normalQuantileLowerHalf(prob);
    return lowerTail ? z : -z;
  }
  const z = normalQuantileLowerHalf(1 - prob); // exact: Sterbenz, since prob ∈ (½, 1]
  return lowerTail ? -z : z;
}
