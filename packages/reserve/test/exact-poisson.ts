/**
 * An independent reference for the Poisson distribution: exact big-integer
 * arithmetic, sharing no code or formula with the package beyond the
 * definition p(j) ∝ μ^j / j!.
 *
 * Terms are fixed-point integers relative to the mode m = ⌊μ⌋, t(m) = 10^D,
 * extended both ways with t(j+1) = t(j)·μ/(j+1) and t(j−1) = t(j)·j/μ until
 * they truncate to 0 (below 10^−D of the mode). With μ = num/den rational,
 * each step loses less than one unit to truncation, so every probability
 * above ~10^(40−D) is exact to well beyond double precision. Normalising by
 * the total avoids e^−μ altogether.
 */

export interface ExactPoisson {
  readonly lo: number;
  readonly hi: number;
  pmf(k: number): number;
  cdf(k: number): number;
  survival(k: number): number;
  /** log10 of the tails, for values below the double range. */
  log10Cdf(k: number): number;
  log10Survival(k: number): number;
}

export function exactPoisson(num: bigint, den = 1n, digits = 400): ExactPoisson {
  const scale = 10n ** BigInt(digits);
  const mode = Number(num / den);
  const up: bigint[] = [scale];
  for (let j = mode; ; j++) {
    const next = (up[up.length - 1]! * num) / (den * BigInt(j + 1));
    if (next === 0n) break;
    up.push(next);
  }
  const down: bigint[] = [];
  let t = scale;
  for (let j = mode; j > 0; j--) {
    t = (t * den * BigInt(j)) / num;
    if (t === 0n) break;
    down.push(t);
  }
  const lo = mode - down.length;
  const terms = [...down.reverse(), ...up];
  const hi = lo + terms.length - 1;
  const cumulative: bigint[] = [];
  let running = 0n;
  for (const term of terms) cumulative.push((running += term));
  const total = running;
  const cum = (k: number): bigint => (k < lo ? 0n : k >= hi ? total : cumulative[k - lo]!);
  return {
    lo,
    hi,
    pmf: (k) => ratio(k < lo || k > hi ? 0n : terms[k - lo]!, total),
    cdf: (k) => ratio(cum(k), total),
    survival: (k) => ratio(total - cum(k), total),
    log10Cdf: (k) => log10Ratio(cum(k), total),
    log10Survival: (k) => log10Ratio(total - cum(k), total),
  };
}

function digitsOf(n: bigint): number {
  return n.toString().length;
}

/** num/den to the nearest double, through a 21-digit decimal string. */
export function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const [q, exponent] = leadingDigits(num, den);
  return Number(`${q}e${exponent}`);
}

export function log10Ratio(num: bigint, den: bigint): number {
  if (num === 0n) return Number.NEGATIVE_INFINITY;
  const [q, exponent] = leadingDigits(num, den);
  return Math.log10(Number(q)) + exponent;
}

function leadingDigits(num: bigint, den: bigint): [bigint, number] {
  const shift = 21 - (digitsOf(num) - digitsOf(den));
  const q = shift >= 0 ? (num * 10n ** BigInt(shift)) / den : num / (den * 10n ** BigInt(-shift));
  return [q, -shift];
}
