import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxOfflineWindow, oversellProbability, POISSON_MAX_MEAN, poissonSurvival } from '../src/index.js';

const HOUR = 3_600_000;

describe('oversellProbability', () => {
  it('shared stock of 160 against λ = (30, 20, 10)/h for 2 h oversells with P ≈ 2.09e-4', () => {
    const risk = oversellProbability({ stock: 160, ratesPerHour: [30, 20, 10], windowMs: 2 * HOUR });
    expect(risk).toBeCloseTo(2.09e-4, 6);
    expect(risk).toBe(poissonSurvival(160, 120));
  });

  it('is P(Poisson(Σλ·T) > S): one merged terminal is the same as many', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 10 * HOUR }),
        (rates, stock, windowMs) => {
          const total = rates.reduce((a, b) => a + b, 0);
          const split = oversellProbability({ stock, ratesPerHour: rates, windowMs });
          const merged = oversellProbability({ stock, ratesPerHour: [total], windowMs });
          expect(split).toBe(merged);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects bad arguments naming them', () => {
    const base = { stock: 10, ratesPerHour: [1, 2], windowMs: HOUR };
    expect(() => oversellProbability({ ...base, stock: -1 })).toThrow(/^stock must be an integer/);
    expect(() => oversellProbability({ ...base, windowMs: 0 })).toThrow(/^windowMs must be an integer/);
    expect(() => oversellProbability({ ...base, ratesPerHour: [1, Number.NaN] })).toThrow(
      new RangeError('ratesPerHour[1] must not be NaN'),
    );
    expect(() => oversellProbability({ ...base, ratesPerHour: 5 as unknown as number[] })).toThrow(TypeError);
    expect(() => oversellProbability({ ...base, ratesPerHour: [1e15] })).toThrow(/above/);
  });
});

describe('maxOfflineWindow', () => {
  const riskAt = (stock: number, rates: number[], windowMs: number) =>
    windowMs === 0 ? 0 : oversellProbability({ stock, ratesPerHour: rates, windowMs });

  it('is exact to the millisecond: risk(T) ≤ ε < risk(T + 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 500, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.oneof(fc.double({ min: 1e-6, max: 0.9, noNaN: true }), fc.constantFrom(1e-12, 1e-100, 0.5)),
        (rates, stock, epsilon) => {
          const w = maxOfflineWindow({ stock, ratesPerHour: rates, maxOversellProbability: epsilon });
          expect(w.capped).toBe(false);
          expect(Number.isSafeInteger(w.windowMs)).toBe(true);
          expect(riskAt(stock, rates, w.windowMs)).toBeLessThanOrEqual(epsilon);
          expect(riskAt(stock, rates, w.windowMs + 1)).toBeGreaterThan(epsilon);
          expect(w.oversellProbability).toBe(riskAt(stock, rates, w.windowMs));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('grows with stock and with the tolerated risk', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 1e-6, max: 0.5, noNaN: true }),
        (stock, e) => {
          const at = (s: number, eps: number) =>
            maxOfflineWindow({ stock: s, ratesPerHour: [30, 20, 10], maxOversellProbability: eps }).windowMs;
          expect(at(stock + 1, e)).toBeGreaterThanOrEqual(at(stock, e));
          expect(at(stock, Math.min(0.99, e * 2))).toBeGreaterThanOrEqual(at(stock, e));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with no stock the closed form is T = −ln(1 − ε)/Λ', () => {
    const w = maxOfflineWindow({ stock: 0, ratesPerHour: [1], maxOversellProbability: 0.5 });
    expect(w.windowMs).toBe(Math.floor(Math.LN2 * HOUR));
  });

  it('the evening market may stay offline about 2 h 4 min at ε = 0.001', () => {
    const w = maxOfflineWindow({ stock: 160, ratesPerHour: [30, 20, 10], maxOversellProbability: 0.001 });
    expect(w.windowMs).toBe(7_477_160);
    expect(w.expectedDemand).toBeCloseTo((60 * w.windowMs) / HOUR, 9);
  });

  it('no demand never oversells; an enormous stock is capped at the largest supported mean', () => {
    expect(maxOfflineWindow({ stock: 1, ratesPerHour: [0, 0], maxOversellProbability: 0.1 }).windowMs).toBe(
      Number.POSITIVE_INFINITY,
    );
    const capped = maxOfflineWindow({
      stock: 2 * POISSON_MAX_MEAN,
      ratesPerHour: [1e6],
      maxOversellProbability: 0.1,
    });
    expect(capped.capped).toBe(true);
    expect(capped.expectedDemand).toBeLessThanOrEqual(POISSON_MAX_MEAN);
  });

  it('rejects bad arguments naming them', () => {
    const base = { stock: 10, ratesPerHour: [1], maxOversellProbability: 0.05 };
    expect(() => maxOfflineWindow({ ...base, maxOversellProbability: 0 })).toThrow(
      /^maxOversellProbability must be in/,
    );
    expect(() => maxOfflineWindow({ ...base, maxOversellProbability: 1.2 })).toThrow(RangeError);
    expect(() => maxOfflineWindow({ ...base, stock: -3 })).toThrow(/^stock/);
    expect(() => maxOfflineWindow({ ...base, ratesPerHour: [-1] })).toThrow(/^ratesPerHour\[0\]/);
    expect(() => maxOfflineWindow(null as unknown as typeof base)).toThrow(
      new TypeError('input must be an object, got null'),
    );
  });
});
