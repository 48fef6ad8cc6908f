/**
 * The Poisson log-probability ln P(X = k) for X ~ Poisson(μ), computed the way
 * Loader (2000, "Fast and accurate computation of binomial probabilities")
 * recommends:
 *
 *   ln p(k; μ) = −stirlerr(k) − bd0(k, μ) − ½ ln(2πk)
 *
 * The textbook form k·ln μ − μ − ln k! subtracts numbers near 10⁸ when μ and k
 * are near 10⁷ and keeps only about 8 correct digits; here the large terms
 * cancel analytically instead, and both remaining pieces are small and exact
 * to a few ulps.
 */

const LN_SQRT_2PI = 0.9189385332046728; // ½ ln(2π), correctly rounded
const LN_2PI = 1.8378770664093456; // ln(2π), correctly rounded

/** k! is exact in a double up to 22!, so ln k! for small k is one correctly rounded log. */
const SMALL = 16;
const STIRLERR_SMALL = new Float64Array(SMALL);
{
  let factorial = 1;
  for (let n = 1; n < SMALL; n++) {
    factorial *= n;
    STIRLERR_SMALL[n] = Math.log(factorial) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
  }
}

/**
 * The error of Stirling's formula, ln n! − [(n + ½) ln n − n + ½ ln 2π], for
 * an integer n ≥ 1. For n ≥ 16 the asymptotic series in 1/n (coefficients are
 * B₂ⱼ / (2j(2j−1)) from the Bernoulli numbers) is accurate to about 1e-17 with
 * six terms; below that it diverges too early, so a table is used.
 */
export function stirlerr(n: number): number {
  if (n < SMALL) return STIRLERR_SMALL[n]!;
  const nn = 1 / (n * n);
  // 1/12 − 1/(360n²) + 1/(1260n⁴) − 1/(1680n⁶) + 1/(1188n⁸) − 691/(360360n¹⁰), all over n
  return (
    (1 / 12 - nn * (1 / 360 - nn * (1 / 1260 - nn * (1 / 1680 - nn * (1 / 1188 - (nn * 691) / 360360))))) / n
  );
}

/**
 * The deviance term x·ln(x/m) + m − x ≥ 0, without the cancellation that the
 * direct formula suffers when x ≈ m: there it is summed as the series
 * (x − m)·v + 2x·Σ v^(2j+1)/(2j+1) with v = (x − m)/(x + m), |v| < 0.1.
 */
export function bd0(x: number, m: number): number {
  const diff = x - m;
  if (Math.abs(diff) < 0.1 * (x + m)) {
    const v = diff / (x + m);
    const v2 = v * v;
    let sum = diff * v;
    let term = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  const ratio = diff / m;
  // When m is subnormal, x / m overflows; the difference of logs is then exact enough.
  const logRatio = Number.isFinite(ratio) ? Math.log1p(ratio) : Math.log(x) - Math.log(m);
  return x * logRatio - diff;
}

/**
 * ln P(X = k) for an integer k ≥ 0 and a finite mean μ ≥ 0 (both already
 * validated by the caller). Returns −Infinity where the probability is 0.
 */
export function logPmfRaw(k: number, mu: number): number {
  if (mu === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (k === 0) return -mu;
  if (k === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return -stirlerr(k) - bd0(k, mu) - 0.5 * (LN_2PI + Math.log(k));
}
