import { poissonTail } from './incomplete-gamma.js';
import { normalQuantile } from './normal-quantile.js';

/**
 * The smallest k ≥ 0 with P(X ≤ k) ≥ p (lower tail) or P(X > k) ≤ p (upper
 * tail), for a validated p strictly inside (0, 1) and μ > 0. Shared by the
 * public quantile and the planners, which loop over many means.
 */
export function quantileSearch(p: number, mu: number, lowerTail: boolean): number {
  const holds = lowerTail
    ? (k: number) => k >= 0 && poissonTail(k, mu, false) >= p
    : (k: number) => k >= 0 && poissonTail(k, mu, true) <= p;
  let lo: number; // the inequality fails here (or lo = −1)
  let hi: number; // and holds here
  const guess = cornishFisherGuess(p, mu, lowerTail);
  if (holds(guess)) {
    hi = guess;
    lo = guess - 1;
    for (let step = 1; lo >= 0 && holds(lo); step *= 2) {
      hi = lo;
      lo = Math.max(-1, hi - 2 * step);
    }
  } else {
    lo = guess;
    hi = guess + 1;
    for (let step = 1; !holds(hi); step *= 2) {
      lo = hi;
      hi = lo + 2 * step;
    }
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** R's qpois first guess: the normal quantile corrected for skewness 1/σ. */
function cornishFisherGuess(p: number, mu: number, lowerTail: boolean): number {
  const sigma = Math.sqrt(mu);
  const z = normalQuantile(p, lowerTail);
  const guess = Math.round(mu + sigma * (z + (z * z - 1) / (6 * sigma)));
  // Far tails of a small mean can push the expansion below zero; the search fixes the rest.
  return Number.isFinite(guess) && guess > 0 ? guess : 0;
}
