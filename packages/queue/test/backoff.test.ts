import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, cryptoRandom } from '../src/lib/backoff.js';

describe('backoff with full jitter', () => {
  it('law: the delay is an integer in [0, min(maxMs, baseMs·2^(n-1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, extra, r) => {
          const policy = { baseMs, maxMs: baseMs + extra };
          const ceiling = Math.min(policy.maxMs, baseMs * 2 ** (attempt - 1));
          expect(backoffCeiling(attempt, policy)).toBe(ceiling);
          const d = backoffDelay(attempt, policy, () => r);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(ceiling);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('law: the ceiling never decreases with the attempt number and never passes the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 1000 }), (n, base) => {
        const policy = { baseMs: base, maxMs: 300_000 };
        expect(backoffCeiling(n + 1, policy)).toBeGreaterThanOrEqual(backoffCeiling(n, policy));
        expect(backoffCeiling(n, policy)).toBeLessThanOrEqual(300_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('draws from crypto.getRandomValues in [0, 1) and uses the whole jitter range', () => {
    const samples = Array.from({ length: 2000 }, cryptoRandom);
    expect(samples.every((x) => x >= 0 && x < 1)).toBe(true);
    const delays = Array.from({ length: 2000 }, () => backoffDelay(4, { baseMs: 100, maxMs: 10_000 }));
    // Full jitter, not "equal jitter": both the low and the high end of [0, 800] occur.
    expect(Math.min(...delays)).toBeLessThan(80);
    expect(Math.max(...delays)).toBeGreaterThan(720);
  });
});
