import { type BoundedCounterState, boundedCounter, isReview, mergeAll } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICES } from './support/replicas.js';

// What the counter must hold at its edges: states that arrive from elsewhere
// (JSON from another till, a ledger row) and counts that near 2^53 − 1.

const stock = boundedCounter();
const MAX = Number.MAX_SAFE_INTEGER;
const ok = (r: ReturnType<typeof stock.decrement>): BoundedCounterState => {
  if (isReview(r)) throw new Error(`expected success, got review: ${r.review}`);
  return r.value;
};
const stocked = ok(stock.transfer(stock.increment(stock.empty(), 'hq', 10), 'hq', 'till-1', 4));

/** States a device could never have produced, each of which would mint rights or poison the counts. */
const forged: [string, unknown, RegExp][] = [
  ['negative decrement', { rights: { hq: { hq: 3 } }, decrements: { 'till-1': -5 } }, /decrements/],
  ['NaN right', { rights: { hq: { hq: Number.NaN } }, decrements: {} }, /rights/],
  ['fractional right', { rights: { hq: { hq: 1.5 } }, decrements: {} }, /rights/],
  ['string count', { rights: { hq: { hq: '3' } }, decrements: {} }, /rights/],
  ['unsafe right', { rights: { hq: { hq: 2 ** 53 } }, decrements: {} }, /rights/],
  ['row not an object', { rights: { hq: 5 }, decrements: {} }, /rights/],
  ['row an array', { rights: { hq: [5] }, decrements: {} }, /rights/],
  ['missing decrements', { rights: {} }, /decrements/],
  ['rights an array', { rights: [], decrements: {} }, /rights/],
  ['bad device id', { rights: { 'till 2': { 'till 2': 1 } }, decrements: {} }, /device/],
  ['bad receiving id', { rights: { hq: { hq: 2, '': 1 } }, decrements: {} }, /device/],
  // Each entry is well-formed, but till-1 sold 5 with no rights: the value would read −5.
  ['sold without rights', { rights: {}, decrements: { 'till-1': 5 } }, /till-1/],
  ['gave away more than held', { rights: { hq: { hq: 1, 'till-1': 3 } }, decrements: {} }, /hq/],
  ['added past 2^53 − 1', { rights: { a: { a: MAX }, b: { b: 1 } }, decrements: {} }, /2\^53/],
  ['null', null, /state/],
  ['a string', '{"rights":{},"decrements":{}}', /state/],
];

describe('boundedCounter: states from elsewhere', () => {
  it.each(forged)('parse refuses a forged state (%s) with a TypeError or RangeError', (_, bad, message) => {
    let thrown: unknown;
    try {
      stock.parse(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown instanceof TypeError || thrown instanceof RangeError).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });

  it.each(forged)('merge, value and every operation refuse it too (%s), changing nothing', (_, bad) => {
    const copy = structuredClone(stocked);
    const s = bad as BoundedCounterState;
    expect(() => stock.merge(stocked, s)).toThrow();
    expect(() => stock.merge(s, stocked)).toThrow();
    expect(() => stock.value(s)).toThrow();
    expect(() => stock.resolve(s)).toThrow();
    expect(() => stock.localRights(s, 'till-1')).toThrow();
    expect(() => stock.decrement(s, 'till-1', 1)).toThrow();
    expect(() => stock.transfer(s, 'hq', 'till-2', 1)).toThrow();
    expect(() => stock.increment(s, 'hq', 1)).toThrow();
    expect(stocked).toEqual(copy);
  });

  it('parse keeps a valid state, as a sorted copy that compares equal to the original', () => {
    const wire = JSON.parse(JSON.stringify(stocked)) as unknown;
    const parsed = stock.parse(wire);
    expect(parsed).toEqual(stocked);
    expect(parsed).not.toBe(wire);
    expect(stock.localRights(parsed, 'till-1')).toBe(4);
    // A "__proto__" device is an own key on the wire and stays one.
    const proto = stock.parse(JSON.parse('{"rights":{"__proto__":{"__proto__":2}},"decrements":{}}'));
    expect(stock.localRights(proto, '__proto__')).toBe(2);
    expect(Object.getPrototypeOf(proto.rights)).toBe(Object.prototype);
  });

  it('the documented flow: the server hands out rights, a till sells within them, the server merges', () => {
    const server = ok(stock.transfer(stock.increment(stock.empty(), 'server', 100), 'server', 'till-1', 40));
    // The till receives the server's state as JSON.
    let till = stock.parse(JSON.parse(JSON.stringify(server)));
    expect(stock.localRights(till, 'till-1')).toBe(40);
    expect(isReview(stock.decrement(till, 'till-1', 41))).toBe(true);
    till = ok(stock.decrement(till, 'till-1', 3));
    expect(stock.localRights(till, 'till-1')).toBe(37);
    const merged = stock.merge(server, stock.parse(JSON.parse(JSON.stringify(till))));
    expect(stock.value(merged)).toBe(97);
    expect(stock.localRights(merged, 'till-1')).toBe(37);
    expect(stock.localRights(merged, 'server')).toBe(60);
  });
});

describe('boundedCounter: counts near 2^53 − 1', () => {
  it('an increment that would add past 2^53 − 1 is a RangeError, not a rounded count', () => {
    const full = stock.increment(stock.empty(), 'hq', MAX);
    expect(() => stock.increment(full, 'hq', 1)).toThrow(RangeError);
    expect(() => stock.increment(full, 'till-1', 1)).toThrow(RangeError);
    expect(stock.value(full)).toBe(MAX);
  });

  it('rights handed back and forth until an entry would pass 2^53 − 1 are refused, not rounded', () => {
    let s = stock.increment(stock.empty(), 'a', MAX - 1);
    s = ok(stock.transfer(s, 'a', 'b', MAX - 1));
    s = ok(stock.transfer(s, 'b', 'a', MAX - 1));
    // a has now given b MAX − 1 in total; one more unit would make it MAX, two more pass it.
    s = ok(stock.transfer(s, 'a', 'b', 1));
    expect(() => stock.transfer(s, 'a', 'b', 2)).toThrow(RangeError);
    expect(stock.localRights(s, 'a')).toBe(MAX - 2);
    expect(stock.localRights(s, 'b')).toBe(1);
  });

  it('merging replicas whose increments together pass 2^53 − 1 is a RangeError', () => {
    const a = stock.increment(stock.empty(), 'a', MAX);
    const b = stock.increment(stock.empty(), 'b', 1);
    expect(() => stock.merge(a, b)).toThrow(RangeError);
  });
});

describe('boundedCounter: laws under a simulated fleet', () => {
  type Step =
    | { kind: 'inc' | 'dec'; at: number; n: number }
    | { kind: 'transfer'; at: number; to: number; n: number }
    | { kind: 'sync'; at: number; from: number };
  const at = fc.nat({ max: DEVICES.length - 1 });
  const n = fc.integer({ min: 1, max: 30 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constantFrom('inc' as const, 'dec' as const), at, n }),
    fc.record({ kind: fc.constant('transfer' as const), at, to: at, n }),
    fc.record({ kind: fc.constant('sync' as const), at, from: at }),
  );

  it('law: stock is conserved (value = added − sold), JSON round-trips, and no device sees more rights than it has', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50 }), (steps) => {
        const replicas = DEVICES.map(() => stock.empty());
        let added = 0;
        let sold = 0;
        for (const s of steps) {
          const device = DEVICES[s.at]!;
          const mine = replicas[s.at]!;
          const held = stock.localRights(mine, device);
          if (s.kind === 'inc') {
            replicas[s.at] = stock.increment(mine, device, s.n);
            added += s.n;
          } else if (s.kind === 'dec') {
            const r = stock.decrement(mine, device, s.n);
            expect(isReview(r)).toBe(s.n > held);
            if (!isReview(r)) {
              replicas[s.at] = r.value;
              sold += s.n;
            }
          } else if (s.kind === 'transfer') {
            if (s.to === s.at) continue;
            const r = stock.transfer(mine, device, DEVICES[s.to]!, s.n);
            expect(isReview(r)).toBe(s.n > held);
            if (!isReview(r)) replicas[s.at] = r.value;
          } else if (s.kind === 'sync') {
            // The state travels as JSON and is parsed on arrival, as between tills.
            const wire = stock.parse(JSON.parse(JSON.stringify(replicas[s.from]!)));
            replicas[s.at] = stock.merge(mine, wire);
          }
          const all = mergeAll(stock, replicas);
          expect(stock.value(all)).toBe(added - sold);
          DEVICES.forEach((d, i) => {
            // A replica's stale view of its own rights never exceeds what it really holds.
            expect(stock.localRights(replicas[i]!, d)).toBeLessThanOrEqual(stock.localRights(all, d));
            expect(stock.localRights(all, d)).toBeGreaterThanOrEqual(0);
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
