import { type BoundedCounterState, boundedCounter, isReview } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allotQuotas } from '../src/index.js';

const stock = boundedCounter();
const ok = (r: ReturnType<typeof allotQuotas>): BoundedCounterState => {
  if (isReview(r)) throw new Error(`expected success, got review: ${r.review}`);
  return r.value;
};
const tills = [
  { id: 'grill', ratePerHour: 30 },
  { id: 'noodles', ratePerHour: 20 },
  { id: 'drinks', ratePerHour: 10 },
];
const plan = allocate({ stock: 160, devices: tills, windowMs: 7_200_000, maxStockoutProbability: 0.05 });
const stocked = stock.increment(stock.empty(), 'server', 160);
const rightsOf = (s: BoundedCounterState, ids: readonly string[]) =>
  ids.map((id) => stock.localRights(s, id));

describe('allotQuotas', () => {
  it('hands an allocate plan out as rights, and the server keeps the remainder', () => {
    const s = ok(allotQuotas(stocked, 'server', plan.devices));
    expect(rightsOf(s, ['grill', 'noodles', 'drinks', 'server'])).toEqual([73, 51, 28, 8]);
    expect(stock.value(s)).toBe(160);
  });

  it('tops devices up to their quota: a till that sold gets what it sold back, one above its quota keeps it', () => {
    let s = ok(
      allotQuotas(stocked, 'server', [
        { id: 'grill', quota: 50 },
        { id: 'drinks', quota: 20 },
      ]),
    );
    const sold = stock.decrement(s, 'grill', 45);
    if (isReview(sold)) throw new Error(sold.review);
    s = ok(
      allotQuotas(sold.value, 'server', [
        { id: 'grill', quota: 50 },
        { id: 'drinks', quota: 10 },
      ]),
    );
    // grill held 5 and gets 45; drinks holds 20 > 10 and is left alone (only the holder can give rights away).
    expect(rightsOf(s, ['grill', 'drinks', 'server'])).toEqual([50, 20, 45]);
  });

  it('is all or nothing: a server without rights for every top-up gets a review and no state', () => {
    const s = stock.increment(stock.empty(), 'server', 100);
    const r = allotQuotas(s, 'server', plan.devices);
    expect(isReview(r)).toBe(true);
    if (!isReview(r)) return;
    expect(r.review).toBe('server holds 100 rights and the quotas need 152: 52 short');
    expect(r.suggestions).toEqual([]);
    expect(rightsOf(s, ['server', 'grill'])).toEqual([100, 0]);
  });

  it('refuses misuse with a TypeError or RangeError naming the argument', () => {
    expect(() => allotQuotas(stocked, 'server', { id: 'a', quota: 1 } as never)).toThrow(
      /^quotas must be an array/,
    );
    expect(() => allotQuotas(stocked, 'server', [{ id: 'a', quota: -1 }])).toThrow(/^quotas\[0\]\.quota/);
    expect(() => allotQuotas(stocked, 'server', [{ id: 'a', quota: 1.5 }])).toThrow(RangeError);
    expect(() =>
      allotQuotas(stocked, 'server', [
        { id: 'a', quota: 1 },
        { id: 'a', quota: 2 },
      ]),
    ).toThrow(/^quotas\[1\]\.id "a" appears twice/);
    expect(() => allotQuotas(stocked, 'server', [{ id: 'server', quota: 1 }])).toThrow(/^quotas\[0\]\.id/);
    expect(() => allotQuotas(stocked, 'server', [{ id: 'till 2', quota: 1 }])).toThrow(TypeError);
    expect(() => allotQuotas(stocked, 'server', [null as never])).toThrow(TypeError);
    const forged = { rights: {}, decrements: { server: 1 } } as BoundedCounterState;
    expect(() => allotQuotas(forged, 'server', [])).toThrow(RangeError);
  });

  it('law: rights are conserved, each device ends at max(before, quota), the server pays exactly the top-ups', () => {
    const ids = ['a', 'b', 'c'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 3, maxLength: 3 }),
        (added, first, second) => {
          let s = added > 0 ? stock.increment(stock.empty(), 'server', added) : stock.empty();
          for (const quotas of [first, second]) {
            const before = rightsOf(s, ids);
            const server = stock.localRights(s, 'server');
            const need = ids.reduce((sum, _, i) => sum + Math.max(0, quotas[i]! - before[i]!), 0);
            const r = allotQuotas(
              s,
              'server',
              ids.map((id, i) => ({ id, quota: quotas[i]! })),
            );
            expect(isReview(r)).toBe(need > server);
            if (isReview(r)) continue;
            s = r.value;
            expect(rightsOf(s, ids)).toEqual(ids.map((_, i) => Math.max(before[i]!, quotas[i]!)));
            expect(stock.localRights(s, 'server')).toBe(server - need);
            expect(stock.value(s)).toBe(added);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
