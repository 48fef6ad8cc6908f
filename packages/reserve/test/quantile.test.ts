import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poissonCdf, poissonQuantile, poissonSurvival } from '../src/index.js';
import { normalQuantile } from '../src/lib/quantile-search.js';
import { exactPoisson } from './exact-poisson.js';

const mean = fc.oneof(
  fc.double({ min: 1e-6, max: 20, noNaN: true }),
  fc.double({ min: 20, max: 1e4, noNaN: true }),
  fc.integer({ min: 1e4, max: 1e7 }),
);
/** Probabilities spread over (0, 1) on a log scale at both ends, down to 1e-300. */
const probability = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true, minExcluded: true, maxExcluded: true }),
  fc.integer({ min: 1, max: 300 }).map((e) => 10 ** -e),
  fc.integer({ min: 1, max: 15 }).map((e) => 1 - 10 ** -e),
);

describe('known values', () => {
  it('matches the field notes', () => {
    expect(poissonQuantile(0.9, 4)).toBe(7);
    expect(poissonQuantile(0.1, 200)).toBe(182);
  });

  it('the ε-quotas of the evening-market vector: P(X > s) ≤ 5% at μ = 60, 40, 20', () => {
    expect([60, 40, 20].map((mu) => poissonQuantile(0.05, mu, { lowerTail: false }))).toEqual([73, 51, 28]);
    expect([60, 40, 20].map((mu) => poissonQuantile(0.95, mu))).toEqual([73, 51, 28]);
  });

  it('the Cornish–Fisher guess uses a normal quantile good to ~1e-9', () => {
    const known: [number, number][] = [
      [0.5, 0],
      [0.9, 1.2815515655446004],
      [0.95, 1.6448536269514722],
      [0.975, 1.959963984540054],
      [0.999, 3.090232306167813],
      [1e-10, -6.361340902404056],
    ];
    for (const [p, z] of known)
      expect(Math.abs(normalQuantile(p, true) - z)).toBeLessThan(1e-8 * (1 + Math.abs(z)));
    expect(normalQuantile(0.05, false)).toBeCloseTo(1.6448536269514722, 8);
  });
});

describe('laws', () => {
  it('lower tail: cdf(q) ≥ p and cdf(q − 1) < p, with q = quantile(p)', () => {
    fc.assert(
      fc.property(mean, probability, (mu, p) => {
        const q = poissonQuantile(p, mu);
        expect(Number.isInteger(q) && q >= 0).toBe(true);
        expect(poissonCdf(q, mu)).toBeGreaterThanOrEqual(p);
        if (q > 0) expect(poissonCdf(q - 1, mu)).toBeLessThan(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('upper tail: survival(q) ≤ p and survival(q − 1) > p, down to p = 1e-300', () => {
    fc.assert(
      fc.property(mean, probability, (mu, p) => {
        const q = poissonQuantile(p, mu, { lowerTail: false });
        expect(poissonSurvival(q, mu)).toBeLessThanOrEqual(p);
        if (q > 0) expect(poissonSurvival(q - 1, mu)).toBeGreaterThan(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('inverse: quantile(cdf(k)) = k wherever the cdf steps up at k', () => {
    fc.assert(
      fc.property(mean, fc.double({ min: -8, max: 8, noNaN: true }), (mu, offset) => {
        const k = Math.max(0, Math.round(mu + offset * Math.sqrt(mu)));
        const p = poissonCdf(k, mu);
        fc.pre(p > 0 && p < 1 && (k === 0 || poissonCdf(k - 1, mu) < p));
        expect(poissonQuantile(p, mu)).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });

  it('inverse: quantile(survival(k), upper) = k wherever survival steps down at k', () => {
    fc.assert(
      fc.property(mean, fc.double({ min: -3, max: 30, noNaN: true }), (mu, offset) => {
        const k = Math.max(0, Math.round(mu + offset * Math.sqrt(mu)));
        const p = poissonSurvival(k, mu);
        fc.pre(p > 0 && p < 1 && (k === 0 || poissonSurvival(k - 1, mu) > p));
        expect(poissonQuantile(p, mu, { lowerTail: false })).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });

  it('is non-decreasing in p', () => {
    fc.assert(
      fc.property(mean, probability, probability, (mu, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(poissonQuantile(lo, mu)).toBeLessThanOrEqual(poissonQuantile(hi, mu));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with a linear search over exact big-integer cdfs (μ ≤ 60)', () => {
    const references = new Map([4, 17, 60].map((mu) => [mu, exactPoisson(BigInt(mu))]));
    fc.assert(
      fc.property(fc.constantFrom(4, 17, 60), probability, (mu, p) => {
        const exact = references.get(mu)!;
        let k = 0;
        while (exact.cdf(k) < p) k++;
        // Skip p within rounding of a cdf value, where "≥" is decided by the last bit.
        fc.pre(Math.abs(exact.cdf(k) - p) > 1e-13 * p && Math.abs(exact.cdf(k - 1) - p) > 1e-13 * p);
        expect(poissonQuantile(p, mu)).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('edges', () => {
  it('p = 0, p = 1 and μ = 0', () => {
    expect(poissonQuantile(0, 5)).toBe(0);
    expect(poissonQuantile(1, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(poissonQuantile(1, 5, { lowerTail: false })).toBe(0);
    expect(poissonQuantile(0, 5, { lowerTail: false })).toBe(Number.POSITIVE_INFINITY);
    expect(poissonQuantile(0.7, 0)).toBe(0);
    expect(poissonQuantile(1, 0)).toBe(0);
  });

  it('p → 1 and p → 0 stay finite and exact', () => {
    const nearOne = 1 - 2 ** -53;
    const q = poissonQuantile(nearOne, 10);
    expect(poissonSurvival(q, 10)).toBeLessThanOrEqual(2 ** -53);
    expect(poissonSurvival(q - 1, 10)).toBeGreaterThan(2 ** -53);
    expect(poissonQuantile(Number.MIN_VALUE, 1e6)).toBeGreaterThan(0);
    expect(poissonQuantile(Number.MIN_VALUE, 3)).toBe(0);
    expect(poissonQuantile(1e-300, 1, { lowerTail: false })).toBe(166);
  });

  it('handles μ = 1e7 at the centre and in the tails', () => {
    expect(poissonQuantile(0.5, 1e7)).toBe(1e7);
    const q = poissonQuantile(1e-12, 1e7, { lowerTail: false });
    expect(q).toBeGreaterThan(1e7 + 7 * Math.sqrt(1e7));
    expect(poissonSurvival(q, 1e7)).toBeLessThanOrEqual(1e-12);
  });

  it('rejects bad arguments', () => {
    expect(() => poissonQuantile(Number.NaN, 1)).toThrow(new RangeError('p must not be NaN'));
    expect(() => poissonQuantile(1.5, 1)).toThrow(/^p must be in \[0, 1\]/);
    expect(() => poissonQuantile(-0.1, 1)).toThrow(RangeError);
    expect(() => poissonQuantile(0.5, -1)).toThrow(/^mu must be/);
    expect(() => poissonQuantile(0.5, Number.NaN)).toThrow(RangeError);
    expect(() => poissonQuantile('0.5' as unknown as number, 1)).toThrow(TypeError);
    expect(() => poissonQuantile(0.5, 1, { lowerTail: 'no' as unknown as boolean })).toThrow(
      new TypeError('options.lowerTail must be a boolean'),
    );
    expect(() => poissonQuantile(0.5, 1, null as unknown as object)).toThrow(/^options must be an object/);
  });
});
