import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  POISSON_MAX_MEAN,
  poissonCdf,
  poissonLogCdf,
  poissonLogPmf,
  poissonLogSurvival,
  poissonPmf,
  poissonSurvival,
} from '../src/index.js';
import { exactPoisson } from './exact-poisson.js';

/** Measured error is ≤ 2.4e-15·(1 + |ln v|) (log-space rounding grows with |ln v|); 4× margin. */
function expectClose(actual: number, exact: number, what: string): void {
  const tolerance = 1e-14 * (1 + Math.abs(Math.log(exact)));
  const relative = Math.abs(actual - exact) / exact;
  if (!(relative <= tolerance))
    throw new Error(`${what}: got ${actual}, exact ${exact}, relative error ${relative}`);
}

describe('known values from the field notes', () => {
  it('P(Poisson(120) > 160) ≈ 2.09e-4', () => {
    expect(poissonSurvival(160, 120)).toBeCloseTo(2.09e-4, 6);
    expect(poissonSurvival(160, 120)).toBe(0.00020905783803698897);
  });

  it('cdf(1000; 1000) ≈ 0.51 where the naive sum from exp(-1000) returns 0', () => {
    let naive = 0;
    let term = Math.exp(-1000);
    for (let k = 0; k <= 1000; k++) {
      naive += term;
      term *= 1000 / (k + 1);
    }
    expect(naive).toBe(0);
    expect(poissonCdf(1000, 1000)).toBeCloseTo(0.5084093671685, 12);
  });

  it('pmf matches closed forms', () => {
    expect(poissonPmf(2, 4)).toBeCloseTo(8 * Math.exp(-4), 15);
    expect(poissonPmf(0, 3)).toBe(Math.exp(-3));
    expect(poissonLogPmf(0, 1e6)).toBe(-1e6);
    expect(poissonPmf(1, 1e-300)).toBeCloseTo(1e-300, 310);
  });
});

describe('against exact big-integer sums', () => {
  // μ as a rational num/den, from 1e-3 to 1e7; the grid covers ±38σ and the far upper tail.
  const means: [number, bigint, bigint][] = [
    [0.001, 1n, 1000n],
    [0.5, 1n, 2n],
    [4, 4n, 1n],
    [37.25, 149n, 4n],
    [120, 120n, 1n],
    [1000, 1000n, 1n],
    [12345.5, 24691n, 2n],
    [1e5, 100000n, 1n],
    [1e6, 1000000n, 1n],
    [1e7, 10000000n, 1n],
  ];
  for (const [mu, num, den] of means) {
    it(`cdf, survival and pmf are exact to ~1e-14·(1+|ln v|) at μ = ${mu}`, () => {
      const digits = mu >= 1e6 ? 340 : 400;
      const exact = exactPoisson(num, den, digits);
      // The reference keeps ≥ 40 significant digits above 10^(40 − digits).
      const trusted = (log10: number) => log10 > 40 - digits && log10 < -300;
      const sigma = Math.max(1, Math.sqrt(mu));
      let checked = 0;
      for (let d = -38; d <= 60; d += 0.25) {
        const k = Math.round(mu + d * sigma);
        if (k < 0) continue;
        const pairs: [string, number, number][] = [
          ['cdf', poissonCdf(k, mu), exact.cdf(k)],
          ['survival', poissonSurvival(k, mu), exact.survival(k)],
          ['pmf', poissonPmf(k, mu), exact.pmf(k)],
        ];
        for (const [name, actual, reference] of pairs) {
          if (reference < 1e-300) continue;
          expectClose(actual, reference, `${name}(${k}; ${mu})`);
          checked++;
        }
        // Below the double range the log forms carry on.
        const ls = exact.log10Survival(k);
        if (trusted(ls)) expect(poissonLogSurvival(k, mu) / Math.LN10).toBeCloseTo(ls, 9);
        const lc = exact.log10Cdf(k);
        if (trusted(lc)) expect(poissonLogCdf(k, mu) / Math.LN10).toBeCloseTo(lc, 9);
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it('log tails stay exact far below the double range (down to 1e-2000)', () => {
    for (const [mu, ks] of [
      [120, [900, 1200, 1800]],
      [1000, [2500, 3000, 5000]],
    ] as const) {
      const exact = exactPoisson(BigInt(mu), 1n, 2100);
      for (const k of ks) {
        const reference = exact.log10Survival(k);
        expect(reference).toBeGreaterThan(-2000);
        expect(reference).toBeLessThan(-300);
        // A log near −4000 (natural) is good to ~1e-12 absolute; allow 1e-10 relative.
        expect(Math.abs(poissonLogSurvival(k, mu) / Math.LN10 - reference)).toBeLessThan(1e-10 * -reference);
      }
      const low = Math.floor(mu / 20);
      expect(Math.abs(poissonLogCdf(low, mu) / Math.LN10 - exact.log10Cdf(low))).toBeLessThan(
        1e-10 * -exact.log10Cdf(low),
      );
    }
  });

  it('tiny tails keep their digits: P(Poisson(120) > k) for k up to 400', () => {
    const exact = exactPoisson(120n);
    for (const k of [160, 200, 250, 300, 350, 400])
      expectClose(poissonSurvival(k, 120), exact.survival(k), `k=${k}`);
    expect(poissonSurvival(400, 120)).toBeLessThan(1e-89);
  });
});

describe('against log-sum-exp summation (an independent floating-point method)', () => {
  /** ln Σ p(j) over j ≤ k, with ln p(j) = j ln μ − μ − Σᵢ ln i summed term by term. */
  function logCdfBySummation(k: number, mu: number): number {
    const logs: number[] = [];
    let logFactorial = 0;
    for (let j = 0; j <= k; j++) {
      if (j > 0) logFactorial += Math.log(j);
      logs.push(j * Math.log(mu) - mu - logFactorial);
    }
    const max = Math.max(...logs);
    return max + Math.log(logs.reduce((acc, l) => acc + Math.exp(l - max), 0));
  }

  it('ln cdf agrees for μ ∈ (0, 300], k ∈ [0, 600]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        fc.integer({ min: 0, max: 600 }),
        (mu, k) => {
          const reference = logCdfBySummation(k, mu);
          // The summation's own error grows with k·ln μ; 1e-11 relative covers it.
          expect(Math.abs(poissonLogCdf(k, mu) - reference)).toBeLessThanOrEqual(
            1e-11 * (1 + Math.abs(reference)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('edges', () => {
  it('μ = 0 puts all mass at 0', () => {
    expect(poissonPmf(0, 0)).toBe(1);
    expect(poissonPmf(3, 0)).toBe(0);
    expect(poissonCdf(0, 0)).toBe(1);
    expect(poissonSurvival(0, 0)).toBe(0);
    expect(poissonLogSurvival(5, 0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('counts below 0, fractional and infinite', () => {
    expect(poissonCdf(-1, 5)).toBe(0);
    expect(poissonSurvival(-0.5, 5)).toBe(1);
    expect(poissonCdf(2.9, 5)).toBe(poissonCdf(2, 5));
    expect(poissonPmf(2.5, 5)).toBe(0);
    expect(poissonPmf(-1, 5)).toBe(0);
    expect(poissonCdf(Number.POSITIVE_INFINITY, 5)).toBe(1);
    expect(poissonSurvival(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(poissonPmf(Number.POSITIVE_INFINITY, 5)).toBe(0);
  });

  it('works at μ = 1e7 and up to POISSON_MAX_MEAN', () => {
    expect(poissonCdf(1e7, 1e7)).toBeCloseTo(0.5 + 2 / (3 * Math.sqrt(2 * Math.PI * 1e7)), 9);
    expect(poissonCdf(POISSON_MAX_MEAN, POISSON_MAX_MEAN)).toBeCloseTo(0.5, 4);
    expect(poissonLogCdf(0, POISSON_MAX_MEAN)).toBe(-POISSON_MAX_MEAN);
  });

  it('rejects bad arguments with TypeError or RangeError naming them', () => {
    expect(() => poissonCdf(Number.NaN, 1)).toThrow(new RangeError('k must not be NaN'));
    expect(() => poissonCdf(1, Number.NaN)).toThrow(/^mu must not be NaN/);
    expect(() => poissonCdf(1, -1)).toThrow(RangeError);
    expect(() => poissonSurvival(1, Number.POSITIVE_INFINITY)).toThrow(/^mu must be a finite number/);
    expect(() => poissonPmf(1, POISSON_MAX_MEAN * 2)).toThrow(/^mu must be at most/);
    expect(() => poissonPmf('1' as unknown as number, 1)).toThrow(TypeError);
    expect(() => poissonLogSurvival(1, '1' as unknown as number)).toThrow(/^mu must be a number/);
  });
});
