import { poissonTail } from './incomplete-gamma.js';
import { logPmfRaw } from './log-pmf.js';
import { quantileSearch } from './quantile-search.js';

/**
 * Greedy marginal allocation of `units` among devices with Poisson demand.
 *
 * Giving device i its (k+1)-th unit raises expected sales E[min(Dᵢ, k+1)] by
 * exactly P(Dᵢ > k), and that gain falls as k grows. Expected sales are thus a
 * sum of concave functions, and taking the `units` largest gains over all
 * devices — what handing out units one at a time to the largest gain does —
 * maximises their total. `caps` are the ε-quotas: a device below its quota has
 * a gain above ε and one at its quota a gain of at most ε, so no cap binds
 * while units are short.
 *
 * Rather than pop a heap `units` times, this finds the gain threshold: the
 * devices' gains are kept only in a window of positions that may straddle it
 * (all positions when Σ caps ≤ WINDOW_BUDGET, otherwise a window narrowed by
 * bisecting on the threshold with quantile counts), each window filled in one
 * pass by the backward recurrence P(D > k−1) = P(D > k) + P(D = k), then the
 * threshold bracketed by bisection until only a few gains straddle it, and
 * those few sorted. Ties go to the earlier device.
 */

const WINDOW_BUDGET = 1 << 22;

/** Quotas, with each device's P(D > quota) and E[min(D, quota)] read off the gains already computed. */
export interface GreedyPlan {
  quotas: number[];
  stockout: number[];
  sales: number[];
}

export function greedyAllocation(
  means: readonly number[],
  caps: readonly number[],
  units: number,
  epsilon: number,
  windowBudget = WINDOW_BUDGET,
): GreedyPlan {
  // Positions below `base[i]` are certainly taken; the window is [base[i], top[i]).
  // With count(τ) = the number of gains above τ: count(1) = 0 ≤ units < Σ caps = count(ε).
  let base = new Array<number>(means.length).fill(0);
  let top = [...caps];
  let tauHigh = 1;
  let tauLow = epsilon;
  while (sum(top) - sum(base) > windowBudget) {
    const tau = between(tauLow, tauHigh);
    if (tau === undefined) break;
    const counts = means.map((mu, i) => Math.min(caps[i]!, mu === 0 ? 0 : quantileSearch(tau, mu, false)));
    if (sum(counts) <= units) {
      base = counts;
      tauHigh = tau;
    } else {
      top = counts;
      tauLow = tau;
    }
  }
  const gains = means.map((mu, i) => gainWindow(mu, base[i]!, top[i]!));
  const remaining = units - sum(base);
  const countAbove = (t: number): number => gains.reduce((acc, g) => acc + countGreater(g, t), 0);
  // Bracket the threshold until few gains lie in (lo, hi]; count(lo) > remaining ≥ count(hi).
  // Start just below the smallest gain (every gain is above it) rather than at −1, saving the
  // bisection steps it would spend descending through powers of two to the gains' scale.
  const smallest = gains.reduce((m, g) => (g.length > 0 ? Math.min(m, g[g.length - 1]!) : m), 1);
  let lo = smallest > 0 ? smallest / 2 : -1;
  let hi = 1;
  let countLo = sum(top) - sum(base);
  let countHi = 0;
  const few = Math.max(64, means.length);
  while (countLo - countHi > few) {
    const mid = between(lo, hi);
    if (mid === undefined) break;
    const count = countAbove(mid);
    if (count <= remaining) [hi, countHi] = [mid, count];
    else [lo, countLo] = [mid, count];
  }
  // Everything above hi is taken; the rest comes from (lo, hi], largest first, ties to the earlier device.
  const result = base.map((b, i) => b + countGreater(gains[i]!, hi));
  const candidates: { gain: number; device: number; index: number }[] = [];
  gains.forEach((g, device) => {
    for (let index = countGreater(g, hi); index < countGreater(g, lo); index++) {
      candidates.push({ gain: g[index]!, device, index });
    }
  });
  candidates.sort((a, b) => b.gain - a.gain || a.device - b.device || a.index - b.index);
  for (const { device } of candidates.slice(0, remaining - countHi)) result[device]! += 1;
  // The gain of unit k is P(D > k), so the stockout risk is the next gain and the sales are their sum.
  const stockout = result.map((q, i) => gains[i]![q - base[i]!] ?? poissonTail(q, means[i]!, true));
  const sales = result.map((q, i) => {
    let total = base[i]! > 0 ? expectedSales(base[i]!, means[i]!) : 0;
    const g = gains[i]!;
    for (let j = 0; j < q - base[i]!; j++) total += g[j]!;
    return total;
  });
  return { quotas: result, stockout, sales };
}

/** P(D > k) for k in [from, to), by one backward pass from the last position. */
function gainWindow(mu: number, from: number, to: number): Float64Array {
  const out = new Float64Array(Math.max(0, to - from));
  if (out.length === 0) return out;
  let k = to - 1;
  let tail = poissonTail(k, mu, true);
  let pmf = Math.exp(logPmfRaw(k, mu));
  out[k - from] = tail;
  for (k -= 1; k >= from; k--) {
    tail += pmf; // P(D > k) = P(D > k+1) + P(D = k+1)
    pmf *= (k + 1) / mu; // P(D = k) from P(D = k+1)
    // Rounding can carry the sum a few ulps past 1, which the threshold search assumes it never is.
    out[k - from] = Math.min(tail, 1);
  }
  return out;
}

/**
 * A double strictly between lo and hi, or undefined once they are adjacent.
 * Geometric while far apart, so reaching 1e-300 takes ~10 steps, not ~1000.
 */
function between(lo: number, hi: number): number | undefined {
  let mid: number;
  if (lo < 0) mid = 0;
  else if (lo === 0) mid = hi * 2 ** -64;
  else if (hi / lo > 2) mid = Math.sqrt(lo) * Math.sqrt(hi);
  else mid = lo + (hi - lo) / 2;
  if (!(mid > lo && mid < hi)) mid = lo + (hi - lo) / 2;
  return mid > lo && mid < hi ? mid : undefined;
}

/** Number of entries above t in a non-increasing array, by binary search. */
function countGreater(gains: Float64Array, t: number): number {
  let lo = 0;
  let hi = gains.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (gains[mid]! > t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** E[min(D, s)] = μ·P(D ≤ s−1) + s·P(D > s) for D ~ Poisson(μ). */
export function expectedSales(s: number, mu: number): number {
  if (s === 0 || mu === 0) return 0;
  return mu * poissonTail(s - 1, mu, false) + s * poissonTail(s, mu, true);
}
