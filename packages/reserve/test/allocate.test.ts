import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, poissonCdf, poissonQuantile, poissonSurvival } from '../src/index.js';
import { expectedSales, greedyAllocation } from '../src/lib/greedy.js';

const HOUR = 3_600_000;
const market = [
  { id: 'a', ratePerHour: 30 },
  { id: 'b', ratePerHour: 20 },
  { id: 'c', ratePerHour: 10 },
];
const plan = (stock: number, epsilon = 0.05) =>
  allocate({ stock, devices: market, windowMs: 2 * HOUR, maxStockoutProbability: epsilon });

/** E[min(D, s)] straight from its definition Σₖ₌₀^{s−1} P(D > k). */
function salesByDefinition(s: number, mu: number): number {
  let total = 0;
  for (let k = 0; k < s; k++) total += poissonSurvival(k, mu);
  return total;
}

/** The best total expected sales over every split of `units`, by dynamic programming. */
function bestSales(means: number[], units: number): number {
  let best = new Array<number>(units + 1).fill(0);
  for (const mu of means) {
    const next = new Array<number>(units + 1).fill(Number.NEGATIVE_INFINITY);
    for (let used = 0; used <= units; used++) {
      for (let give = 0; used + give <= units; give++) {
        next[used + give] = Math.max(next[used + give]!, best[used]! + salesByDefinition(give, mu));
      }
    }
    best = next;
  }
  return best[units]!;
}

/** The textbook greedy: one unit at a time to the largest P(D > quota), ties to the first device. */
function heapFreeGreedy(means: number[], units: number): number[] {
  const quotas = means.map(() => 0);
  for (let u = 0; u < units; u++) {
    let best = 0;
    for (let i = 1; i < means.length; i++) {
      if (poissonSurvival(quotas[i]!, means[i]!) > poissonSurvival(quotas[best]!, means[best]!)) best = i;
    }
    quotas[best]! += 1;
  }
  return quotas;
}

describe('the field-notes vectors', () => {
  it('λ = (30, 20, 10)/h, T = 2 h, ε = 0.05 gives quotas (73, 51, 28); S = 160 keeps 8', () => {
    const result = plan(160);
    expect(result.devices.map((d) => d.quota)).toEqual([73, 51, 28]);
    expect(result.serverRemainder).toBe(8);
    expect(result.strategy).toBe('quantile');
    expect(result.requiredStock).toBe(152);
    expect(result.reason).toContain('the server keeps 8');
    for (const d of result.devices) {
      expect(d.expectedDemand).toBe(d.ratePerHour * 2);
      expect(d.stockoutProbability).toBeLessThanOrEqual(0.05);
      expect(poissonSurvival(d.quota - 1, d.expectedDemand)).toBeGreaterThan(0.05);
      expect(d.stockoutProbability).toBe(poissonSurvival(d.quota, d.expectedDemand));
    }
  });

  it('S = 100 gives greedy quotas (52, 33, 15), and says so', () => {
    const result = plan(100);
    expect(result.devices.map((d) => d.quota)).toEqual([52, 33, 15]);
    expect(result.strategy).toBe('greedy-marginal');
    expect(result.reason).toMatch(/need 152 units but only 100 exist.*maximises expected sales/);
    expect(result.serverRemainder).toBe(0);
    expect(result.allocatedStock).toBe(100);
    expect(result.devices.map((d) => d.targetQuota)).toEqual([73, 51, 28]);
  });

  it('the exact fit uses the quotas with nothing left; one unit short switches to greedy', () => {
    expect(plan(152).serverRemainder).toBe(0);
    expect(plan(152).strategy).toBe('quantile');
    const short = plan(151);
    expect(short.strategy).toBe('greedy-marginal');
    expect(short.allocatedStock).toBe(151);
  });
});

describe('expected sales', () => {
  it('matches Σ P(D > k) for every quota', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 300, noNaN: true }), fc.integer({ min: 0, max: 400 }), (mu, s) => {
        expect(expectedSales(s, mu)).toBeCloseTo(salesByDefinition(s, mu), 9);
      }),
      { numRuns: 1000 },
    );
  });

  it('is reported per device and in total', () => {
    const result = plan(160);
    const total = result.devices.reduce((a, d) => a + d.expectedSales, 0);
    expect(result.expectedSales).toBeCloseTo(total, 12);
    expect(result.devices[0]!.expectedSales).toBeCloseTo(salesByDefinition(73, 60), 10);
    expect(result.devices[0]!.expectedSales).toBeLessThan(60);
  });
});

describe('greedy marginal allocation', () => {
  const instance = fc.record({
    means: fc.array(fc.double({ min: 0, max: 25, noNaN: true }), { minLength: 1, maxLength: 4 }),
    fraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    epsilon: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
  });

  it('maximises expected sales (checked against dynamic programming over every split)', () => {
    fc.assert(
      fc.property(instance, ({ means, fraction, epsilon }) => {
        const targets = means.map((mu) => poissonQuantile(epsilon, mu, { lowerTail: false }));
        const required = targets.reduce((a, b) => a + b, 0);
        fc.pre(required > 0);
        const units = Math.floor(fraction * required);
        const { quotas, stockout, sales: salesRead } = greedyAllocation(means, targets, units, epsilon);
        expect(quotas.reduce((a, b) => a + b, 0)).toBe(units);
        quotas.forEach((q, i) => {
          expect(q).toBeLessThanOrEqual(targets[i]!);
        });
        const sales = quotas.reduce((a, q, i) => a + salesByDefinition(q, means[i]!), 0);
        expect(sales).toBeGreaterThanOrEqual(bestSales(means, units) - 1e-9);
        // The stockout risks and sales read off the gain windows match direct evaluation.
        quotas.forEach((q, i) => {
          expect(stockout[i]).toBeCloseTo(poissonSurvival(q, means[i]!), 13);
          expect(salesRead[i]).toBeCloseTo(salesByDefinition(q, means[i]!), 11);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('equals the unit-at-a-time greedy, and the windowed search equals the full one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 200, noNaN: true }), { minLength: 2, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (means, fraction) => {
          const targets = means.map((mu) => poissonQuantile(0.01, mu, { lowerTail: false }));
          const units = Math.floor(fraction * targets.reduce((a, b) => a + b, 0));
          const full = greedyAllocation(means, targets, units, 0.01);
          const windowed = greedyAllocation(means, targets, units, 0.01, 16);
          // Marginal gains that tie to within rounding may be taken in either order, so
          // the law is equal expected sales (and equal quotas away from such ties).
          const total = (quotas: readonly number[]) =>
            quotas.reduce((a, q, i) => a + salesByDefinition(q, means[i]!), 0);
          const reference = heapFreeGreedy(means, units);
          expect(windowed.quotas.reduce((a, b) => a + b, 0)).toBe(units);
          expect(total(windowed.quotas)).toBeCloseTo(total(full.quotas), 9);
          expect(total(full.quotas)).toBeCloseTo(total(reference), 9);
        },
      ),
      {
        numRuns: 200,
        examples: [[[33.033466467982926, 69.97761703782004, 12.574012691412253], 0.10062893081761007]],
      },
    );
  });

  it('more stock never takes a unit away from any device', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 151 }), (stock) => {
        const a = plan(stock).devices.map((d) => d.quota);
        const b = plan(stock + 1).devices.map((d) => d.quota);
        a.forEach((q, i) => {
          expect(b[i]).toBeGreaterThanOrEqual(q);
        });
      }),
      { numRuns: 152 },
    );
  });

  it('a large fleet in short supply gets every unit, within its ε-quotas', () => {
    const devices = Array.from({ length: 1000 }, (_, i) => ({
      id: `t${i}`,
      ratePerHour: 1 + ((i * 37) % 60),
    }));
    const full = allocate({ stock: 10 ** 9, devices, windowMs: 2 * HOUR, maxStockoutProbability: 0.01 });
    const stock = Math.floor(full.requiredStock * 0.6);
    const short = allocate({ stock, devices, windowMs: 2 * HOUR, maxStockoutProbability: 0.01 });
    expect(short.strategy).toBe('greedy-marginal');
    expect(short.allocatedStock).toBe(stock);
    short.devices.forEach((d, i) => {
      expect(d.quota).toBeLessThanOrEqual(full.devices[i]!.quota);
    });
    // Greedy equalises marginal gains: no device's next unit beats another's last one.
    let lowestLast = 1;
    let highestNext = 0;
    for (const d of short.devices) {
      if (d.quota > 0) lowestLast = Math.min(lowestLast, poissonSurvival(d.quota - 1, d.expectedDemand));
      highestNext = Math.max(highestNext, poissonSurvival(d.quota, d.expectedDemand));
    }
    expect(highestNext).toBeLessThanOrEqual(lowestLast * (1 + 1e-12));
  });
});

describe('inputs', () => {
  it('a device with no demand gets nothing; no devices leaves everything with the server', () => {
    const result = allocate({
      stock: 10,
      devices: [{ id: 'idle', ratePerHour: 0 }],
      windowMs: HOUR,
      maxStockoutProbability: 0.1,
    });
    expect(result.devices[0]).toMatchObject({ quota: 0, stockoutProbability: 0, expectedSales: 0 });
    expect(
      allocate({ stock: 7, devices: [], windowMs: HOUR, maxStockoutProbability: 0.1 }).serverRemainder,
    ).toBe(7);
  });

  it('quotas match the cdf definition min{k : F(k) ≥ 1 − ε} for large means too', () => {
    const result = allocate({
      stock: 10 ** 8,
      devices: [{ id: 'big', ratePerHour: 5e6 }],
      windowMs: 2 * HOUR,
      maxStockoutProbability: 0.05,
    });
    const [d] = result.devices;
    expect(poissonCdf(d!.quota, 1e7)).toBeGreaterThanOrEqual(0.95);
    expect(poissonCdf(d!.quota - 1, 1e7)).toBeLessThan(0.95);
  });

  it('rejects bad arguments naming them', () => {
    const base = { stock: 10, devices: market, windowMs: HOUR, maxStockoutProbability: 0.05 };
    expect(() => allocate({ ...base, stock: -1 })).toThrow(/^stock must be an integer/);
    expect(() => allocate({ ...base, stock: 1.5 })).toThrow(RangeError);
    expect(() => allocate({ ...base, windowMs: 0 })).toThrow(/^windowMs must be an integer in \[1,/);
    expect(() => allocate({ ...base, maxStockoutProbability: 0 })).toThrow(
      /^maxStockoutProbability must be in the open/,
    );
    expect(() => allocate({ ...base, maxStockoutProbability: 1 })).toThrow(RangeError);
    expect(() => allocate({ ...base, maxStockoutProbability: Number.NaN })).toThrow(RangeError);
    expect(() => allocate({ ...base, devices: [{ id: 'x', ratePerHour: Number.NaN }] })).toThrow(
      new RangeError('devices[0].ratePerHour must not be NaN'),
    );
    expect(() => allocate({ ...base, devices: [{ id: 'x', ratePerHour: -2 }] })).toThrow(
      /^devices\[0\].ratePerHour/,
    );
    expect(() => allocate({ ...base, devices: [{ id: 7 as unknown as string, ratePerHour: 1 }] })).toThrow(
      new TypeError('devices[0].id must be a string, got number'),
    );
    expect(() => allocate({ ...base, devices: [market[0]!, market[0]!] })).toThrow(
      /^devices\[1\].id duplicates/,
    );
    expect(() => allocate({ ...base, devices: {} as unknown as [] })).toThrow(TypeError);
    expect(() => allocate({ ...base, stock: '5' as unknown as number })).toThrow(
      new TypeError('stock must be a number, got string'),
    );
    expect(() => allocate({ ...base, devices: [{ id: 'x', ratePerHour: 1e12 }] })).toThrow(
      /above 1000000000/,
    );
  });
});
