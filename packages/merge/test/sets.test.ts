import type { HlcTimestamp } from '@tallystick/core';
import {
  addWinsSet,
  mergeAll,
  type ObservedSet,
  type ObservedSetState,
  removeWinsSet,
} from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawSuite } from './support/laws.js';
import { replicaStates } from './support/replicas.js';

const op = fc.record({
  kind: fc.constantFrom('add' as const, 'remove' as const),
  element: fc.constantFrom('x', 'y', 'z'),
});
const at = (wall: number, node: string): HlcTimestamp => ({ wall, counter: 0, node });

function statesFor(set: ObservedSet) {
  return replicaStates<ObservedSetState, { kind: 'add' | 'remove'; element: string }>(
    set.empty,
    op,
    (s, device, o, step) => set[o.kind](s, o.element, at(step, device)),
    set.merge,
  );
}

for (const [set, concurrentResult] of [
  [addWinsSet(), ['gift-wrap']],
  [removeWinsSet(), []],
] as const) {
  describe(set.name, () => {
    lawSuite(set, statesFor(set));

    it(`a concurrent add and remove resolves to ${JSON.stringify(concurrentResult)}`, () => {
      const base = set.add(set.empty(), 'gift-wrap', at(1, 'till-1'));
      const removed = set.remove(base, 'gift-wrap', at(2, 'till-1'));
      const readded = set.add(base, 'gift-wrap', at(2, 'till-2'));
      expect(set.resolve(set.merge(removed, readded)).value).toEqual(concurrentResult);
      expect(set.resolve(set.merge(readded, removed)).value).toEqual(concurrentResult);
      expect(set.has(set.merge(readded, removed), 'gift-wrap')).toBe(concurrentResult.length > 0);
    });

    it('sequential operations behave like a plain set', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
          let state = set.empty();
          const plain = new Set<string>();
          ops.forEach((o, i) => {
            state = set[o.kind](state, o.element, at(i, 'till-1'));
            if (o.kind === 'add') plain.add(o.element);
            else plain.delete(o.element);
          });
          expect(set.resolve(state).value).toEqual([...plain].sort());
        }),
        { numRuns: 1000 },
      );
    });

    it('refuses a reused stamp and a non-string element', () => {
      const s = set.add(set.empty(), 'a', at(1, 'till-1'));
      expect(() => set.remove(s, 'a', at(1, 'till-1'))).toThrow(RangeError);
      expect(() => set.add(s, 1 as unknown as string, at(2, 'till-1'))).toThrow(TypeError);
      expect(mergeAll(set, [])).toEqual(set.empty());
    });
  });
}
