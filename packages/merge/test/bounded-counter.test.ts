import { type BoundedCounterState, boundedCounter, isReview, mergeAll } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawSuite } from './support/laws.js';
import { DEVICES, replicaStates } from './support/replicas.js';

const stock = boundedCounter();
type Op = { kind: 'inc' | 'dec'; n: number } | { kind: 'transfer'; to: number; n: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('inc' as const, 'dec' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    kind: fc.constant('transfer' as const),
    to: fc.nat({ max: 2 }),
    n: fc.integer({ min: 1, max: 4 }),
  }),
);

function apply(state: BoundedCounterState, device: string, o: Op): BoundedCounterState {
  if (o.kind === 'inc') return stock.increment(state, device, o.n);
  const target = DEVICES[o.kind === 'transfer' ? o.to : 0]!;
  if (o.kind === 'transfer' && target === device) return state;
  const result =
    o.kind === 'dec' ? stock.decrement(state, device, o.n) : stock.transfer(state, device, target, o.n);
  return isReview(result) ? state : result.value;
}

const states = replicaStates(stock.empty, op, apply, stock.merge);

describe('boundedCounter', () => {
  lawSuite(stock, states);

  it('invariant: no replica and no merge of replicas ever reads below zero', () => {
    fc.assert(
      fc.property(states, (all) => {
        for (const s of all) expect(stock.value(s)).toBeGreaterThanOrEqual(0);
        expect(stock.value(mergeAll(stock, all))).toBeGreaterThanOrEqual(0);
        for (const d of DEVICES) expect(stock.localRights(mergeAll(stock, all), d)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('law: local rights sum to the value (rights are conserved by transfers)', () => {
    fc.assert(
      fc.property(states, (all) => {
        const merged = mergeAll(stock, all);
        const rights = DEVICES.reduce((sum, d) => sum + stock.localRights(merged, d), 0);
        expect(rights).toBe(stock.value(merged));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a decrement beyond local rights with transfer and backorder suggestions', () => {
    let s = stock.increment(stock.empty(), 'hq', 10);
    const moved = stock.transfer(s, 'hq', 'till-1', 4);
    if (isReview(moved)) throw new Error('transfer should succeed');
    s = moved.value;
    expect(stock.localRights(s, 'hq')).toBe(6);
    expect(stock.localRights(s, 'till-1')).toBe(4);
    const refused = stock.decrement(s, 'till-1', 5);
    expect(isReview(refused)).toBe(true);
    if (!isReview(refused)) return;
    expect(refused.review).toBe('till-1 holds 4 rights and asked to take 5');
    expect(refused.suggestions.map((x) => [x.action, x.quantity, x.device])).toEqual([
      ['transfer_rights', 1, 'hq'],
      ['backorder', 1, undefined],
    ]);
    const ok = stock.decrement(s, 'till-1', 4);
    expect(isReview(ok) ? -1 : stock.value(ok.value)).toBe(6);
    expect(isReview(stock.transfer(s, 'till-1', 'till-2', 5))).toBe(true);
  });

  it('lacks: operations do not commute (a decrement can be refused in one order only)', () => {
    const base = stock.increment(stock.empty(), 'hq', 1);
    const decThenInc = stock.decrement(base, 'hq', 2);
    const incThenDec = stock.decrement(stock.increment(base, 'hq', 1), 'hq', 2);
    expect(isReview(decThenInc)).toBe(true);
    expect(isReview(incThenDec)).toBe(false);
  });

  it('refuses wrong arguments', () => {
    const s = stock.empty();
    expect(() => stock.increment(s, 'hq', 0)).toThrow(RangeError);
    expect(() => stock.decrement(s, 'hq', -1)).toThrow(RangeError);
    expect(() => stock.transfer(s, 'hq', 'hq', 1)).toThrow(RangeError);
    expect(() => stock.transfer(s, 'hq', 'till 2', 1)).toThrow(TypeError);
    expect(() => stock.localRights(s, '')).toThrow(TypeError);
  });
});
