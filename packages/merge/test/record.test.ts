import {
  addWinsSet,
  isReview,
  lastWriterWins,
  manualReview,
  max,
  type ObservedSetState,
  type PnCounterState,
  pnCounter,
  type Resolver,
  recordMerge,
  SEMILATTICE,
  type Versioned,
  versioned,
} from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawSuite, stamp } from './support/laws.js';

const counter = pnCounter();
const tags = addWinsSet();
const product = recordMerge({ price: lastWriterWins<number>(), sold: counter, tags, high: max() });

// One history: each step edits one field on one of three replicas, replicas sync now and then.
const step = fc.record({
  replica: fc.nat({ max: 2 }),
  field: fc.constantFrom('price', 'sold', 'tags', 'high', 'sync'),
  n: fc.integer({ min: 0, max: 3 }),
  from: fc.nat({ max: 2 }),
});
type ProductState = Parameters<typeof product.merge>[0];
const states = fc.array(step, { maxLength: 20 }).map((steps) => {
  const devices = ['till-0', 'till-1', 'till-2'];
  const replicas: ProductState[] = [{}, {}, {}];
  steps.forEach((s, i) => {
    const r = replicas[s.replica]!;
    const device = devices[s.replica]!;
    const hlc = { wall: i, counter: 0, node: device };
    if (s.field === 'sync') replicas[s.replica] = product.merge(r, replicas[s.from]!);
    else if (s.field === 'price')
      replicas[s.replica] = product.merge(r, { price: versioned(s.n, hlc, device) });
    else if (s.field === 'sold')
      replicas[s.replica] = {
        ...r,
        sold: counter.add((r.sold as PnCounterState) ?? counter.empty(), device, s.n),
      };
    else if (s.field === 'tags')
      replicas[s.replica] = {
        ...r,
        tags: tags.add((r.tags as ObservedSetState) ?? tags.empty(), `t${s.n}`, hlc),
      };
    else replicas[s.replica] = product.merge(r, { high: s.n });
  });
  return replicas;
});

describe('recordMerge', () => {
  lawSuite(product, states);

  it('claims exactly the laws all its fields have', () => {
    expect(product.laws).toEqual(SEMILATTICE);
    const sloppy: Resolver<number> = {
      name: 'sum',
      laws: { commutative: true, associative: true, idempotent: false, convergent: false },
      merge: (a, b) => a + b,
      resolve: (s) => ({ value: s }),
    };
    expect(recordMerge({ total: sloppy, high: max() }).laws).toEqual(sloppy.laws);
  });

  it('resolves each field with its own resolver, empty fields from empty()', () => {
    const a = {
      price: versioned(120, '0000000000010000-hq', 'hq'),
      sold: counter.add(counter.empty(), 'till-1', 2),
    };
    const b = { sold: counter.add(counter.empty(), 'till-2', 3), high: 4 };
    expect(product.resolve(product.merge(a, b))).toEqual({
      value: { price: 120, sold: 5, tags: [], high: 4 },
    });
  });

  it('asks for review naming every field without a value or in conflict', () => {
    const float = manualReview<number>({ reason: 'counts differ' });
    const drawer = recordMerge({ float, high: max() });
    const state = drawer.merge(
      { float: float.of(versioned(5000, '0000000000010000-till-1', 'till-1')) },
      { float: float.of(versioned(4950, '0000000000010001-till-2', 'till-2')) },
    );
    const result = drawer.resolve(state);
    expect(isReview(result) && result.review).toBe('float: counts differ; high: no value has been written');
  });

  it('refuses fields with no resolver rather than dropping them', () => {
    expect(() => product.merge({}, { colour: 1 } as never)).toThrow(TypeError);
    expect(() => recordMerge(null as never)).toThrow(TypeError);
  });

  it('accepts hlc stamps from any generator', () => {
    fc.assert(
      fc.property(stamp, stamp, (x, y) => {
        const lww = lastWriterWins<number>();
        const a: Versioned<number> = { value: 1, hlc: x, device: 'a' };
        const b: Versioned<number> = { value: 2, hlc: y, device: 'b' };
        expect(lww.merge(a, b)).toEqual(lww.merge(b, a));
      }),
      { numRuns: 200 },
    );
  });
});
