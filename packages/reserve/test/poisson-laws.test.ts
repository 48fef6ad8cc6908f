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
import { lowerContinuedFraction, tailValue, upperSeries } from '../src/lib/incomplete-gamma.js';

describe('laws', () => {
  const mean = fc.oneof(
    fc.double({ min: 0, max: 50, noNaN: true }),
    fc.double({ min: 50, max: 1e5, noNaN: true }),
    fc.integer({ min: 0, max: 1e7 }),
  );
  const countNear = (mu: number, offset: number) => Math.max(0, Math.round(mu + offset * Math.sqrt(mu + 1)));

  it('cdf(k) + survival(k) = 1', () => {
    fc.assert(
      fc.property(mean, fc.double({ min: -10, max: 10, noNaN: true }), (mu, offset) => {
        const k = countNear(mu, offset);
        expect(Math.abs(poissonCdf(k, mu) + poissonSurvival(k, mu) - 1)).toBeLessThanOrEqual(4e-16);
      }),
      { numRuns: 2000 },
    );
  });

  it('cdf(k) − cdf(k − 1) = pmf(k) and cdf is non-decreasing in k', () => {
    fc.assert(
      fc.property(mean, fc.double({ min: -10, max: 10, noNaN: true }), (mu, offset) => {
        const k = countNear(mu, offset);
        const step = poissonCdf(k, mu) - poissonCdf(k - 1, mu);
        expect(step).toBeGreaterThanOrEqual(0);
        // Each cdf carries the error bound used against the exact sums; the difference inherits both.
        const c = poissonCdf(k, mu);
        expect(Math.abs(step - poissonPmf(k, mu))).toBeLessThanOrEqual(
          2e-14 * (1 + Math.abs(Math.log(c))) * c + 1e-300,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('survival is non-decreasing in μ (more demand, more risk)', () => {
    fc.assert(
      fc.property(
        mean,
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (mu, bump, offset) => {
          const k = countNear(mu, offset);
          const more = Math.min(POISSON_MAX_MEAN, mu * (1 + bump) + bump);
          expect(poissonSurvival(k, more)).toBeGreaterThanOrEqual(poissonSurvival(k, mu) * (1 - 1e-13));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the log forms agree with the plain forms where those are representable', () => {
    fc.assert(
      fc.property(mean, fc.double({ min: -8, max: 8, noNaN: true }), (mu, offset) => {
        const k = countNear(mu, offset);
        expect(Math.exp(poissonLogCdf(k, mu))).toBeCloseTo(poissonCdf(k, mu), 14);
        expect(Math.exp(poissonLogSurvival(k, mu))).toBeCloseTo(poissonSurvival(k, mu), 14);
        expect(Math.exp(poissonLogPmf(k, mu))).toBe(poissonPmf(k, mu));
      }),
      { numRuns: 1000 },
    );
  });

  it('series and continued fraction agree where both converge (the switch is seamless)', () => {
    // Both expansions are valid for μ ≥ k + 2; there the series is slower but still exact.
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 1e6, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        (mu, below) => {
          const k = Math.max(0, Math.floor(mu - 2 - below * Math.sqrt(mu)));
          const upper = tailValue(upperSeries(k, mu));
          const lower = tailValue(lowerContinuedFraction(k, mu));
          expect(Math.abs(upper + lower - 1)).toBeLessThanOrEqual(1e-14);
        },
      ),
      { numRuns: 300 },
    );
  });
});
