import { mergeAll, pnCounter } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawSuite } from './support/laws.js';
import { replicaStates } from './support/replicas.js';

const counter = pnCounter();
const delta = fc.integer({ min: -5, max: 5 });
const states = replicaStates(
  counter.empty,
  delta,
  (s, device, d) => counter.add(s, device, d),
  counter.merge,
);

describe('pnCounter', () => {
  lawSuite(counter, states);

  it('law: after exchanging states every replica reads the sum of all additions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2 }), delta), { maxLength: 40 }), (ops) => {
        const devices = ['till-0', 'till-1', 'till-2'];
        const replicas = devices.map(() => counter.empty());
        for (const [r, d] of ops) replicas[r] = counter.add(replicas[r]!, devices[r]!, d);
        const total = ops.reduce((sum, [, d]) => sum + d, 0);
        expect(counter.value(mergeAll(counter, replicas))).toBe(total);
        expect(counter.resolve(mergeAll(counter, [...replicas].reverse()))).toEqual({ value: total });
      }),
      { numRuns: 1000 },
    );
  });

  it('lacks: an operation applied twice counts twice (deduplicate by intent id)', () => {
    fc.assert(
      fc.property(
        delta.filter((d) => d !== 0),
        (d) => {
          const once = counter.add(counter.empty(), 'till-1', d);
          const twice = counter.add(once, 'till-1', d);
          expect(counter.value(twice)).not.toBe(counter.value(once));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses wrong arguments', () => {
    expect(() => counter.add(counter.empty(), 'till 1', 1)).toThrow(TypeError);
    expect(() => counter.add(counter.empty(), 'till-1', 1.5)).toThrow(RangeError);
    expect(() => counter.add(counter.empty(), 'till-1', '1' as unknown as number)).toThrow(TypeError);
    expect(counter.add(counter.empty(), 'till-1', 0)).toEqual(counter.empty());
  });

  it('keeps a "__proto__" device as a plain entry', () => {
    const s = counter.add(counter.empty(), '__proto__', 3);
    expect(Object.getPrototypeOf(s.increments)).toBe(Object.prototype);
    expect(counter.value(counter.merge(s, counter.empty()))).toBe(3);
  });
});
